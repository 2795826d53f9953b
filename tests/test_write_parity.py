"""One write path: the same invalid case, sent on every route, gets the same refusal and writes nothing.

Each case below sets up its data and says how to send the same record on each
route that can carry it: the web form (Django's test client on the real page),
the admin, the API (DRF's client), the bundle importer (``POST
/api/v1/bundles/import/``) and a roster (the rosters services, dry run). Every
route must refuse with the case's Chinese message on the route's name of the
same field, and leave every row and history row as it was. A route that skips
the shared rule writes the record, so its test fails.

Adding a route is one entry in ``ROUTES`` (and every case must then send on it
or say why it cannot); adding a case is one class in ``CASES``.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aid.guards import grant_by_file
from aid.models import AidGrant
from beneficiaries.guards import graduate_is_household_member, one_household
from beneficiaries.models import Household, Person, Schooling
from casework import guards
from casework.choices import Role
from employment.models import Service
from notices.guards import grant_at_published_standard, objection_fits_its_notice
from notices.models import Notice, NoticeEntry, Objection
from rosters import services as rosters
from tests.factories import HouseholdFactory, NoticeEntryFactory, NoticeFactory, PersonFactory, SchoolingFactory
from tests.test_rosters_conversion import xlsx

D = datetime.date
pytestmark = pytest.mark.django_db

ROUTES = ("web", "admin", "api", "bundle", "roster")
WATCHED = (Household, Person, Schooling, AidGrant, Service, Notice, NoticeEntry, Objection)


# --- sending a record on each route, and reading back its refusals as {(field, message)} ----------------


def form_refusals(response):
    """The errors of the page's form; a rule about a field the form hides is said as "label：message"."""
    context = response.context or {}
    form = None
    for key in ("adminform", "objection_form", "form"):
        if key in context:
            form = context[key].form if key == "adminform" else context[key]
            break
    if form is None or response.status_code == 302:
        return set()
    labels = {str(f.label): name for name, f in form.fields.items() if f.label}
    found = set()
    for field, messages in form.errors.items():
        for message in messages:
            label, sep, rest = message.partition("：")
            if field == "__all__" and sep and label in labels:
                found.add((labels[label], rest))
            else:
                found.add((field, message))
    return found


def api_refusals(response):
    if response.status_code != 400:
        return set()
    return {(field, message) for field, messages in response.json().items() for message in messages}


def bundle_refusals(ctx, bundle):
    response = ctx.api.post("/api/v1/bundles/import/", {"format": "casework-bundle/1", **bundle}, format="json")
    return {(e["path"], e["message"]) for e in response.json()["errors"]}


def roster_refusals(ctx, kind, rows):
    content = xlsx({"名单": rows})
    upload = rosters.roster_upload(
        acting_user=ctx.user, organisation=ctx.tree.city_a, kind=kind, file_name="名单.xlsx", content=content
    )
    checked = rosters.roster_check(upload, acting_user=ctx.user)
    return {(p["column"], p["message"]) for p in checked.report.get("problems", [])}


def admin_post(ctx, url, data):
    return form_refusals(ctx.admin.post(url, {**data, "_change_reason": "parity"}))


# --- the cases ----------------------------------------------------------------------------------------


class PersonJoinsASecondHousehold:
    """A member of one household file put into another (``beneficiaries.guards.one_household``)."""

    rule = staticmethod(one_household)
    expect = {
        "web": "household",
        "admin": "household",
        "api": "household",
        "bundle": "persons[0].household",
        "roster": "档案编号",
    }
    cannot = {}

    def setup(self, tree):
        first = HouseholdFactory(organisation=tree.city_a, file_no="ZZ-1")
        second = HouseholdFactory(organisation=tree.city_a, file_no="ZZ-2")
        person = PersonFactory(name="王小明", household=first, relationship="child")
        return SimpleNamespace(person=person, second=second, message=self.message(tree))

    @staticmethod
    def message(tree):
        return f"该人员已是{tree.city_a.name}另一困难职工档案的成员，须先退出原档案，才能加入本档案。"

    def web(self, ctx, w):
        data = {"name": w.person.name, "household": w.second.file_no, "relationship": "child"}
        return form_refusals(ctx.client.post(reverse("person-edit", args=[w.person.pk]), data))

    def admin(self, ctx, w):
        data = {
            "id_number": w.person.id_number,
            "name": w.person.name,
            "organisation": ctx.tree.city_a.pk,
            "household": w.second.pk,
            "relationship": "child",
        }
        return admin_post(ctx, f"/admin/beneficiaries/person/{w.person.pk}/change/", data)

    def api(self, ctx, w):
        return api_refusals(ctx.api.patch(f"/api/v1/persons/{w.person.pk}/", {"household": "ZZ-2"}, format="json"))

    def bundle(self, ctx, w):
        record = {"id_number": w.person.id_number, "name": w.person.name, "household": "ZZ-2", "relationship": "child"}
        return bundle_refusals(ctx, {"persons": [record]})

    def roster(self, ctx, w):
        rows = [["档案编号", "姓名", "身份证号码", "与户主关系"], ["ZZ-2", w.person.name, w.person.id_number, "子女"]]
        return roster_refusals(ctx, "households", rows)


