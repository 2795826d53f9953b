"""Synthetic case data at national scale, for benchmarks and load tests.

:func:`generate` fills a migrated database with a union tree (national 100000 →
province 410000 → cities → counties → grassroots units, sized to the number of
persons) and ``persons`` persons with their households, schooling, notices,
student-aid grants and employment records, in realistic proportions.

It writes with ``bulk_create`` in batches and one history ``+`` row per object
(user "synthetic", reason "synthetic data", dated on the record's own date so
that ``--as-recorded-at`` has a past to look at). Writing in bulk bypasses the
services and their guard rules, so the generator keeps the data consistent with
the rules of ``returns.md`` itself:

* a grant goes only to a member of a household on file on the grant date, with
  a schooling record in force on that date;
* every grant recipient is listed, with the grant as assistance standard, on a
  public notice of that year that ended before the grant, with no upheld
  objection against them (persons with an upheld objection get no grant);
* graduates are household members; dates are never in the future and ends
  never precede starts; amounts are positive.

The output depends only on ``seed`` (one ``random.Random``), except for the
Fernet tokens, whose IV and timestamp are random by design.
"""

import datetime
import random
import time
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, reset_queries, transaction
from django.db.models import Max

from aid.models import AidGrant, Expenditure, FundReceipt, WorkStudyOffer
from beneficiaries.id_numbers import make_id_number
from beneficiaries.models import Graduate, Household, Person, Schooling
from casework.choices import Level, Role
from casework.models import Organisation, User
from employment.models import (
    Certificate,
    Institution,
    JobFair,
    Loan,
    Placement,
    PositionOffer,
    Service,
    Training,
)
from notices.models import Notice, NoticeEntry, Objection

REASON = "synthetic data"
USERNAME = "synthetic"
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
LAST_YEAR = 2014
YEARS_OF_RECORDS = 3

# Region codes that python-stdnum's cn.ric accepts: the first list for every
# birth year from 1950, the second only from 1985 (counties created later).
# Found by trying every 41xxxx code against stdnum for each birth year.
REGIONS_ANY_YEAR = ("410100", "410200", "410300", "410400", "410500", "410600", "410700", "410800")
# fmt: off
REGIONS_FROM_1985 = (
    "410101", "410102", "410103", "410104", "410105", "410106", "410122", "410201", "410202", "410203", "410204",
    "410205", "410221", "410222", "410223", "410224", "410225", "410301", "410302", "410303", "410304", "410305",
    "410306", "410311", "410322", "410323", "410401", "410402", "410403", "410411", "410421", "410422", "410423",
    "410501", "410502", "410503", "410522", "410523", "410601", "410602", "410603", "410611", "410701", "410702",
    "410703", "410704", "410711", "410721", "410801", "410802", "410803", "410804", "410811", "410821", "410822",
    "410900", "410901", "410902", "410922", "410923", "410926", "410927",
)
# fmt: on

