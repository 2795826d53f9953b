"""``python manage.py load_demo``: a demo province to click through, and one login per role.

The union tree (全总 100000 → 河南省总工会 410000 → 郑州, 洛阳 → counties →
grassroots units), one account per role at the province plus a county
caseworker (the printed logins), each county's own caseworker and reviewer,
and a small set of realistic case records of every type, all written through
the services, so every guard rule holds (a grant goes to a member of an
on-file household, with a schooling record in force and, for a first grant, a
clean published notice that ended before it).

A caseworker should believe them: names fit the gender in the ID number, ID
numbers carry the county's region code, school entries fall on 1 September at
each stage's age (admitted in July or August), phones use the city's area
code, and a county's files are opened by its caseworker and reviewed by its
reviewer (``tests/believable.py`` checks each rule).

Running it again changes nothing but the demo accounts' passwords, which are
set back to the printed ones. Records are dated in 2014 (the year of the
notice) and in the current year (the previous one during January and
February, so that every step of a recent workflow can lie in the past).
"""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from aid.models import AidGrant, Expenditure, FundReceipt, WorkStudyOffer
from beneficiaries import services as beneficiaries
from beneficiaries.id_numbers import make_id_number, validate_id_number
from beneficiaries.models import Household, Schooling
from casework.choices import Category, Level, Role
from casework.models import Organisation, User
from casework.services import organisation_create, record_create, record_update, user_create, user_set_password
from employment import services as employment_services
from employment.models import (
    Certificate,
    Institution,
    JobFair,
    Loan,
    Pairing,
    Placement,
    PositionOffer,
    Service,
    Training,
)
from notices.models import Notice, NoticeEntry, Objection

REASON = "演示数据"
PASSWORD = "demo-2014-pass"  # noqa: S105  (a demo account, printed on purpose)
D = datetime.date

ORGANISATIONS = [
    # code, name, level, parent code
    ("100000", "中华全国总工会", Level.NATIONAL, None),
    ("410000", "河南省总工会", Level.PROVINCE, "100000"),
    ("410100", "郑州市总工会", Level.CITY, "410000"),
    ("410300", "洛阳市总工会", Level.CITY, "410000"),
    ("410181", "巩义市总工会", Level.COUNTY, "410100"),
    ("410122", "中牟县总工会", Level.COUNTY, "410100"),
    ("410381", "偃师市总工会", Level.COUNTY, "410300"),
    ("410323", "新安县总工会", Level.COUNTY, "410300"),
    ("41018101", "巩义市孝义街道工会联合会", Level.GRASSROOTS, "410181"),
    ("41012201", "中牟县汽车产业园工会联合会", Level.GRASSROOTS, "410122"),
    ("41038101", "偃师市首阳山街道工会联合会", Level.GRASSROOTS, "410381"),
    ("41032301", "新安县城关镇工会联合会", Level.GRASSROOTS, "410323"),
]

USERS = [
    # username, full name, role, organisation code
    ("henan_caseworker", "王静", Role.CASEWORKER, "410000"),
    ("henan_reviewer", "刘建华", Role.REVIEWER, "410000"),
    ("henan_statistics", "陈晓燕", Role.STATISTICS_OFFICER, "410000"),
    ("henan_admin", "张国强", Role.ADMINISTRATOR, "410000"),
    ("gongyi_caseworker", "李娜", Role.CASEWORKER, "410181"),
]

# Each county's own caseworker opens its files and its reviewer reviews them (巩义's caseworker is printed
# above; these log in with the same password, as the county staff a file page names).
COUNTY_STAFF = [
    ("gongyi_reviewer", "杨海燕", Role.REVIEWER, "410181"),
    ("zhongmou_caseworker", "高志伟", Role.CASEWORKER, "410122"),
    ("zhongmou_reviewer", "徐丽娟", Role.REVIEWER, "410122"),
    ("yanshi_caseworker", "张晓东", Role.CASEWORKER, "410381"),
    ("yanshi_reviewer", "郭红霞", Role.REVIEWER, "410381"),
    ("xinan_caseworker", "宋春梅", Role.CASEWORKER, "410323"),
    ("xinan_reviewer", "韩永强", Role.REVIEWER, "410323"),
]

# The unions' office telephones (保障工作部), with each city's area code.
OFFICE_PHONES = {
    "410000": "0371-65550000",
    "410100": "0371-67170000",
    "410300": "0379-63930000",
    "410181": "0371-64390000",
    "410122": "0371-62170000",
    "410381": "0379-67720000",
    "410323": "0379-67210000",
}