class GrantToAPersonNotOnFile:
    """依档帮扶: a grant to a member of a household not (yet) on file (``aid.guards.grant_by_file``).

    The student has schooling and a clean notice, so 依档帮扶 is the only rule the grant breaks.
    """

    rule = staticmethod(grant_by_file)
    expect = {"web": "person", "admin": "person", "api": "person", "bundle": "aid_grants[0].id_number"}
    expect["roster"] = "身份证号码"
    cannot = {}

    def setup(self, tree):
        household = HouseholdFactory(organisation=tree.city_a, file_no="ZZ-9", reviewed_on=None, filed_on=None)
        person = PersonFactory(name="李小红", household=household, relationship="child")
        SchoolingFactory(person=person, stage="undergraduate", entered_on=D(2014, 9, 1))
        notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 8, 20), ends_on=D(2014, 8, 27))
        NoticeEntryFactory(notice=notice, person=person)
        return SimpleNamespace(person=person, message="依档帮扶：受助学生所在档案 ZZ-9 在发放日期 2014-09-10 不在档。")

    def web(self, ctx, w):
        data = {
            "person_id_number": w.person.id_number,
            "organisation": ctx.tree.city_a.code,
            "granted_on": "2014-09-10",
            "amount": "1000",
        }
        return form_refusals(ctx.client.post(reverse("grants-create"), data))

    def admin(self, ctx, w):
        data = {
            "ref": "G-1",
            "organisation": ctx.tree.city_a.pk,
            "person": w.person.pk,
            "granted_on": "2014-09-10",
            "amount": "1000",
        }
        return admin_post(ctx, "/admin/aid/aidgrant/add/", data)

    def api(self, ctx, w):
        data = {"organisation": "410100", "person": w.person.pk, "granted_on": "2014-09-10", "amount": "1000"}
        return api_refusals(ctx.api.post("/api/v1/aid-grants/", data, format="json"))

    def bundle(self, ctx, w):
        grant = {"ref": "G-1", "org": "410100", "id_number": w.person.id_number, "granted_on": "2014-09-10"}
        return bundle_refusals(ctx, {"aid_grants": [{**grant, "amount": "1000.00"}]})

    def roster(self, ctx, w):
        rows = [
            ["姓名", "身份证号码", "学段", "学校", "入学日期", "助学金额（元）", "发放日期"],
            [w.person.name, w.person.id_number, "本科", "郑州大学", D(2014, 9, 1), 1000, D(2014, 9, 10)],
        ]
        return roster_refusals(ctx, "students", rows)


