"""The notice builder (who is offered, with stage, school and standard; filters and pages), paying an ended
notice in one batch (发放), the single grant at the published standard, and the draft's version."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from aid.models import AidGrant
from aid.selectors import aid_standards, standard_for
from beneficiaries.choices import STAGE_GROUP_OF, STAGE_GROUPS
from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import Person
from casework import guards
from casework.choices import Role
from notices import selectors, services
from notices.choices import NoticeKind, NoticeStatus
from notices.models import Notice
from portal import selectors as home_selectors
from tests.factories import (
    AidGrantFactory,
    HouseholdFactory,
    NoticeEntryFactory,
    NoticeFactory,
    ObjectionFactory,
    PersonFactory,
    SchoolingFactory,
)

TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def on_file(org, file_no, **dates):
    values = {"applied_on": days_ago(800), "reviewed_on": days_ago(790), "filed_on": days_ago(780)}
    values.update(dates)
    return HouseholdFactory(organisation=org, file_no=file_no, **values)


def child(household, name, seq, *, stage="primary", school="第一小学", entered=400, admitted=None):
    person = PersonFactory(household=household, name=name, seq=seq, relationship="child")
    SchoolingFactory(
        person=person,
        stage=stage,
        school=school,
        entered_on=days_ago(entered),
        admitted_on=days_ago(admitted) if admitted else None,
    )
    return person


@pytest.fixture
def reviewer(tree, make_user):
    return make_user(tree.city_a, Role.REVIEWER)


@pytest.fixture
def world(tree):
    """A county's files: school children offered, and the persons a 金秋助学 notice must not offer."""
    filed = on_file(tree.county_a, "GY-1")
    head = PersonFactory(
        household=filed,
        name="王建国",
        relationship="head",
        id_number=sample_id_number(1, born=datetime.date(1968, 5, 1)),
    )
    pupil = child(filed, "王小明", 2, stage="primary", school="巩义市实验小学")
    # Moved up: the later school entry (admitted this summer) is the one in force.
    student = child(filed, "王小红", 3, stage="senior_secondary", school="巩义市第一中学", entered=800)
    SchoolingFactory(
        person=student, stage="undergraduate", school="郑州大学", entered_on=days_ago(20), admitted_on=days_ago(60)
    )
    in_review = HouseholdFactory(
        organisation=tree.county_a, file_no="GY-2", applied_on=days_ago(30), reviewed_on=days_ago(10), filed_on=None
    )
    reviewed_child = child(in_review, "李小华", 4, stage="junior_secondary", school="巩义市第二中学")
    applied = HouseholdFactory(
        organisation=tree.county_a, file_no="GY-3", applied_on=days_ago(5), reviewed_on=None, filed_on=None
    )
    applied_child = child(applied, "赵小军", 5)
    closed = on_file(tree.county_a, "GY-4", closed_on=days_ago(100))
    closed_child = child(closed, "钱小丽", 6)
    paid_before = child(on_file(tree.county_a, "GY-5"), "孙小强", 7)
    AidGrantFactory(person=paid_before, organisation=tree.county_a, granted_on=days_ago(300))
    future_school = child(on_file(tree.county_a, "GY-6"), "周小婷", 8, entered=-30)  # not yet at school
    elsewhere = child(on_file(tree.county_b, "YS-1"), "吴小刚", 9)
    return {
        "offered": [pupil, student, reviewed_child],
        "not_offered": [head, applied_child, closed_child, paid_before, future_school, elsewhere],
        "pupil": pupil,
        "student": student,
        "reviewed_child": reviewed_child,
    }


# ---- who the builder offers ----------------------------------------------------------------------


def test_a_student_aid_notice_offers_school_children_of_open_files_only(tree, world):
    offered = list(selectors.with_schooling(selectors.candidates(tree.city_a, kind=NoticeKind.STUDENT_AID), TODAY))
    assert {p.pk for p in offered} == {p.pk for p in world["offered"]}
    by_pk = {p.pk: p for p in offered}
    # The record in force is the latest advance date (the admission date when there is one).
    assert (by_pk[world["student"].pk].stage, by_pk[world["student"].pk].school) == ("undergraduate", "郑州大学")
    assert (by_pk[world["pupil"].pk].stage, by_pk[world["pupil"].pk].school) == ("primary", "巩义市实验小学")
    # The service accepts exactly the offered ones (and members of new files): one rule.
    union = set(selectors.candidates(tree.city_a).values_list("pk", flat=True))
    assert {p.pk for p in world["offered"]} <= union
    assert not {p.pk for p in world["not_offered"]} & union