# The first household file: its presence means the records were loaded before.
MARKER_FILE_NO = "410181-2013-001"


def recent_calendar(today):
    """``day(fraction)`` → a date of the recent year, ``fraction`` of the way from 1 January to today.

    Early in the year there is too little past to place a whole workflow in, so
    the previous year is used instead (all of it lies in the past).
    """
    start = D(today.year, 1, 1)
    span = (today - start).days
    if span < 60:
        start, span = D(today.year - 1, 1, 1), 364
    return lambda fraction: start + datetime.timedelta(days=int(fraction * span))


class Command(BaseCommand):
    help = "加载演示数据（河南省总工会及下属单位、各角色账号、各类样例记录），并打印登录账号。可重复运行。"

    def handle(self, *args, **options):
        with transaction.atomic():
            orgs = self._organisations()
            users = self._users(orgs)
            loaded = Household.objects.filter(file_no=MARKER_FILE_NO).exists()
            if not loaded:
                Demo(orgs, users, timezone.localdate()).load()
        if loaded:
            self.stdout.write("演示数据已存在，未重复加载。")
        else:
            self.stdout.write(self.style.SUCCESS("演示数据已加载。"))
        self._print_logins(users)

    def _organisations(self):
        orgs = {o.code: o for o in Organisation.objects.filter(code__in=[row[0] for row in ORGANISATIONS])}
        for code, name, level, parent in ORGANISATIONS:
            if code not in orgs:
                orgs[code] = organisation_create(
                    code=code, name=name, level=level, parent=orgs.get(parent), acting_user=None, reason=REASON
                )
        return orgs

    def _users(self, orgs):
        users = {}
        for username, full_name, role, code in USERS + COUNTY_STAFF:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(
                    username=username,
                    password=PASSWORD,
                    organisation=orgs[code],
                    role=role,
                    first_name=full_name,
                    # Staff may open the admin; it is scoped too, and only administrators write there.
                    is_staff=True,
                    acting_user=None,
                    reason=REASON,
                )
            else:
                user_set_password(user, password=PASSWORD, acting_user=None, reason=REASON)
            users[username] = user
        return users

    def _print_logins(self, users):
        self.stdout.write("")
        self.stdout.write("登录地址：http://127.0.0.1:8000/login/  （管理后台：http://127.0.0.1:8000/admin/）")
        for username, _name, role, _code in USERS:
            unit = users[username].organisation
            self.stdout.write(f"  {role.label}：用户名 {username}  密码 {PASSWORD}  （{unit.name} {unit.code}）")