class GrantBesideThePublishedStandard:
    """A grant at another amount than its notice published, with no reason
    (``notices.guards.grant_at_published_standard``); everything else about it is in order."""

    rule = staticmethod(grant_at_published_standard)
    expect = {
        "web": "amount",
        "admin": "amount",
        "api": "amount",
        "bundle": "aid_grants[0].amount",
        "roster": "助学金额(元)",  # the column as the roster report names it
    }
    cannot = {}

    def setup(self, tree):
        household = HouseholdFactory(organisation=tree.city_a, file_no="ZZ-8")
        person = PersonFactory(name="周小敏", household=household, relationship="child")
        SchoolingFactory(person=person, stage="undergraduate", entered_on=D(2014, 9, 1))
        notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 8, 20), ends_on=D(2014, 8, 27))
        NoticeEntryFactory(notice=notice, person=person, amount="1000.00")
        message = f"金额 800.00 元与公示 {notice.number} 的帮扶标准 1000.00 元不同，须填写金额调整原因。"
        return SimpleNamespace(person=person, message=message)

    def web(self, ctx, w):
        data = {
            "person_id_number": w.person.id_number,
            "organisation": ctx.tree.city_a.code,
            "granted_on": "2014-09-10",
            "amount": "800",
        }
        return form_refusals(ctx.client.post(reverse("grants-create"), data))

    def admin(self, ctx, w):
        data = {
            "ref": "G-1",
            "organisation": ctx.tree.city_a.pk,
            "person": w.person.pk,
            "granted_on": "2014-09-10",
            "amount": "800",
        }
        return admin_post(ctx, "/admin/aid/aidgrant/add/", data)

    def api(self, ctx, w):
        data = {"organisation": "410100", "person": w.person.pk, "granted_on": "2014-09-10", "amount": "800"}
        return api_refusals(ctx.api.post("/api/v1/aid-grants/", data, format="json"))

    def bundle(self, ctx, w):
        grant = {"ref": "G-1", "org": "410100", "id_number": w.person.id_number, "granted_on": "2014-09-10"}
        return bundle_refusals(ctx, {"aid_grants": [{**grant, "amount": "800.00"}]})

    def roster(self, ctx, w):
        rows = [
            ["姓名", "身份证号码", "学段", "学校", "入学日期", "助学金额（元）", "发放日期"],
            [w.person.name, w.person.id_number, "本科", "郑州大学", D(2014, 9, 1), 800, D(2014, 9, 10)],
        ]
        return roster_refusals(ctx, "students", rows)


class ObjectionBeforeTheNoticeStarts:
    """An objection dated before its notice's period starts (``notices.guards.objection_fits_its_notice``)."""

    rule = staticmethod(objection_fits_its_notice)
    expect = {
        "web": "raised_on",
        "admin": "raised_on",
        "api": "raised_on",
        "bundle": "notices[0].objections[0].raised_on",
    }
    cannot = {"roster": "no roster kind carries notices"}

    def setup(self, tree):
        person = PersonFactory(name="赵小刚", organisation=tree.city_a)
        notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 6, 1), ends_on=D(2014, 6, 7))
        NoticeEntryFactory(notice=notice, person=person, amount="1000.00")
        return SimpleNamespace(person=person, notice=notice, message="异议提出日期不能早于公示开始日期。")

    def web(self, ctx, w):
        data = {"person": w.person.pk, "raised_on": "2014-05-20", "content": "早于公示"}
        return form_refusals(ctx.client.post(reverse("notices:objection-record", args=[w.notice.pk]), data))

    def admin(self, ctx, w):
        data = {"notice": w.notice.pk, "person": w.person.pk, "raised_on": "2014-05-20", "content": "早于公示"}
        return admin_post(ctx, "/admin/notices/objection/add/", data)

    def api(self, ctx, w):
        data = {"person": w.person.pk, "raised_on": "2014-05-20", "content": "早于公示"}
        return api_refusals(ctx.api.post(f"/api/v1/notices/{w.notice.pk}/objections/", data, format="json"))

    def bundle(self, ctx, w):
        notice = {
            "ref": w.notice.ref,
            "org": "410100",
            "posted_at": w.notice.posted_at,
            "starts_on": "2014-06-01",
            "ends_on": "2014-06-07",
            "entries": [{"id_number": w.person.id_number, "amount": "1000.00"}],
            "objections": [{"id_number": w.person.id_number, "raised_on": "2014-05-20", "upheld": False}],
        }
        return bundle_refusals(ctx, {"notices": [notice]})