CITIES = [
    ("410100", "郑州市"),
    ("410200", "开封市"),
    ("410300", "洛阳市"),
    ("410400", "平顶山市"),
    ("410500", "安阳市"),
    ("410600", "鹤壁市"),
    ("410700", "新乡市"),
    ("410800", "焦作市"),
    ("410900", "濮阳市"),
    ("411000", "许昌市"),
    ("411100", "漯河市"),
    ("411200", "三门峡市"),
    ("411300", "南阳市"),
    ("411400", "商丘市"),
    ("411500", "信阳市"),
    ("411600", "周口市"),
    ("411700", "驻马店市"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红春梅海燕玉文斌宇浩凯鹏飞欣怡子涵梓轩雨萱一诺"
COMPANIES = [
    f"{a}{b}"
    for a in ("中原", "豫鑫", "华豫", "黄河", "嵩山", "伏牛", "中州", "天地", "宏达", "金秋")
    for b in ("实业有限公司", "建设集团", "商贸公司", "物流公司", "食品有限公司", "电子科技公司")
]
UNIVERSITIES_LOCAL = ["郑州大学", "河南大学", "河南理工大学", "河南农业大学", "河南财经政法大学", "洛阳理工学院"]
UNIVERSITIES_ELSEWHERE = ["武汉大学", "西安交通大学", "山东大学", "北京师范大学", "华中科技大学"]


def _weighted(rng, table):
    """Pick a key of ``table`` ({value: weight}) with probability proportional to its weight."""
    return rng.choices(list(table), weights=list(table.values()))[0]


def _day(rng, start, end):
    """A random date in [start, end]."""
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _moment(rng, day):
    """When a record of ``day`` was entered: that day, during office hours, Beijing time."""
    return datetime.datetime(day.year, day.month, day.day, 8, 30, tzinfo=TZ) + datetime.timedelta(
        minutes=rng.randrange(540)
    )


def tree_size(persons):
    """How many (cities, counties, grassroots units) a tree for ``persons`` persons has."""
    cities = min(len(CITIES), max(2, persons // 600))
    counties = min(150, max(cities, persons // 70))
    grassroots = max(counties, persons // 100)
    return cities, counties, grassroots


class _Writer:
    """Buffers new objects with explicit primary keys and writes them, with history rows, in bulk."""

    ORDER = [
        Organisation,
        Institution,
        Household,
        Person,
        Schooling,
        Graduate,
        Notice,
        NoticeEntry,
        Objection,
        AidGrant,
        Training,
        Certificate,
        Placement,
        Loan,
        Service,
        JobFair,
        PositionOffer,
        WorkStudyOffer,
        FundReceipt,
        Expenditure,
    ]

    def __init__(self, user, batch_size):
        self.user = user
        self.batch_size = batch_size
        self.pending = defaultdict(list)
        self.counts = defaultdict(int)
        self.next_pk = {}
        for model in self.ORDER:
            self.next_pk[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def add(self, obj, moment):
        model = type(obj)
        obj.pk = self.next_pk[model]
        self.next_pk[model] += 1
        self.pending[model].append((obj, moment))
        return obj

    def flush(self):
        for model in self.ORDER:
            rows = self.pending.pop(model, None)
            if not rows:
                continue
            objs = [obj for obj, _ in rows]
            model.objects.bulk_create(objs, batch_size=self.batch_size)
            history = model.history.model
            kept = {f.attname for f in history._meta.concrete_fields}  # less a history's excluded fields
            attnames = [f.attname for f in model._meta.concrete_fields if f.attname in kept]
            model_history = [
                history(
                    **{a: getattr(obj, a) for a in attnames},
                    history_date=moment,
                    history_type="+",
                    history_change_reason=REASON,
                    history_user_id=self.user.pk,
                    history_user_name=self.user.username,
                )
                for obj, moment in rows
            ]
            history.objects.bulk_create(model_history, batch_size=self.batch_size)
            self.counts[model._meta.label] += len(objs)
        # With DEBUG on, Django keeps the text of the last 9,000 statements: megabytes each here.
        reset_queries()

    def reset_sequences(self):
        # Explicit keys leave PostgreSQL's sequences behind; SQLite's AUTOINCREMENT follows by itself.
        statements = connection.ops.sequence_reset_sql(no_style(), self.ORDER)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Generator:
    """One run of the generator; see the module docstring."""

    def __init__(self, *, persons, seed, batch_size=2000, chunk_persons=6000, last_year=LAST_YEAR, log=None):
        self.target = persons
        self.seed = seed
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.chunk_persons = chunk_persons
        self.last_year = last_year
        self.years = list(range(last_year - YEARS_OF_RECORDS + 1, last_year + 1))
        self.end = datetime.date(last_year, 12, 31)
        self.log = log or (lambda message: None)
        self.id_orders = defaultdict(int)
        self.refs = defaultdict(int)
        self.notices = {}
        self.objected = set()

    # ---- helpers -------------------------------------------------------------------------

    def ref(self, kind):
        self.refs[kind] += 1
        return f"S{self.seed}-{kind}{self.refs[kind]}"

    def name(self):
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def id_number(self, city_code, born, male):
        """A valid, unused number: region valid for the birth year, order by gender (odd = male)."""
        regions = REGIONS_ANY_YEAR if born.year < 1985 else REGIONS_ANY_YEAR + REGIONS_FROM_1985
        local = [r for r in regions if r[:4] == city_code[:4]]
        region = self.rng.choice(local or regions)
        while True:
            key = (region, born, male)
            count = self.id_orders[key]
            if count < 500:
                self.id_orders[key] = count + 1
                return make_id_number(region, born, 2 * count + (1 if male else 0))
            born += datetime.timedelta(days=1)  # 500 of one gender born that day there: use the next day

    def money(self, low, high, step=100):
        return Decimal(self.rng.randrange(low, high + 1, step)).quantize(Decimal("0.01"))

    # ---- the tree -------------------------------------------------------------------------

    def build_tree(self):
        cities_n, counties_n, grassroots_n = tree_size(self.target)
        existing = {o.code: o for o in Organisation.objects.all()}
        made = []

        def unit(code, name, level, parent):
            if code in existing:
                return existing[code]
            org = Organisation(
                code=code, name=name, level=level, parent=parent, path=f"{parent.path if parent else ''}{code}/"
            )
            self.writer.add(org, datetime.datetime(2008, 1, 2, 9, 0, tzinfo=TZ))
            existing[code] = org
            made.append(org)
            return org

        national = unit("100000", "中华全国总工会", Level.NATIONAL, None)
        province = unit("410000", "河南省总工会", Level.PROVINCE, national)
        cities = [unit(code, f"{name}总工会", Level.CITY, province) for code, name in CITIES[:cities_n]]
        counties = []
        for k in range(counties_n):
            city = cities[k % cities_n]
            number = k // cities_n + 1
            counties.append(
                unit(f"{city.code[:4]}{number:02d}", f"{city.name[:-3]}第{number}区县总工会", Level.COUNTY, city)
            )
        grassroots = []
        for k in range(grassroots_n):
            county = counties[k % counties_n]
            number = k // counties_n + 1
            grassroots.append(
                unit(f"{county.code}{number:04d}", f"{county.name[:-3]}第{number}基层工会", Level.GRASSROOTS, county)
            )
        self.national, self.province = national, province
        self.cities, self.counties, self.grassroots = cities, counties, grassroots
        self.parent_of = {o.pk: o.parent for o in existing.values() if o.parent is not None}
        self.city_of = {}
        for county in counties:
            self.city_of[county.pk] = county.parent
        for unit_ in grassroots:
            self.city_of[unit_.pk] = unit_.parent.parent

        # Training institutions: a few per city, some holding national designations.
        self.institutions = defaultdict(list)
        per_city = max(2, self.target // (2000 * cities_n))
        for city in cities:
            for n in range(per_city):
                inst = Institution(
                    code=f"S{self.seed}-I{city.code}-{n + 1}",
                    name=f"{city.name[:-3]}第{n + 1}职业培训学校",
                    organisation=city,
                    migrant_demo_base=self.rng.random() < 0.15,
                    employment_training_base=self.rng.random() < 0.15,
                    advanced_institution=self.rng.random() < 0.08,
                )
                self.institutions[city.pk].append(self.writer.add(inst, datetime.datetime(2009, 3, 1, 9, tzinfo=TZ)))
        return made

    def recording_unit(self, grassroots_unit):
        """The unit that records a person's employment record: mostly the county, else grassroots or city."""
        roll = self.rng.random()
        county = self.parent_of[grassroots_unit.pk]
        if roll < 0.6:
            return county
        if roll < 0.9:
            return grassroots_unit
        return self.parent_of[county.pk]

    # ---- persons and households --------------------------------------------------------

    def person(self, *, unit, born, male, household=None, relationship=""):
        city = self.city_of[unit.pk]
        p = Person(name=self.name(), organisation=unit, household=household, relationship=relationship)
        p.id_number = self.id_number(city.code, born, male)
        if relationship in ("head", ""):
            p.phone = f"13{self.rng.randrange(10**9):09d}"
        return p

    def household(self, unit, size):
        rng = self.rng
        kind = "migrant_worker" if rng.random() < 0.35 else "worker"
        single_mother = rng.random() < 0.08
        applied = _day(rng, datetime.date(2009, 1, 1), datetime.date(self.last_year, 10, 31))
        hh = Household(
            file_no=self.ref("H"),
            organisation=unit,
            kind=kind,
            single_parent_female=single_mother,
            hardship_reasons=rng.sample(["illness", "disability", "unemployment", "education", "disaster"], 2)
            if rng.random() < 0.3
            else [_weighted(rng, {"illness": 4, "unemployment": 3, "education": 2, "disability": 1})],
            address=f"{self.city_of[unit.pk].name[:-3]}某街道{rng.randrange(1, 200)}号",
            applied_on=applied,
        )
        roll = rng.random()
        if roll < 0.95 or applied.year < self.last_year:
            hh.reviewed_on = applied + datetime.timedelta(days=rng.randrange(5, 30))
            hh.noticed_on = hh.reviewed_on + datetime.timedelta(days=rng.randrange(1, 10))
            hh.filed_on = min(hh.noticed_on + datetime.timedelta(days=rng.randrange(7, 15)), self.end)
            if rng.random() < 0.15:
                closed = hh.filed_on + datetime.timedelta(days=rng.randrange(180, 1500))
                if closed <= self.end:
                    hh.closed_on = closed
                    hh.closing_reason = "家庭收入提高，脱困退出"
        self.writer.add(hh, _moment(rng, applied))

        head_born = _day(rng, datetime.date(1958, 1, 1), datetime.date(1984, 12, 31))
        head_male = not single_mother and rng.random() < 0.7
        members = [
            self.person(unit=unit, born=head_born, male=head_male, household=hh, relationship="head"),
        ]
        if size >= 2 and not single_mother and rng.random() < 0.85:
            spouse_born = min(
                head_born + datetime.timedelta(days=rng.randrange(-1800, 1800)), datetime.date(1990, 1, 1)
            )
            members.append(
                self.person(unit=unit, born=spouse_born, male=not head_male, household=hh, relationship="spouse")
            )
        while len(members) < size:
            if len(members) >= 3 and rng.random() < 0.15:
                born = max(head_born - datetime.timedelta(days=rng.randrange(8000, 11000)), datetime.date(1950, 1, 1))
                members.append(
                    self.person(unit=unit, born=born, male=rng.random() < 0.5, household=hh, relationship="parent")
                )
            else:
                born = _day(
                    rng,
                    max(head_born + datetime.timedelta(days=20 * 365), datetime.date(1988, 1, 1)),
                    min(head_born + datetime.timedelta(days=36 * 365), datetime.date(2009, 12, 31)),
                )
                members.append(
                    self.person(unit=unit, born=born, male=rng.random() < 0.5, household=hh, relationship="child")
                )
        for p in members:
            self.writer.add(p, _moment(rng, applied))
        return hh, members

    # ---- schooling and student aid ---------------------------------------------------------

    def schooling(self, child):
        """School entries (升学) since 2008; returns [(stage, entered_on)] in order."""
        rng = self.rng
        b = child.birth_date.year
        path = [("primary", b + 6), ("junior_secondary", b + 12)]
        if rng.random() < 0.8:
            path.append(("senior_secondary" if rng.random() < 0.65 else "secondary_vocational", b + 15))
            if path[-1][0] == "senior_secondary" and rng.random() < 0.7:
                path.append(("undergraduate" if rng.random() < 0.6 else "junior_college", b + 18))
                if path[-1][0] == "undergraduate" and rng.random() < 0.08:
                    path.append(("postgraduate", b + 22))
        city = self.city_of[child.organisation.pk].name[:-3]
        entries = []
        for stage, year in path:
            if year < 2008 or year > self.last_year:
                continue
            entered = datetime.date(year, 7, 10) + datetime.timedelta(days=rng.randrange(50))
            school = {
                "primary": f"{city}第{rng.randrange(1, 60)}小学",
                "junior_secondary": f"{city}第{rng.randrange(1, 40)}中学",
                "senior_secondary": f"{city}第{rng.randrange(1, 20)}高级中学",
                "secondary_vocational": f"{city}职业技术学校",
                "junior_college": f"{city}职业技术学院",
            }.get(stage) or rng.choice(UNIVERSITIES_LOCAL + UNIVERSITIES_ELSEWHERE)
            record = Schooling(ref=self.ref("SC"), person=child, stage=stage, school=school, entered_on=entered)
            self.writer.add(record, _moment(rng, entered))
            entries.append((stage, entered, school))
        return entries

    def notice_for(self, county, year):
        notice = self.notices.get((county.pk, year))
        if notice is None:
            starts = datetime.date(year, 7, 20)
            notice = Notice(
                ref=self.ref("N"),
                organisation=county,
                title=f"{year}年金秋助学拟资助对象公示",
                posted_at="各基层工会及社区公示栏",
                contact="保障工作部",
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=6),
            )
            self.writer.add(notice, _moment(self.rng, starts))
            self.notices[(county.pk, year)] = notice
        return notice

    def student_aid(self, hh, child, entries):
        """Golden Autumn grants in August (some later), each listed on that year's notice first."""
        rng = self.rng
        if not entries or child.pk in self.objected:
            return
        county = self.parent_of[hh.organisation.pk]
        for year in self.years:
            if rng.random() >= 0.3:
                continue
            granted = datetime.date(year, 8, 1) + datetime.timedelta(days=rng.randrange(30))
            if rng.random() < 0.1:
                granted = datetime.date(year, 9, 1) + datetime.timedelta(days=rng.randrange(100))
            in_force = [e for e in entries if e[1] < granted]
            if not in_force or in_force[-1][1].year < year - 3:
                continue  # no schooling in force, or long finished
            if not hh.is_on_file(granted):
                continue
            stage = in_force[-1][0]
            low, high = {"primary": (300, 800), "junior_secondary": (500, 1000)}.get(stage, (1000, 5000))
            amount = self.money(low, high)
            notice = self.notice_for(county, year)
            self.writer.add(NoticeEntry(notice=notice, person=child, amount=amount), _moment(rng, notice.starts_on))
            if rng.random() < 0.005:
                # An upheld objection: this person gets no grant, now or later.
                self.writer.add(
                    Objection(
                        notice=notice,
                        person=child,
                        raised_on=notice.starts_on + datetime.timedelta(days=2),
                        content="反映家庭收入情况不实",
                        upheld=True,
                        decided_on=notice.ends_on,
                    ),
                    _moment(rng, notice.ends_on),
                )
                self.objected.add(child.pk)
                return
            if rng.random() < 0.01:
                self.writer.add(
                    Objection(
                        notice=notice,
                        person=child,
                        raised_on=notice.starts_on + datetime.timedelta(days=1),
                        content="反映情况经核实不成立",
                        upheld=False,
                        decided_on=notice.ends_on,
                    ),
                    _moment(rng, notice.ends_on),
                )
            org = hh.organisation if rng.random() < 0.5 else county
            grant = AidGrant(ref=self.ref("G"), organisation=org, person=child, granted_on=granted, amount=amount)
            self.writer.add(grant, _moment(rng, granted))

    def graduate(self, hh, child, entries):
        rng = self.rng
        college = [e for e in entries if e[0] in ("junior_college", "undergraduate")]
        if not college or rng.random() >= 0.75:
            return None
        stage, entered, school = college[-1]
        graduation_year = entered.year + (3 if stage == "junior_college" else 4)
        if graduation_year > self.last_year + 1:
            return None
        registered = min(
            _day(rng, datetime.date(graduation_year - 1, 10, 1), datetime.date(graduation_year, 6, 30)), self.end
        )
        if registered <= entered:
            return None
        grad = Graduate(
            person=child,
            organisation=hh.organisation if rng.random() < 0.5 else self.parent_of[hh.organisation.pk],
            graduation_year=graduation_year,
            university=school,
            university_local=school in UNIVERSITIES_LOCAL or stage == "junior_college",
            origin_local=rng.random() < 0.85,
            registered_on=registered,
        )
        if rng.random() < 0.25:
            exited = registered + datetime.timedelta(days=rng.randrange(200, 700))
            if exited <= self.end:
                grad.exited_on = exited
        self.writer.add(grad, _moment(rng, registered))
        return grad

    # ---- employment ------------------------------------------------------------------------

    def employment(self, person, unit, category, graduate=None):
        """Trainings, certificates, placements, loans and services of one working-age person."""
        rng = self.rng
        institutions = self.institutions[self.city_of[unit.pk].pk]
        for year in self.years:
            start, stop = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            if graduate is not None:
                start = max(start, graduate.registered_on)
                if start > stop:
                    continue
            trained = rng.random() < (0.12 if graduate else 0.06)
            if trained:
                ttype = _weighted(rng, {"skills": 70, "entrepreneurship": 15, "domestic_service": 15})
                started = _day(rng, start, stop)
                ended = min(started + datetime.timedelta(days=rng.randrange(5, 60)), self.end)
                training = Training(
                    ref=self.ref("T"),
                    organisation=self.recording_unit(unit),
                    person=person,
                    institution=rng.choice(institutions),
                    type=ttype,
                    category=category,
                    started_on=started,
                    ended_on=ended,
                    order_based=rng.random() < 0.2,
                    targeted=rng.random() < 0.1,
                )
                self.writer.add(training, _moment(rng, started))
                if rng.random() < 0.45:
                    issued = min(ended + datetime.timedelta(days=rng.randrange(10, 60)), self.end)
                    cert = Certificate(
                        ref=self.ref("C"),
                        person=person,
                        issuer="labour_dept" if rng.random() < 0.6 else "other",
                        level=_weighted(
                            rng,
                            {"junior": 50, "intermediate": 30, "senior": 15, "technician": 4, "senior_technician": 1},
                        ),
                        issued_on=issued,
                        via_assessment=rng.random() < 0.6,
                    )
                    self.writer.add(cert, _moment(rng, issued))
            if rng.random() < (0.35 if trained else 0.02) or (graduate is not None and rng.random() < 0.2):
                employed = _day(rng, start, stop)
                if trained:
                    employed = min(ended + datetime.timedelta(days=rng.randrange(5, 90)), self.end)
                placement = Placement(
                    ref=self.ref("P"),
                    organisation=self.recording_unit(unit),
                    person=person,
                    employer=rng.choice(COMPANIES),
                    channel=_weighted(
                        rng,
                        {"union_referral": 50, "self_found": 20, "enterprise_programme": 20, "public_welfare_post": 10},
                    ),
                    category=category,
                    employed_on=employed,
                    contract_months=rng.choice((0, 6, 12, 12, 24, 36)),
                )
                self.writer.add(placement, _moment(rng, employed))
            if rng.random() < 0.01:
                lent = _day(rng, start, stop)
                loan = Loan(
                    ref=self.ref("L"),
                    organisation=self.recording_unit(unit),
                    person=person,
                    kind=_weighted(
                        rng, {"small_loan": 40, "small_borrowing": 20, "assisted_loan": 25, "guaranteed_loan": 15}
                    ),
                    category=category,
                    lent_on=lent,
                    amount=self.money(20000, 100000, 1000),
                    jobs_created=rng.randrange(0, 6),
                )
                self.writer.add(loan, _moment(rng, lent))
            if rng.random() < (0.25 if graduate else 0.06):
                types = (
                    {
                        "internship": 25,
                        "entrepreneurship_guidance": 15,
                        "policy_assistance": 20,
                        "job_search_subsidy": 20,
                        "job_introduction": 20,
                    }
                    if graduate
                    else {
                        "job_introduction": 35,
                        "labour_export": 15,
                        "entrepreneurship_consulting": 10,
                        "rights_protection": 25,
                        "legal_aid": 15,
                    }
                )
                stype = _weighted(rng, types)
                served = _day(rng, start, stop)
                service = Service(
                    ref=self.ref("SV"),
                    organisation=self.recording_unit(unit),
                    person=person,
                    type=stype,
                    served_on=served,
                    amount=self.money(200, 1000) if stype == "job_search_subsidy" else None,
                )
                self.writer.add(service, _moment(rng, served))

    # ---- unit-level records ---------------------------------------------------------------

    def unit_records(self):
        rng = self.rng
        for year in self.years:
            start, stop = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            for org in self.cities + self.counties:
                is_city = org.level == Level.CITY
                for _ in range(rng.randrange(2, 5) if is_city else rng.randrange(0, 3)):
                    held = _day(rng, start, stop)
                    total = rng.randrange(50, 800)
                    self.writer.add(
                        JobFair(
                            ref=self.ref("JF"),
                            organisation=org,
                            name=f"{year}年“阳光就业”专场招聘会",
                            held_on=held,
                            positions_total=total,
                            positions_for_graduates=rng.randrange(0, total // 2 + 1),
                        ),
                        _moment(rng, held),
                    )
                for _ in range(rng.randrange(1, 4)):
                    offered = _day(rng, start, stop)
                    self.writer.add(
                        PositionOffer(
                            ref=self.ref("PO"),
                            organisation=org,
                            employer=rng.choice(COMPANIES),
                            employer_type=_weighted(
                                rng,
                                {"state_owned": 30, "model_worker": 20, "caring_enterprise": 35, "public_welfare": 15},
                            ),
                            offered_on=offered,
                            positions=rng.randrange(1, 40),
                        ),
                        _moment(rng, offered),
                    )
                for _ in range(rng.randrange(0, 3)):
                    offered = _day(rng, datetime.date(year, 6, 1), datetime.date(year, 8, 31))
                    self.writer.add(
                        WorkStudyOffer(
                            ref=self.ref("WS"),
                            organisation=org,
                            unit_name=rng.choice(COMPANIES),
                            offered_on=offered,
                            posts=rng.randrange(1, 20),
                        ),
                        _moment(rng, offered),
                    )
                scale = 5 if is_city else 1
                for programme, sources in (
                    ("student_aid", ("government", "social_donation", "union")),
                    ("employment", ("central_finance", "local_finance", "union", "social_donation")),
                ):
                    for source in sources:
                        if rng.random() < 0.7:
                            received = _day(rng, start, datetime.date(year, 8, 20))
                            self.writer.add(
                                FundReceipt(
                                    ref=self.ref("FR"),
                                    organisation=org,
                                    programme=programme,
                                    source=source,
                                    received_on=received,
                                    amount=self.money(10000 * scale, 200000 * scale, 500),
                                ),
                                _moment(rng, received),
                            )
                    for use in ("training", "job_introduction", "other"):
                        if rng.random() < 0.6:
                            spent = _day(rng, start, stop)
                            self.writer.add(
                                Expenditure(
                                    ref=self.ref("EX"),
                                    organisation=org,
                                    programme=programme,
                                    use=use,
                                    spent_on=spent,
                                    amount=self.money(5000 * scale, 150000 * scale, 500),
                                ),
                                _moment(rng, spent),
                            )

    # ---- the run ---------------------------------------------------------------------------

    def system_user(self):
        user, created = User.objects.get_or_create(
            username=USERNAME,
            defaults={"first_name": "合成数据", "role": Role.ADMINISTRATOR, "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def run(self):
        started = time.monotonic()
        if Person.objects.exists():
            raise ValueError("the database already holds persons: generate into an empty (migrated) database")
        user = self.system_user()
        self.writer = _Writer(user, self.batch_size)
        with transaction.atomic():
            self.build_tree()
            self.unit_records()
            self.writer.flush()
        made = 0
        while made < self.target:
            with transaction.atomic():
                chunk_end = min(self.target, made + self.chunk_persons)
                while made < chunk_end:
                    made += self.one_unit(chunk_end - made)
                self.writer.flush()
            self.log(f"{made} persons ({time.monotonic() - started:.0f} s)")
        self.writer.reset_sequences()
        # A bulk load leaves the planner's statistics describing empty tables: on PostgreSQL the
        # as-of-T returns ran 13 times slower (nested loops over whole history tables) until
        # autovacuum caught up. Refresh them now.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if user.organisation_id is None:
            user.organisation = self.national
            user.save(update_fields=["organisation"])
        self.log(f"done in {time.monotonic() - started:.0f} s")
        return dict(sorted(self.writer.counts.items()))

    def one_unit(self, room):
        """A household (about 3 persons) or, one time in four, a person outside any file."""
        rng = self.rng
        unit = rng.choice(self.grassroots)
        if rng.random() < 0.25:
            born = _day(rng, datetime.date(1962, 1, 1), datetime.date(1994, 12, 31))
            person = self.person(unit=unit, born=born, male=rng.random() < 0.6)
            self.writer.add(person, _moment(rng, _day(rng, datetime.date(2010, 1, 1), self.end)))
            category = _weighted(rng, {"laid_off": 45, "migrant_worker": 35, "in_service": 10, "other": 10})
            self.employment(person, unit, category)
            return 1
        size = min(room, _weighted(rng, {1: 10, 2: 20, 3: 35, 4: 25, 5: 10}))
        hh, members = self.household(unit, size)
        for p in members:
            age = self.last_year - p.birth_date.year
            if p.relationship == "child":
                entries = self.schooling(p)
                self.student_aid(hh, p, entries)
                grad = self.graduate(hh, p, entries)
                if grad is not None:
                    self.employment(p, unit, "graduate", graduate=grad)
                elif age >= 18:
                    self.employment(p, unit, "migrant_worker" if hh.kind == "migrant_worker" else "other")
            elif p.relationship in ("head", "spouse") and age < 60:
                if hh.kind == "migrant_worker":
                    category = "migrant_worker"
                else:
                    category = _weighted(rng, {"laid_off": 50, "in_service": 40, "other": 10})
                self.employment(p, unit, category)
        return len(members)


def generate(*, persons, seed=1, batch_size=2000, last_year=LAST_YEAR, log=None):
    """Fill the database with ``persons`` synthetic persons and everything around them; returns counts."""
    return Generator(persons=persons, seed=seed, batch_size=batch_size, last_year=last_year, log=log).run()