class Demo:
    """Writes the sample records, each through its service, acting as the demo accounts."""

    def __init__(self, orgs, users, today):
        self.orgs = orgs
        self.caseworker = users["henan_caseworker"]
        self.reviewer = users["henan_reviewer"]
        self.county = users["gongyi_caseworker"]
        # A county's records are written by its own staff; the province's (and the cities') by the province's.
        staff = [(role, code, users[name]) for name, _full_name, role, code in USERS + COUNTY_STAFF]
        self.caseworker_of = {code: user for role, code, user in staff if role == Role.CASEWORKER}
        self.reviewer_of = {code: user for role, code, user in staff if role == Role.REVIEWER}
        self.recent = recent_calendar(today)
        self.seq = 0

    # -- helpers ------------------------------------------------------------------

    def id_number(self, region, born, male):
        """A valid resident ID of ``region`` (the person's county, or city) for someone born on ``born``;
        the order code is odd for a man and even for a woman, as on a real card."""
        self.seq += 1
        return validate_id_number(make_id_number(region, born, 2 * self.seq + (1 if male else 0)))

    def staff_for(self, org, staff):
        """The caseworker (or reviewer) of the county of ``org``; the province's for a city or the province."""
        return staff.get(org.code) or staff.get(org.parent.code if org.parent else "") or staff["410000"]

    def person(self, name, born, *, male, household=None, relationship="", org=None, by=None, phone="", **details):
        org = org or household.organisation
        return beneficiaries.person_register(
            id_number=self.id_number(org.code, born, male),
            name=name,
            organisation=org,
            household=household,
            relationship=relationship,
            phone=phone,
            acting_user=by or self.staff_for(org, self.caseworker_of),
            reason=REASON,
            **details,
        )

    def record(self, model, by=None, **data):
        """Create a record as ``by``, else as the caseworker of the county it belongs to (its unit's, or its
        person's)."""
        if by is None:
            org = data.get("organisation") or getattr(data.get("person"), "organisation", None)
            by = self.staff_for(org, self.caseworker_of) if org is not None else self.caseworker
        return record_create(model, acting_user=by, reason=REASON, data=data)

    def plan(self, **data):
        # The service names the author: the caseworker of the graduate's county, who records the plan.
        by = self.staff_for(data["graduate"].organisation, self.caseworker_of)
        return employment_services.assistance_plan_create(acting_user=by, reason=REASON, data=data)

    def household(self, file_no, org, kind, *, applied, head, reviewed=None, noticed=None, filed=None, by=None, **data):
        """A household file with its head (``(name, born, male, extra)``) taken through the workflow as far
        as the dates given: the county's caseworker applies, its reviewer reviews it, lists the head on a
        public notice starting on ``noticed`` (ending the day before ``filed``, or after seven days) and puts
        it on file after the notice ends."""
        unit = self.orgs[org]
        by = by or self.staff_for(unit, self.caseworker_of)
        reviewer = self.staff_for(unit, self.reviewer_of)
        household = beneficiaries.household_apply(
            file_no=file_no,
            organisation=unit,
            kind=kind,
            applied_on=applied,
            acting_user=by,
            reason=REASON,
            **data,
        )
        name, born, male, extra = head
        head = self.person(name, born, male=male, household=household, relationship="head", by=by, **extra)
        if reviewed:
            household = beneficiaries.household_review(household, acting_user=reviewer, reason=REASON, day=reviewed)
        if noticed:
            ends = filed - datetime.timedelta(days=1) if filed else noticed + datetime.timedelta(days=6)
            notice = self.notice(
                org,
                f"{unit.name}困难职工帮扶对象公示（{file_no}）",
                f"{unit.name}公示栏",
                noticed,
                ends,
                [(head, "3000.00")],
                by=reviewer,
            )
            household = beneficiaries.household_notice(
                household, notice=notice.ref, acting_user=reviewer, reason=REASON
            )
        if filed:
            household = beneficiaries.household_file(household, acting_user=reviewer, reason=REASON, day=filed)
        return household

    def notice(self, org, title, posted_at, starts, ends, entries, *, by=None):
        notice = self.record(
            Notice,
            by=by,
            organisation=self.orgs[org],
            title=title,
            posted_at=posted_at,
            contact=f"保障工作部 {OFFICE_PHONES[org]}",
            starts_on=starts,
            ends_on=ends,
            published_on=starts,
        )
        for person, amount in entries:
            self.record(NoticeEntry, by=by, notice=notice, person=person, amount=Decimal(amount))
        return notice

    # -- the records --------------------------------------------------------------

    def load(self):
        self.households_2014()
        self.households_recent()
        self.funds()
        self.employment()
        self.graduates()

    def households_2014(self):
        gongyi = self.county
        # 巩义: a worker family on file since 2013; the son entered junior secondary in 2014.
        h1 = self.household(
            MARKER_FILE_NO,
            "410181",
            "worker",
            applied=D(2013, 3, 4),
            reviewed=D(2013, 3, 15),
            noticed=D(2013, 3, 20),
            filed=D(2013, 4, 1),
            hardship_reasons=["illness", "education"],
            address="巩义市孝义街道新兴路12号",
            by=gongyi,
            head=("李建国", D(1968, 5, 12), True, {"phone": "13903711234", "work_unit": "巩义市第一棉纺厂"}),
        )
        self.person(
            "赵秀英", D(1970, 8, 3), male=False, household=h1, relationship="spouse", by=gongyi, phone="0371-64350318"
        )
        li_ming = self.person("李明", D(2001, 10, 21), male=True, household=h1, relationship="child", by=gongyi)
        beneficiaries.annual_review_record(
            h1, outcome="confirmed", acting_user=gongyi, reason=REASON, day=D(2014, 12, 10), note="家庭收入无明显变化"
        )

        # 巩义: a single mother, migrant worker; her daughter entered university in 2014.
        h2 = self.household(
            "410181-2014-002",
            "410181",
            "migrant_worker",
            applied=D(2014, 5, 6),
            reviewed=D(2014, 5, 20),
            noticed=D(2014, 5, 26),
            filed=D(2014, 6, 10),
            single_parent_female=True,
            hardship_reasons=["single_parent", "education"],
            address="巩义市孝义街道桐本路8号",
            by=gongyi,
            head=("孙丽", D(1974, 2, 17), False, {"phone": "15838271460", "work_unit": "巩义市福馨家政服务有限公司"}),
        )
        sun = self.person("孙晓雨", D(1996, 4, 9), male=False, household=h2, relationship="child", by=gongyi)

        # 偃师: a worker family; one daughter in senior secondary, one son graduating in 2014.
        h3 = self.household(
            "410381-2013-001",
            "410381",
            "worker",
            applied=D(2013, 6, 3),
            reviewed=D(2013, 6, 14),
            noticed=D(2013, 6, 20),
            filed=D(2013, 7, 1),
            hardship_reasons=["disability"],
            address="偃师市首阳山街道人民路45号",
            head=("周志强", D(1966, 11, 30), True, {"phone": "0379-67751236", "work_unit": "洛阳轴承厂"}),
        )
        zhou_ting = self.person("周婷", D(1999, 3, 14), male=False, household=h3, relationship="child")
        self.zhou_lei = self.person("周磊", D(1992, 1, 25), male=True, household=h3, relationship="child")

        # 偃师: a migrant worker family; an objection against the child was upheld, so no grant.
        h4 = self.household(
            "410381-2014-002",
            "410381",
            "migrant_worker",
            applied=D(2014, 3, 10),
            reviewed=D(2014, 3, 24),
            noticed=D(2014, 3, 28),
            filed=D(2014, 4, 8),
            hardship_reasons=["unemployment"],
            head=("吴海", D(1972, 9, 9), True, {"phone": "13783196625", "work_unit": "偃师市三轮摩托车厂"}),
        )
        wu_jia = self.person("吴佳", D(2007, 3, 2), male=False, household=h4, relationship="child")

        # 新安: on file from 2012, closed at the 2014 annual review (脱困).
        h5 = self.household(
            "410323-2012-001",
            "410323",
            "worker",
            applied=D(2012, 4, 9),
            reviewed=D(2012, 4, 20),
            noticed=D(2012, 4, 25),
            filed=D(2012, 5, 2),
            hardship_reasons=["illness"],
            head=("马玉兰", D(1963, 12, 1), False, {"phone": "0379-67286041"}),
        )
        beneficiaries.annual_review_record(
            h5,
            outcome="closed",
            closing_code="out_of_hardship",
            confirm=True,
            acting_user=self.reviewer_of["410323"],
            reason=REASON,
            day=D(2014, 12, 15),
            note="子女就业，家庭脱困",
        )

        # 中牟: applied and reviewed late in 2014, still waiting for public notice.
        self.household(
            "410122-2014-001",
            "410122",
            "worker",
            applied=D(2014, 10, 8),
            reviewed=D(2014, 10, 20),
            head=("郭德胜", D(1970, 6, 6), True, {"phone": "13607658832", "work_unit": "郑州日产汽车有限公司"}),
        )

        # School starts on 1 September; the later stages admit (录取) in July or August, before the grants.
        schooling = [
            (li_ming, "junior_secondary", "巩义市第二初级中学", D(2014, 7, 20), D(2014, 9, 1)),
            (sun, "undergraduate", "郑州大学", D(2014, 7, 28), D(2014, 9, 1)),
            (zhou_ting, "senior_secondary", "偃师市高级中学", D(2014, 7, 25), D(2014, 9, 1)),
            (wu_jia, "primary", "偃师市实验小学", None, D(2013, 9, 1)),
        ]
        for index, (student, stage, school, admitted, entered) in enumerate(schooling, start=1):
            self.record(
                Schooling,
                ref=f"SCH-2014-{index:03d}",
                person=student,
                stage=stage,
                school=school,
                admitted_on=admitted,
                entered_on=entered,
            )
        # The son who graduates in 2014 entered university at eighteen.
        self.record(
            Schooling,
            ref="SCH-2010-001",
            person=self.zhou_lei,
            stage="undergraduate",
            school="河南科技大学",
            admitted_on=D(2010, 7, 26),
            entered_on=D(2010, 9, 1),
        )

        # 公示 before the first grants; the grants follow the end of each notice's period, and all of it
        # lies before Attachment 3's cut-off (08-31), so the 2014 return shows it.
        gongyi_notice = self.notice(
            "410181",
            "巩义市总工会2014年金秋助学对象公示",
            "巩义市孝义街道社区公示栏",
            D(2014, 8, 8),
            D(2014, 8, 14),
            [(li_ming, "1500.00"), (sun, "5000.00")],
            by=gongyi,
        )
        self.record(
            Objection,
            by=gongyi,
            notice=gongyi_notice,
            person=li_ming,
            raised_on=D(2014, 8, 10),
            content="反映其家庭有经营收入",
            upheld=False,
            decided_on=D(2014, 8, 12),
            decided_by=self.reviewer_of["410181"],
        )
        yanshi_notice = self.notice(
            "410381",
            "偃师市总工会2014年金秋助学对象公示",
            "偃师市首阳山街道职工所在单位",
            D(2014, 8, 9),
            D(2014, 8, 15),
            [(zhou_ting, "3000.00"), (wu_jia, "1000.00")],
        )
        self.record(
            Objection,
            notice=yanshi_notice,
            person=wu_jia,
            raised_on=D(2014, 8, 11),
            content="家庭已有稳定收入",
            upheld=True,
            decided_on=D(2014, 8, 13),
            decided_by=self.reviewer_of["410381"],
        )
        # The upheld objection takes the child off the list (the entry stays, marked).
        record_update(
            yanshi_notice.entries.get(person=wu_jia),
            acting_user=self.reviewer_of["410381"],
            reason=REASON,
            data={"struck_off": True},
        )
        self.record(
            AidGrant,
            by=gongyi,
            ref="GRANT-2014-001",
            organisation=self.orgs["410181"],
            person=li_ming,
            granted_on=D(2014, 8, 20),
            amount=Decimal("1500.00"),
        )
        self.record(
            AidGrant,
            by=gongyi,
            ref="GRANT-2014-002",
            organisation=self.orgs["410181"],
            person=sun,
            granted_on=D(2014, 8, 20),
            amount=Decimal("5000.00"),
        )
        self.record(
            AidGrant,
            ref="GRANT-2014-003",
            organisation=self.orgs["410381"],
            person=zhou_ting,
            granted_on=D(2014, 8, 22),
            amount=Decimal("3000.00"),
        )

    def households_recent(self):
        day, gongyi = self.recent, self.county
        year = day(0).year
        # 巩义: a whole workflow this year, ending in a first grant after a clean notice.
        h7 = self.household(
            f"410181-{year}-001",
            "410181",
            "worker",
            applied=day(0.05),
            reviewed=day(0.10),
            noticed=day(0.15),
            filed=day(0.20),
            hardship_reasons=["illness"],
            address="巩义市孝义街道康店路3号",
            by=gongyi,
            head=("郑伟", D(1981, 3, 18), True, {"phone": "18937165520", "work_unit": "巩义市建筑工程公司"}),
        )
        # The daughter started primary school last September, at six.
        started = D(year - 1, 9, 1)
        child = self.person("郑可欣", D(year - 7, 3, 5), male=False, household=h7, relationship="child", by=gongyi)
        self.record(
            Schooling,
            ref=f"SCH-{year}-001",
            person=child,
            stage="primary",
            school="巩义市实验小学",
            entered_on=started,
        )
        self.notice(
            "410181",
            f"巩义市总工会{year}年金秋助学对象公示",
            "巩义市孝义街道社区公示栏",
            day(0.35),
            day(0.40),
            [(child, "1000.00")],
            by=gongyi,
        )
        self.record(
            AidGrant,
            by=gongyi,
            ref=f"GRANT-{year}-001",
            organisation=self.orgs["410181"],
            person=child,
            granted_on=day(0.50),
            amount=Decimal("1000.00"),
        )

        # 巩义: an application that has not been reviewed yet.
        self.household(
            f"410181-{year}-002",
            "410181",
            "migrant_worker",
            applied=day(0.60),
            by=gongyi,
            head=("何秀梅", D(1983, 7, 7), False, {"phone": "15093326817"}),
        )

        # 中牟: an application the reviewer returned to the caseworker for correction (退回).
        returned = self.household(
            f"410122-{year}-001",
            "410122",
            "worker",
            applied=day(0.58),
            head=("郭小红", D(1979, 4, 12), False, {"phone": "0371-62193375"}),
        )
        beneficiaries.household_return(
            returned,
            return_reason="缺少家庭收入证明，请补充后重新提交",
            acting_user=self.reviewer_of["410122"],
            reason=REASON,
            day=day(0.62),
        )

        # 偃师: reviewed and on public notice, not yet on file.
        h9 = self.household(
            f"410381-{year}-001",
            "410381",
            "worker",
            applied=day(0.55),
            reviewed=day(0.65),
            noticed=day(0.70),
            head=("冯建军", D(1975, 1, 9), True, {"phone": "13938856702", "work_unit": "中国一拖集团有限公司"}),
        )
        # The son graduates this summer: he entered university at eighteen, four years ago.
        self.feng_chen = self.person("冯晨", D(year - 22, 5, 20), male=True, household=h9, relationship="child")
        self.record(
            Schooling,
            ref=f"SCH-{year - 4}-001",
            person=self.feng_chen,
            stage="undergraduate",
            school="洛阳理工学院",
            admitted_on=D(year - 4, 7, 24),
            entered_on=D(year - 4, 9, 1),
        )

        # The yearly re-check of files on record since 2013.
        beneficiaries.annual_review_record(
            Household.objects.get(file_no=MARKER_FILE_NO),
            outcome="confirmed",
            acting_user=gongyi,
            reason=REASON,
            day=day(0.80),
        )
        beneficiaries.annual_review_record(
            Household.objects.get(file_no="410381-2013-001"),
            outcome="updated",
            acting_user=self.caseworker_of["410381"],
            reason=REASON,
            day=day(0.82),
            note="长子已就业，更新家庭收入",
        )

    def funds(self):
        day, year = self.recent, self.recent(0).year
        receipts = [
            ("410000", "student_aid", "government", D(2014, 8, 1), "500000.00", "省财政金秋助学专项"),
            ("410100", "student_aid", "social_donation", D(2014, 8, 15), "120000.00", "郑州爱心企业捐助"),
            ("410181", "student_aid", "union", D(2014, 8, 20), "30000.00", "巩义市总工会经费"),
            ("410000", "employment", "central_finance", D(2014, 3, 1), "800000.00", "中央财政帮扶资金"),
            ("410300", "employment", "local_finance", D(2014, 4, 10), "200000.00", "洛阳市财政补贴"),
            ("410100", "employment", "union", D(2014, 5, 5), "150000.00", ""),
            ("410381", "employment", "social_donation", D(2014, 6, 18), "25000.00", ""),
            ("410000", "student_aid", "government", day(0.25), "600000.00", f"{year}年金秋助学专项"),
            ("410000", "employment", "central_finance", day(0.12), "900000.00", ""),
        ]
        for index, (org, programme, source, received, amount, note) in enumerate(receipts, start=1):
            self.record(
                FundReceipt,
                ref=f"FUND-{received.year}-{index:03d}",
                organisation=self.orgs[org],
                programme=programme,
                source=source,
                received_on=received,
                amount=Decimal(amount),
                note=note,
            )
        spending = [
            ("410100", "employment", "training", D(2014, 6, 30), "320000.00"),
            ("410300", "employment", "job_introduction", D(2014, 7, 15), "45000.00"),
            ("410181", "employment", "other", D(2014, 8, 1), "12000.00"),
            ("410000", "employment", "training", day(0.45), "280000.00"),
        ]
        for index, (org, programme, use, spent, amount) in enumerate(spending, start=1):
            self.record(
                Expenditure,
                ref=f"SPEND-{spent.year}-{index:03d}",
                organisation=self.orgs[org],
                programme=programme,
                use=use,
                spent_on=spent,
                amount=Decimal(amount),
            )
        offers = [
            ("410100", "郑州宇通客车股份有限公司", D(2014, 7, 1), 20),
            ("410300", "中国一拖集团有限公司", D(2014, 7, 8), 15),
            # The same employer again, typed with spaces: Attachment 3 counts it as one unit.
            ("410181", " 郑州宇通客车股份有限公司 ", D(2014, 7, 20), 5),
            ("410100", "郑州日产汽车有限公司", day(0.42), 12),
        ]
        for index, (org, unit, offered, posts) in enumerate(offers, start=1):
            self.record(
                WorkStudyOffer,
                ref=f"WORKSTUDY-{offered.year}-{index:03d}",
                organisation=self.orgs[org],
                unit_name=unit,
                offered_on=offered,
                posts=posts,
            )

    def employment(self):
        day, year = self.recent, self.recent(0).year
        orgs = self.orgs
        zhengzhou = self.record(
            Institution,
            code="INST-410100-01",
            name="郑州市职工技能培训中心",
            organisation=orgs["410100"],
            migrant_demo_base=True,
            employment_training_base=True,
        )
        luoyang = self.record(
            Institution,
            code="INST-410300-01",
            name="洛阳市工会职业培训学校",
            organisation=orgs["410300"],
            advanced_institution=True,
        )
        gongyi = self.record(
            Institution, code="INST-410181-01", name="巩义市家政服务培训学校", organisation=orgs["410181"]
        )

        liu = self.person("刘洋", D(1978, 4, 2), male=True, org=orgs["410100"], phone="13592416678")
        chen = self.person("陈红", D(1992, 11, 11), male=False, org=orgs["410181"], phone="0371-64418523")
        wang = self.person("王芳", D(1980, 6, 15), male=False, org=orgs["410300"], phone="0379-64912207")
        zhao = self.person("赵磊", D(1994, 2, 28), male=True, org=orgs["410381"], phone="15225438091")
        huang = self.person("黄强", D(1982, 10, 5), male=True, org=orgs["410100"], phone="0371-68857312")

        trainings = [
            ("410100", liu, zhengzhou, "skills", Category.LAID_OFF, D(2014, 3, 10), D(2014, 4, 20), True, False),
            (
                "410181",
                chen,
                gongyi,
                "domestic_service",
                Category.MIGRANT_WORKER,
                D(2014, 4, 1),
                D(2014, 4, 15),
                False,
                True,
            ),
            (
                "410300",
                wang,
                luoyang,
                "entrepreneurship",
                Category.LAID_OFF,
                D(2014, 5, 5),
                D(2014, 5, 25),
                False,
                False,
            ),
            ("410381", zhao, luoyang, "skills", Category.MIGRANT_WORKER, D(2014, 6, 2), D(2014, 6, 30), True, True),
            ("410100", huang, zhengzhou, "skills", Category.IN_SERVICE, day(0.30), day(0.38), False, False),
        ]
        for index, (org, who, institution, kind, category, start, end, order, targeted) in enumerate(trainings, 1):
            self.record(
                Training,
                ref=f"TRAIN-{start.year}-{index:03d}",
                organisation=orgs[org],
                person=who,
                institution=institution,
                type=kind,
                category=category,
                started_on=start,
                ended_on=end,
                order_based=order,
                targeted=targeted,
            )
        certificates = [
            (liu, "labour_dept", "intermediate", D(2014, 5, 10), True),
            (chen, "other", "junior", D(2014, 4, 30), False),
            (zhao, "labour_dept", "junior", D(2014, 7, 10), True),
            (huang, "labour_dept", "senior", day(0.44), True),
        ]
        for index, (who, issuer, level, issued, assessed) in enumerate(certificates, 1):
            self.record(
                Certificate,
                ref=f"CERT-{issued.year}-{index:03d}",
                person=who,
                issuer=issuer,
                level=level,
                issued_on=issued,
                via_assessment=assessed,
            )
        placements = [
            ("410100", liu, "郑州宇通客车股份有限公司", "union_referral", Category.LAID_OFF, D(2014, 6, 1), 24),
            (
                "410181",
                chen,
                "巩义市福馨家政服务有限公司",
                "union_referral",
                Category.MIGRANT_WORKER,
                D(2014, 5, 10),
                12,
            ),
            ("410381", zhao, "偃师市三轮摩托车厂", "public_welfare_post", Category.MIGRANT_WORKER, D(2014, 7, 20), 6),
        ]
        for index, (org, who, employer, channel, category, employed, months) in enumerate(placements, 1):
            self.record(
                Placement,
                ref=f"PLACE-{employed.year}-{index:03d}",
                organisation=orgs[org],
                person=who,
                employer=employer,
                channel=channel,
                category=category,
                employed_on=employed,
                contract_months=months,
            )
        loans = [
            ("410300", wang, "small_loan", Category.LAID_OFF, D(2014, 6, 10), "30000.00", 3),
            ("410381", zhao, "small_borrowing", Category.MIGRANT_WORKER, D(2014, 8, 5), "10000.00", 1),
            ("410300", wang, "assisted_loan", Category.LAID_OFF, day(0.33), "50000.00", 4),
        ]
        for index, (org, who, kind, category, lent, amount, jobs) in enumerate(loans, 1):
            self.record(
                Loan,
                ref=f"LOAN-{lent.year}-{index:03d}",
                organisation=orgs[org],
                person=who,
                kind=kind,
                category=category,
                lent_on=lent,
                amount=Decimal(amount),
                jobs_created=jobs,
            )
        services = [
            ("410181", chen, "job_introduction", D(2014, 5, 1)),
            ("410381", zhao, "labour_export", D(2014, 3, 20)),
            ("410300", wang, "entrepreneurship_consulting", D(2014, 4, 22)),
            ("410100", liu, "rights_protection", D(2014, 7, 3)),
            ("410100", huang, "legal_aid", day(0.28)),
        ]
        for index, (org, who, kind, served) in enumerate(services, 1):
            self.record(
                Service,
                ref=f"SERVICE-{served.year}-{index:03d}",
                organisation=orgs[org],
                person=who,
                type=kind,
                served_on=served,
            )
        fairs = [
            ("410100", "2014年“春风行动”职工专场招聘会", D(2014, 3, 15), 1200, 400),
            ("410300", "洛阳市困难职工家庭高校毕业生专场招聘会", D(2014, 6, 20), 600, 500),
            ("410000", f"{year}年河南省工会就业援助月招聘会", day(0.15), 2000, 800),
        ]
        for index, (org, name, held, total, graduates) in enumerate(fairs, 1):
            self.record(
                JobFair,
                ref=f"FAIR-{held.year}-{index:03d}",
                organisation=orgs[org],
                name=name,
                held_on=held,
                positions_total=total,
                positions_for_graduates=graduates,
            )
        offers = [
            ("410300", "中国一拖集团有限公司", "state_owned", D(2014, 5, 12), 30),
            ("410100", "河南省劳模创新企业郑州三全食品股份有限公司", "model_worker", D(2014, 6, 3), 12),
            ("410381", "偃师市爱心企业联合会", "caring_enterprise", D(2014, 7, 1), 8),
            ("410181", "巩义市公益性岗位", "public_welfare", day(0.40), 20),
        ]
        for index, (org, employer, kind, offered, positions) in enumerate(offers, 1):
            self.record(
                PositionOffer,
                ref=f"POSITION-{offered.year}-{index:03d}",
                organisation=orgs[org],
                employer=employer,
                employer_type=kind,
                offered_on=offered,
                positions=positions,
            )

    def graduates(self):
        """Graduates of hardship families, with the help Attachment 2 reports."""
        day, year = self.recent, self.recent(0).year
        orgs = self.orgs
        zhou = beneficiaries.graduate_register(
            person=self.zhou_lei,
            organisation=orgs["410381"],
            graduation_year=2014,
            university="河南科技大学",
            university_local=True,
            origin_local=True,
            registered_on=D(2014, 5, 20),
            acting_user=self.caseworker_of["410381"],
            reason=REASON,
        )
        self.plan(
            graduate=zhou,
            made_on=D(2014, 5, 28),
            content="推荐参加洛阳专场招聘会；提供创业指导与小额担保贷款；安排企业实习。",
            next_review_on=D(2014, 8, 28),
        )
        self.record(
            Pairing, graduate=zhou, mentor="张海涛（偃师市总工会副主席）", mentor_kind="cadre", since=D(2014, 5, 28)
        )
        lei = zhou.person
        training_ref = "TRAIN-2014-101"
        self.record(
            Training,
            ref=training_ref,
            organisation=orgs["410300"],
            person=lei,
            institution=Institution.objects.get(code="INST-410300-01"),
            type="entrepreneurship",
            category=Category.GRADUATE,
            started_on=D(2014, 6, 9),
            ended_on=D(2014, 6, 20),
        )
        for ref, kind, served, amount in [
            ("SERVICE-2014-101", "internship", D(2014, 6, 2), None),
            ("SERVICE-2014-102", "entrepreneurship_guidance", D(2014, 6, 25), None),
            ("SERVICE-2014-103", "policy_assistance", D(2014, 7, 2), None),
            ("SERVICE-2014-104", "job_search_subsidy", D(2014, 6, 5), Decimal("800.00")),
        ]:
            self.record(
                Service, ref=ref, organisation=orgs["410381"], person=lei, type=kind, served_on=served, amount=amount
            )
        self.record(
            Loan,
            ref="LOAN-2014-101",
            organisation=orgs["410381"],
            person=lei,
            kind="guaranteed_loan",
            category=Category.GRADUATE,
            lent_on=D(2014, 7, 15),
            amount=Decimal("50000.00"),
            jobs_created=2,
        )
        self.record(
            Placement,
            ref="PLACE-2014-101",
            organisation=orgs["410381"],
            person=lei,
            employer="偃师市磊鑫电子商务工作室",
            channel="self_found",
            category=Category.GRADUATE,
            employed_on=D(2014, 8, 1),
            contract_months=0,
        )

        # This year's fresh graduate from the family on public notice: registered, planned, paired.
        chen = beneficiaries.graduate_register(
            person=self.feng_chen,
            organisation=orgs["410381"],
            graduation_year=year,
            university="洛阳理工学院",
            university_local=True,
            origin_local=True,
            registered_on=day(0.72),
            acting_user=self.caseworker_of["410381"],
            reason=REASON,
        )
        self.plan(
            graduate=chen,
            made_on=day(0.74),
            content="一对一职业指导，推荐国有企业岗位。",
        )
        self.record(
            Pairing, graduate=chen, mentor="李桂芳（全国劳动模范）", mentor_kind="model_worker", since=day(0.74)
        )