class ServiceDatedInTheFuture:
    """A record dated after today (the model's own validation, the same on every route)."""

    rule = None
    expect = {
        "web": "served_on",
        "admin": "served_on",
        "api": "served_on",
        "bundle": "services[0].served_on",
        "roster": "服务日期",
    }
    cannot = {}

    def setup(self, tree):
        person = PersonFactory(name="钱小军", organisation=tree.city_a)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        return SimpleNamespace(person=person, day=tomorrow, message="日期不能晚于今天。")

    def web(self, ctx, w):
        data = {
            "person_id_number": w.person.id_number,
            "organisation": ctx.tree.city_a.code,
            "type": "job_introduction",
            "served_on": w.day.isoformat(),
        }
        return form_refusals(ctx.client.post(reverse("services-create"), data))

    def admin(self, ctx, w):
        data = {
            "ref": "S-1",
            "organisation": ctx.tree.city_a.pk,
            "person": w.person.pk,
            "type": "job_introduction",
            "served_on": w.day.isoformat(),
        }
        return admin_post(ctx, "/admin/employment/service/add/", data)

    def api(self, ctx, w):
        data = {"organisation": "410100", "person": w.person.pk, "type": "job_introduction"}
        return api_refusals(ctx.api.post("/api/v1/services/", {**data, "served_on": w.day.isoformat()}, format="json"))

    def bundle(self, ctx, w):
        service = {"ref": "S-1", "org": "410100", "id_number": w.person.id_number, "type": "job_introduction"}
        return bundle_refusals(ctx, {"services": [{**service, "served_on": w.day.isoformat()}]})

    def roster(self, ctx, w):
        rows = [["姓名", "身份证号码", "服务类型", "服务日期"], [w.person.name, w.person.id_number, "职业介绍", w.day]]
        return roster_refusals(ctx, "services", rows)


class GraduateOutsideAnyHousehold:
    """A graduate who is not a member of any household file (``beneficiaries.guards``)."""

    rule = staticmethod(graduate_is_household_member)
    expect = {
        "web": "person",
        "admin": "person",
        "api": "person",
        "bundle": "graduates[0].id_number",
        "roster": "身份证号码",
    }
    cannot = {}

    def setup(self, tree):
        person = PersonFactory(name="孙小燕", organisation=tree.city_a)
        return SimpleNamespace(person=person, message="毕业生须是某一困难职工档案的家庭成员。")

    def fields(self, w):
        return {"graduation_year": 2014, "university": "河南大学", "registered_on": "2014-07-01"}

    def web(self, ctx, w):
        data = {"person_id_number": w.person.id_number, "organisation": ctx.tree.city_a.code, **self.fields(w)}
        return form_refusals(ctx.client.post(reverse("graduates-create"), data))

    def admin(self, ctx, w):
        data = {"person": w.person.pk, "organisation": ctx.tree.city_a.pk, **self.fields(w)}
        return admin_post(ctx, "/admin/beneficiaries/graduate/add/", data)

    def api(self, ctx, w):
        data = {"person": w.person.pk, "organisation": "410100", **self.fields(w)}
        return api_refusals(ctx.api.post("/api/v1/graduates/", data, format="json"))

    def bundle(self, ctx, w):
        record = {"id_number": w.person.id_number, "org": "410100", **self.fields(w)}
        return bundle_refusals(ctx, {"graduates": [record]})

    def roster(self, ctx, w):
        rows = [
            ["姓名", "身份证号码", "毕业年份", "毕业院校", "登记日期"],
            [w.person.name, w.person.id_number, 2014, "河南大学", D(2014, 7, 1)],
        ]
        return roster_refusals(ctx, "graduates", rows)


class GradeBeyondItsStage:
    """A school entry in a grade its stage does not have: 大四 at a 3-year 专科 (the model's own validation)."""

    rule = None
    expect = {
        "web": "grade",
        "admin": "grade",
        "api": "grade",
        "bundle": "schooling[0].grade",
        "roster": "年级",
    }
    cannot = {}

    def setup(self, tree):
        household = HouseholdFactory(organisation=tree.city_a, file_no="ZZ-9")
        person = PersonFactory(name="周小雨", household=household, relationship="child")
        return SimpleNamespace(person=person, message="年级“大四”与学段“大专”不符，可选：大一、大二、大三。")

    fields = {"stage": "junior_college", "school": "郑州职业技术学院", "entered_on": "2014-09-01", "grade": "u4"}

    def web(self, ctx, w):
        data = {"person_id_number": w.person.id_number, **self.fields}
        return form_refusals(ctx.client.post(reverse("schooling-create"), data))

    def admin(self, ctx, w):
        data = {"ref": "SCH-1", "person": w.person.pk, **self.fields}
        return admin_post(ctx, "/admin/beneficiaries/schooling/add/", data)

    def api(self, ctx, w):
        return api_refusals(ctx.api.post("/api/v1/schooling/", {"person": w.person.pk, **self.fields}, format="json"))

    def bundle(self, ctx, w):
        return bundle_refusals(ctx, {"schooling": [{"ref": "SCH-1", "id_number": w.person.id_number, **self.fields}]})

    def roster(self, ctx, w):
        rows = [
            ["姓名", "身份证号码", "学段", "学校", "入学日期", "年级"],
            [w.person.name, w.person.id_number, "大专", "郑州职业技术学院", D(2014, 9, 1), "大四"],
        ]
        return roster_refusals(ctx, "students", rows)