def test_the_stage_group_filter_takes_the_record_in_force_as_the_ordered_lookup_does(tree):
    """The builder's stage-group condition (a condition on each record) and the ordered lookup of the record in
    force agree, on every tie: same advance date by admission or entry, same entry date, same everything."""
    household = on_file(tree.county_a, "GY-30")
    day = days_ago(0)
    shapes = [
        [("primary", 400, None), ("junior_secondary", 30, None)],  # moved up
        [("primary", 30, None), ("junior_secondary", 400, None)],  # recorded the other way round
        [("senior_secondary", 20, 60), ("undergraduate", 40, None)],  # admitted before the other's entry
        [("primary", 40, None), ("junior_secondary", 60, 40)],  # same advance date: the later entry wins
        [("primary", 40, None), ("junior_secondary", 40, None)],  # same everything: the later record wins
        [("junior_secondary", 40, None), ("primary", 40, None)],
        [("primary", -10, None), ("undergraduate", 400, None)],  # a future entry is not in force
    ]
    people = []
    for seq, shape in enumerate(shapes, start=40):
        person = PersonFactory(household=household, seq=seq, relationship="child")
        for stage, entered, admitted in shape:
            SchoolingFactory(
                person=person,
                stage=stage,
                entered_on=days_ago(entered),
                admitted_on=days_ago(admitted) if admitted is not None else None,
            )
        people.append(person)
    for group, stages in STAGE_GROUPS.items():
        by_condition = set(
            Person.objects.filter(pk__in=[p.pk for p in people])
            .filter(selectors.in_force_in_q(stages, day))
            .values_list("pk", flat=True)
        )
        by_lookup = {
            p.pk for p in people if selectors.schooling_in_force(p.pk, day).values_list("stage", flat=True)[0] in stages
        }
        assert by_condition == by_lookup, group
    assert sum(bool(selectors.schooling_in_force(p.pk, day).exists()) for p in people) == len(people)


def test_the_builder_page_shows_stage_school_and_standard_with_filters_and_pages(
    client, tree, reviewer, world, monkeypatch, django_assert_max_num_queries
):
    client.force_login(reviewer)
    url = reverse("notices:build")
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    for person in world["offered"]:
        assert person.name in html
    for person in world["not_offered"]:
        assert person.name not in html
    assert "郑州大学" in html and "本科" in html and "巩义市实验小学" in html
    pupil = world["pupil"]
    assert f'name="amount_{pupil.pk}"' in html
    assert f'value="{standard_for("primary")}"' in html and f'value="{standard_for("undergraduate")}"' in html

    by_name = client.get(url, {"name": "小红"}).content.decode()
    assert "王小红" in by_name and "王小明" not in by_name and "李小华" not in by_name
    by_file = client.get(url, {"file_no": "GY-2"}).content.decode()
    assert "李小华" in by_file and "王小明" not in by_file
    by_stage = client.get(url, {"stage_group": STAGE_GROUP_OF["primary"]}).content.decode()
    # 小学和初中: the pupil and the junior secondary child, not the undergraduate.
    assert "王小明" in by_stage and "李小华" in by_stage and "王小红" not in by_stage
    # 高中和中职: nobody; 王小红's senior secondary school is no longer the one in force.
    senior = client.get(url, {"stage_group": STAGE_GROUP_OF["senior_secondary"]}).content.decode()
    assert not any(person.name in senior for person in world["offered"])

    monkeypatch.setattr("notices.views.BUILDER_PAGE_SIZE", 2)
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    total = len(world["offered"])
    assert f"共 {total} 条" in first
    shown = [p.name for p in world["offered"] if p.name in first]
    assert len(shown) == 2 and all(p.name in second for p in world["offered"] if p.name not in shown)


def test_the_builder_s_unit_is_picked_by_name_within_scope(client, tree, reviewer, world):
    """No select of every unit (10,000 at a province of 10^6 persons): the unit picker, which takes a code,
    the picker's label or a unique name; a unit outside the reviewer's subtree answers like an unknown one."""
    client.force_login(reviewer)
    url = reverse("notices:build")
    html = client.get(url).content.decode()
    assert '<select name="org"' not in html and "data-picker" in html
    assert tree.city_b.name not in html  # the other city is not listed anywhere on the page
    for org in (tree.county_a.code, "巩义市总工会", str(tree.county_a)):
        page = client.get(url, {"org": org})
        assert page.status_code == 200 and page.context["organisation"] == tree.county_a
        assert f'value="{tree.county_a}"' in page.content.decode()
    assert all(person.name in page.content.decode() for person in world["offered"])
    for org in (tree.county_b.code, tree.city_b.name, "410999"):
        assert client.get(url, {"org": org}).status_code == 404