CASES = [
    PersonJoinsASecondHousehold(),
    GrantToAPersonNotOnFile(),
    GrantBesideThePublishedStandard(),
    ObjectionBeforeTheNoticeStarts(),
    ServiceDatedInTheFuture(),
    GraduateOutsideAnyHousehold(),
    GradeBeyondItsStage(),
]
SENDS = [pytest.param(case, route, id=f"{type(case).__name__}-{route}") for case in CASES for route in case.expect]


@pytest.fixture
def ctx(tree, make_user, client):
    user = make_user(tree.city_a, username="caseworker")
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    admin = type(client)()
    admin.force_login(make_user(tree.city_a, role=Role.ADMINISTRATOR, username="unit_admin", is_staff=True))
    return SimpleNamespace(tree=tree, user=user, client=client, api=api, admin=admin)


def snapshot():
    return {model.__name__: (model.objects.count(), model.history.count()) for model in WATCHED}


def test_every_case_is_sent_on_every_route_or_says_why_not():
    for case in CASES:
        assert set(case.expect) | set(case.cannot) == set(ROUTES), type(case).__name__
        assert not set(case.expect) & set(case.cannot), type(case).__name__


@pytest.mark.parametrize(("case", "route"), SENDS)
def test_the_same_refusal_on_every_route_and_nothing_written(ctx, case, route):
    world = case.setup(ctx.tree)
    before = snapshot()
    refusals = getattr(case, route)(ctx, world)
    assert refusals == {(case.expect[route], world.message)}
    assert snapshot() == before


@pytest.mark.parametrize(("case", "route"), [s for s in SENDS if s.values[0].rule is not None])
def test_the_refusal_comes_from_the_one_shared_rule(ctx, case, route, monkeypatch):
    """Without the guard rule in the registry, no route refuses the case: no route keeps a copy of it."""
    model = next(m for m, rules in guards._rules.items() if case.rule in rules)
    monkeypatch.setitem(guards._rules, model, [r for r in guards._rules[model] if r is not case.rule])
    world = case.setup(ctx.tree)
    refusals = getattr(case, route)(ctx, world)
    assert world.message not in {message for _field, message in refusals}
    assert not refusals, refusals


# --- the same effect on every route: a file moved to another unit takes its members along -----------------


def move_household(ctx, route, household):
    county = ctx.tree.county_a
    if route == "web":
        data = {
            "file_no": household.file_no,
            "organisation": county.code,
            "kind": household.kind,
            "applied_on": household.applied_on.isoformat(),
        }
        response = ctx.client.post(reverse("household-edit", args=[household.pk]), data)
    elif route == "admin":
        data = {
            "file_no": household.file_no,
            "organisation": county.pk,
            "kind": household.kind,
            "hardship_reasons": "[]",
            "applied_on": household.applied_on.isoformat(),
            "reviewed_on": household.reviewed_on.isoformat(),
            "filed_on": household.filed_on.isoformat(),
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "2",
            "members-0-id": household.members.order_by("pk")[0].pk,
            "members-0-household": household.pk,
            "members-1-id": household.members.order_by("pk")[1].pk,
            "members-1-household": household.pk,
            "_change_reason": "moved",
        }
        response = ctx.admin.post(f"/admin/beneficiaries/household/{household.pk}/change/", data)
    elif route == "api":
        response = ctx.api.patch(f"/api/v1/households/{household.pk}/", {"organisation": county.code}, format="json")
    elif route == "bundle":
        record = {
            "file_no": household.file_no,
            "org": county.code,
            "kind": household.kind,
            "single_parent_female": False,
            "applied_on": household.applied_on.isoformat(),
            "filed_on": household.filed_on.isoformat(),
        }
        response = ctx.api.post(
            "/api/v1/bundles/import/", {"format": "casework-bundle/1", "households": [record]}, format="json"
        )
    else:
        rows = [
            ["档案编号", "类别", "申请日期", "建档日期", "单位代码"],
            [household.file_no, "困难职工", household.applied_on, household.filed_on, county.code],
        ]
        upload = rosters.roster_upload(
            acting_user=ctx.user,
            organisation=ctx.tree.city_a,
            kind="households",
            file_name="档案.xlsx",
            content=xlsx({"档案": rows}),
        )
        checked = rosters.roster_check(upload, acting_user=ctx.user)
        assert checked.report["problems"] == []
        rosters.roster_import_run(rosters.roster_confirm(checked, acting_user=ctx.user), acting_user=ctx.user)
        return None
    assert response.status_code in (200, 302), getattr(response, "content", b"")[:2000]
    return response


@pytest.mark.parametrize("route", ROUTES)
def test_a_household_moved_on_any_route_takes_its_members_along_with_history(ctx, route):
    household = HouseholdFactory(organisation=ctx.tree.city_a, file_no="ZZ-7")
    members = [
        PersonFactory(household=household, relationship="head"),
        PersonFactory(household=household, relationship="spouse"),
    ]
    history_before = {m.pk: m.history.count() for m in members}
    move_household(ctx, route, household)
    household.refresh_from_db()
    assert household.organisation == ctx.tree.county_a
    for member in members:
        member.refresh_from_db()
        assert member.organisation == ctx.tree.county_a
        assert member.history.count() == history_before[member.pk] + 1
        assert member.history.order_by("-history_id").first().organisation_id == ctx.tree.county_a.pk


# --- who recorded it: set by the service alone ----------------------------------------------------------


def test_the_author_of_a_plan_is_the_acting_user_on_every_route(ctx, tree):
    from beneficiaries.services import graduate_register
    from employment.models import AssistancePlan

    person = PersonFactory(household=HouseholdFactory(organisation=tree.city_a), relationship="child")
    graduate = graduate_register(
        person=person,
        organisation=tree.city_a,
        graduation_year=2014,
        university="郑州大学",
        registered_on=D(2014, 6, 1),
        acting_user=ctx.user,
    )
    other = type(ctx.user).objects.create(username="someone_else", organisation=tree.city_a)
    plan = {"graduate": graduate.pk, "made_on": "2014-06-10", "content": "职业指导", "made_by": other.pk}
    ctx.client.post(reverse("assistance-plans-create"), plan)
    ctx.api.post("/api/v1/assistance-plans/", plan, format="json")
    ctx.admin.post("/admin/employment/assistanceplan/add/", {**plan, "_change_reason": "parity"})
    authors = list(AssistancePlan.objects.order_by("pk").values_list("made_by__username", flat=True))
    assert authors == ["caseworker", "caseworker", "unit_admin"]


def test_who_reviewed_or_decided_is_never_taken_from_the_admin_form(ctx, tree):
    from beneficiaries.models import AnnualReview

    household = HouseholdFactory(organisation=tree.city_a)
    other = type(ctx.user).objects.create(username="someone_else", organisation=tree.city_a)
    review = {"household": household.pk, "reviewed_on": "2014-12-01", "outcome": "confirmed", "note": "核实无变化"}
    response = ctx.admin.post("/admin/beneficiaries/annualreview/add/", {**review, "reviewed_by": other.pk})
    assert response.status_code == 302
    assert AnnualReview.objects.get().reviewed_by.username == "unit_admin"

    person = PersonFactory(organisation=tree.city_a)
    notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 6, 1), ends_on=D(2014, 6, 7))
    NoticeEntryFactory(notice=notice, person=person)
    objection = {"notice": notice.pk, "person": person.pk, "raised_on": "2014-06-03", "content": "有收入"}
    decided = {"upheld": "2", "decided_on": "2014-06-04", "decided_by": other.pk}
    response = ctx.admin.post("/admin/notices/objection/add/", {**objection, **decided})
    assert response.status_code == 302
    saved = Objection.objects.get()
    assert (saved.upheld, saved.decided_on, saved.decided_by) == (None, None, None)
    assert saved.history.get().history_user.username == "unit_admin"