def test_building_from_a_page_lists_the_amounts_in_the_boxes(client, tree, reviewer, world):
    client.force_login(reviewer)
    pupil, student, reviewed_child = world["pupil"], world["student"], world["reviewed_child"]
    data = {
        "org": tree.city_a.code,
        "kind": "student_aid",
        "title": "2026年金秋助学公示",
        "posted_at": "巩义市总工会公示栏",
        "starts_on": str(TODAY),
        "period_days": "7",
        f"amount_{pupil.pk}": str(standard_for("primary")),
        f"amount_{student.pk}": "4500",
        f"amount_{reviewed_child.pk}": "",
    }
    response = client.post(reverse("notices:build") + f"?org={tree.city_a.code}", data)
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert {(e.person_id, e.amount) for e in notice.entries.all()} == {
        (pupil.pk, standard_for("primary")),
        (student.pk, Decimal("4500")),
    }


def test_a_stale_draft_edit_is_refused(client, tree, reviewer, world, make_user):
    client.force_login(reviewer)
    pupil, student = world["pupil"], world["student"]
    notice = services.notice_build(
        organisation=tree.city_a,
        entries=[{"person": pupil, "amount": Decimal("1000")}],
        posted_at="公示栏",
        starts_on=TODAY,
        acting_user=reviewer,
    )
    url = reverse("notices:edit", args=[notice.pk])
    page = client.get(url)
    version = page.context["form"]["version"].value()
    assert f'name="version" value="{version}"' in page.content.decode()
    # A colleague changes the list meanwhile: the draft's version moves with its list.
    colleague = make_user(tree.city_a, Role.REVIEWER, first_name="张三")
    services.notice_update(
        notice,
        acting_user=colleague,
        reason="添加学生",
        data={},
        entries=[{"person": pupil, "amount": Decimal("1000")}, {"person": student, "amount": Decimal("3000")}],
    )
    data = {
        "title": notice.title,
        "posted_at": "别处",
        "starts_on": str(TODAY),
        "period_days": "7",
        "version": version,
        f"amount_{pupil.pk}": "1200",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "张三" in response.content.decode()
    notice.refresh_from_db()
    assert notice.posted_at == "公示栏" and notice.entries.count() == 2

    data["version"] = client.get(url).context["form"]["version"].value()
    data[f"amount_{student.pk}"] = "3000"
    assert client.post(url, data).status_code == 302
    assert {e.amount for e in notice.entries.all()} == {Decimal("1200"), Decimal("3000")}


# ---- paying an ended notice in one batch ---------------------------------------------------------


@pytest.fixture
def ended(tree, world):
    """A published 金秋助学 notice of the county that ended ten days ago, with an entry of each outcome."""
    notice = NoticeFactory(
        organisation=tree.county_a,
        ref="GS-2026-01",
        status=NoticeStatus.PUBLISHED,
        kind=NoticeKind.STUDENT_AID,
        starts_on=days_ago(20),
        ends_on=days_ago(10),
    )
    pupil, student, reviewed_child = world["pupil"], world["student"], world["reviewed_child"]
    struck = child(on_file(tree.county_a, "GY-7"), "郑小月", 20)
    pending = child(on_file(tree.county_a, "GY-8"), "冯小雨", 21)
    paid = child(on_file(tree.county_a, "GY-9"), "陈小雪", 22)
    entries = {
        "pupil": NoticeEntryFactory(notice=notice, person=pupil, amount=Decimal("1000.00")),
        "student": NoticeEntryFactory(notice=notice, person=student, amount=Decimal("3000.00")),
        # A file still in review: 依档帮扶 refuses the grant.
        "reviewed": NoticeEntryFactory(notice=notice, person=reviewed_child, amount=Decimal("1500.00")),
        "struck": NoticeEntryFactory(notice=notice, person=struck, amount=Decimal("1000.00"), struck_off=True),
        "pending": NoticeEntryFactory(notice=notice, person=pending, amount=Decimal("1000.00")),
        "paid": NoticeEntryFactory(notice=notice, person=paid, amount=Decimal("1000.00")),
    }
    ObjectionFactory(notice=notice, person=struck, raised_on=days_ago(15), upheld=True)
    ObjectionFactory(notice=notice, person=pending, raised_on=days_ago(15), upheld=None)
    # Paid for this notice already (a grant after it ended), by hand.
    AidGrantFactory(person=paid, organisation=tree.county_a, granted_on=days_ago(5))
    return notice, entries


def test_the_plan_pays_everyone_still_cleared_and_says_why_the_others_are_not(tree, ended):
    notice, entries = ended
    plan = selectors.payment_plan(notice, granted_on=TODAY)
    paid = {grant.person_id: grant.amount for grant in plan.grants}
    assert paid == {
        entries["pupil"].person_id: entries["pupil"].amount,
        entries["student"].person_id: entries["student"].amount,
    }
    assert plan.total == entries["pupil"].amount + entries["student"].amount
    reasons = {entry.person_id: reason for entry, reason in plan.skipped}
    assert set(reasons) == {entries[k].person_id for k in ("reviewed", "struck", "pending", "paid")}
    assert "依档帮扶" in reasons[entries["reviewed"].person_id]
    assert "异议成立" in reasons[entries["struck"].person_id]
    assert "尚未处理" in reasons[entries["pending"].person_id]
    assert f"公示结束（{notice.ends_on:%Y-%m-%d}）后已发放过" in reasons[entries["paid"].person_id]


def test_a_notice_ending_in_december_is_paid_once_and_reminded_of_until_then(tree, make_user):
    """Cleared and not yet paid means one thing on the home page and in the payment batch, across the new year:
    a grant after the notice ended pays it, whichever year; an earlier school year's grant does not."""
    year = TODAY.year - 1
    notice = NoticeFactory(
        organisation=tree.county_a,
        status=NoticeStatus.PUBLISHED,
        kind=NoticeKind.STUDENT_AID,
        starts_on=datetime.date(year, 12, 10),
        ends_on=datetime.date(year, 12, 20),
    )
    pupil = child(on_file(tree.county_a, "GY-12"), "何小冬", 30)
    NoticeEntryFactory(notice=notice, person=pupil, amount=Decimal("1000.00"))
    # Last school year's grant, in the same calendar year: it does not pay this notice.
    AidGrantFactory(person=pupil, organisation=tree.county_a, granted_on=datetime.date(year, 3, 1))
    caseworker = make_user(tree.county_a, Role.CASEWORKER)

    def reminded(day):
        return home_selectors.students_awaiting_grant(caseworker, today=day)["persons"]

    christmas, new_year = datetime.date(year, 12, 28), datetime.date(year + 1, 1, 5)
    assert [grant.person_id for grant in selectors.payment_plan(notice, granted_on=christmas).grants] == [pupil.pk]
    assert reminded(christmas) == 1 and reminded(new_year) == 1
    services.notice_pay(notice, granted_on=christmas, acting_user=caseworker)
    # Paid on 28 December: in January neither the reminder nor a second batch finds the pupil.
    assert reminded(new_year) == 0
    plan = selectors.payment_plan(notice, granted_on=new_year)
    assert plan.grants == [] and [entry.person_id for entry, _reason in plan.skipped] == [pupil.pk]
    assert AidGrant.objects.filter(person=pupil, granted_on__gt=notice.ends_on).count() == 1


def test_paying_writes_one_grant_each_at_the_standard_with_the_batch_as_reason(tree, ended, make_user):
    notice, entries = ended
    caseworker = make_user(tree.city_a, Role.CASEWORKER)
    plan = selectors.payment_plan(notice, granted_on=TODAY)
    grants = services.notice_pay(
        notice,
        granted_on=TODAY,
        fund_source="union",
        payment_method="bank_card",
        expected_count=plan.count,
        expected_total=plan.total,
        acting_user=caseworker,
    )
    assert len(grants) == plan.count
    batch = services.payment_batch_name(notice, TODAY)
    for key in ("pupil", "student"):
        grant = AidGrant.objects.get(person_id=entries[key].person_id, granted_on=TODAY)
        assert grant.amount == entries[key].amount
        # The unit of the grant is the household's, not the caseworker's.
        assert grant.organisation_id == entries[key].person.household.organisation_id != caseworker.organisation_id
        row = grant.history.get()
        assert (row.history_change_reason, row.history_user_id) == (batch, caseworker.pk)
    assert notice.number in batch and notice.ref not in batch
    # Paid once: a second batch finds nobody left.
    with pytest.raises(ValidationError):
        services.notice_pay(notice, granted_on=TODAY, acting_user=caseworker)


def test_a_batch_writes_all_or_nothing(tree, ended, make_user, monkeypatch):
    notice, _entries = ended
    caseworker = make_user(tree.city_a, Role.CASEWORKER)
    plan = selectors.payment_plan(notice, granted_on=TODAY)
    before = AidGrant.objects.count()
    # What the caseworker confirmed is no longer what would be written: nothing is.
    with pytest.raises(ValidationError, match="名单已有变化"):
        services.notice_pay(
            notice, granted_on=TODAY, expected_count=plan.count + 1, expected_total=plan.total, acting_user=caseworker
        )
    # A rule refusing the last grant while writing: the earlier ones are undone too.
    last = plan.grants[-1].person_id

    def refuse_last(grants):
        for index, grant in enumerate(grants):
            if grant.pk is None and grant.person_id == last and getattr(grant, "entry", None) is None:
                yield index, "person", "拒绝"

    monkeypatch.setitem(guards._rules, AidGrant, [*guards._rules[AidGrant], refuse_last])
    with pytest.raises(ValidationError):
        services.notice_pay(notice, granted_on=TODAY, acting_user=caseworker)
    assert AidGrant.objects.count() == before


def test_only_after_the_period_and_only_casework_roles(tree, ended, make_user, client):
    notice, _entries = ended
    caseworker = make_user(tree.city_a, Role.CASEWORKER)
    with pytest.raises(ValidationError, match="公示期结束后"):
        services.notice_pay(notice, granted_on=notice.ends_on, acting_user=caseworker)
    officer = make_user(tree.city_a, Role.STATISTICS_OFFICER)
    with pytest.raises(PermissionDenied):
        services.notice_pay(notice, granted_on=TODAY, acting_user=officer)
    client.force_login(officer)
    assert client.get(reverse("notices:pay", args=[notice.pk])).status_code == 403
    assert "按公示标准发放助学款" not in client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    client.force_login(make_user(tree.city_b, Role.CASEWORKER))
    assert client.get(reverse("notices:pay", args=[notice.pk])).status_code == 404


def test_the_confirmation_page_shows_count_and_total_then_pays(client, tree, ended, make_user):
    notice, entries = ended
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    detail = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    url = reverse("notices:pay", args=[notice.pk])
    assert url in detail
    plan = selectors.payment_plan(notice, granted_on=TODAY)
    page = client.get(url).content.decode()
    assert f"本次发放 {plan.count} 人，合计 {plan.total} 元" in page
    assert entries["struck"].person.name in page and "异议成立" in page
    data = {
        "granted_on": str(TODAY),
        "expected_count": str(plan.count),
        "expected_total": str(plan.total),
    }
    unconfirmed = client.post(url, data)
    assert unconfirmed.status_code == 400 and not AidGrant.objects.filter(granted_on=TODAY).exists()
    response = client.post(url, {**data, "confirm": "on"})
    assert response.status_code == 302
    assert AidGrant.objects.filter(granted_on=TODAY).count() == plan.count


# ---- a single grant: the published standard, else a reason; the household's unit --------------------


def test_a_single_grant_defaults_to_the_standard_and_the_household_unit(client, tree, ended, make_user):
    notice, entries = ended
    pupil = entries["pupil"].person
    caseworker = make_user(tree.city_a, Role.CASEWORKER)
    client.force_login(caseworker)
    url = reverse("grants-create")
    form = client.get(url, {"person": pupil.pk}).context["form"]
    assert form["amount"].value() == entries["pupil"].amount
    assert form["organisation"].value() == pupil.household.organisation_id != caseworker.organisation_id

    data = {"person": pupil.pk, "granted_on": str(TODAY), "amount": "800"}
    refused = client.post(url + f"?person={pupil.pk}", data)
    assert refused.status_code in (200, 400)
    message = f"金额 800.00 元与公示 {notice.number} 的帮扶标准 {entries['pupil'].amount} 元不同，须填写金额调整原因。"
    assert message in refused.content.decode()
    assert not AidGrant.objects.filter(person=pupil, granted_on=TODAY).exists()

    accepted = client.post(url + f"?person={pupil.pk}", {**data, "amount_reason": "家庭另获资助，减半发放"})
    assert accepted.status_code == 302
    grant = AidGrant.objects.get(person=pupil, granted_on=TODAY)
    assert (grant.amount, grant.organisation_id) == (Decimal("800"), pupil.household.organisation_id)


def test_standards_are_configurable(settings):
    settings.AID_STANDARDS = {"college_plus": "5000"}
    assert aid_standards()[STAGE_GROUP_OF["undergraduate"]] == Decimal("5000")
    assert standard_for("undergraduate") == Decimal("5000")
    assert standard_for(None) is None
