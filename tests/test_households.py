"""A household file's workflow (apply → review → notice → file → annual review → close),
its date rules, and the one definition of "on file" (在档)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import AnnualReview, Household, Person, is_future, on_file_q
from casework.choices import Role
from tests.factories import HouseholdFactory, NoticeEntryFactory, NoticeFactory, PersonFactory

D = datetime.date


@pytest.fixture
def people(tree, make_user):
    return (
        make_user(tree.county_a, Role.CASEWORKER, username="caseworker"),
        make_user(tree.county_a, Role.REVIEWER, username="reviewer"),
    )


APPLIED_ON = D(2014, 3, 1)
REVIEWED_ON, NOTICE_STARTS, NOTICE_ENDS, FILED_ON = D(2014, 3, 10), D(2014, 3, 12), D(2014, 3, 18), D(2014, 3, 20)


def apply(tree, caseworker, file_no="410181-2014-001", applied_on=APPLIED_ON, head=True):
    household = services.household_apply(
        file_no=file_no, organisation=tree.county_a, kind="worker", applied_on=applied_on, acting_user=caseworker
    )
    if head:
        PersonFactory(household=household, relationship="head")
    return household


def notice_for(household, starts_on=NOTICE_STARTS, ends_on=NOTICE_ENDS):
    """A published notice (公示) listing the household's members, as the notices app builds it."""
    notice = NoticeFactory(organisation=household.organisation, starts_on=starts_on, ends_on=ends_on)
    for member in household.members.all():
        NoticeEntryFactory(notice=notice, person=member)
    return notice


def through_notice(household, reviewer, reviewed_on=REVIEWED_ON, **notice):
    household = services.household_review(household, acting_user=reviewer, day=reviewed_on)
    return services.household_notice(household, notice=notice_for(household, **notice).ref, acting_user=reviewer)


def on_file(household, reviewer, filed_on=FILED_ON):
    return services.household_file(through_notice(household, reviewer), acting_user=reviewer, day=filed_on)


def close(household, reviewer, day, **kwargs):
    kwargs = {"closing_code": "out_of_hardship", "closing_reason": "子女已就业", "confirm": True, **kwargs}
    return services.household_close(household, acting_user=reviewer, reason="脱困", day=day, **kwargs)


def test_the_whole_workflow_is_dated_and_attributed(tree, people):
    caseworker, reviewer = people
    household = apply(tree, caseworker)
    assert (household.status, household.applied_by) == ("applied", caseworker)

    household = services.household_review(household, acting_user=reviewer, reason="材料齐全", day=D(2014, 3, 10))
    assert (household.status, household.reviewed_on, household.reviewed_by) == ("reviewed", D(2014, 3, 10), reviewer)

    notice = notice_for(household)
    household = services.household_notice(household, notice=notice.ref, acting_user=reviewer)
    # The notice step's date is the notice's first day, not a typed date.
    assert (household.status, household.noticed_on, household.notice_ref) == ("noticed", D(2014, 3, 12), notice.ref)

    household = services.household_file(household, acting_user=reviewer, day=D(2014, 3, 20))
    assert (household.status, household.filed_on, household.filed_by) == ("on_file", D(2014, 3, 20), reviewer)

    review = services.annual_review_record(household, outcome="confirmed", acting_user=caseworker, day=D(2014, 12, 1))
    assert (review.reviewed_by, review.reviewed_on) == (caseworker, D(2014, 12, 1))

    services.annual_review_record(
        household,
        outcome="closed",
        closing_code="out_of_hardship",
        confirm=True,
        acting_user=reviewer,
        reason="脱困",
        day=D(2015, 12, 1),
        note="子女已就业",
    )
    household.refresh_from_db()
    assert household.status == "closed"
    assert (household.closed_on, household.closed_by, household.closing_code, household.closing_reason) == (
        D(2015, 12, 1),
        reviewer,
        "out_of_hardship",
        "子女已就业",
    )
    assert AnnualReview.objects.filter(household=household).count() == 2

    # One history row per step, each with the acting user and the reason.
    rows = list(household.history.order_by("history_id").values_list("history_user_name", "history_change_reason"))
    assert rows == [
        ("caseworker", "household application"),
        ("reviewer", "材料齐全"),
        ("reviewer", "public notice"),
        ("reviewer", "filed"),
        ("reviewer", "脱困"),
    ]


def test_repeating_a_step_with_the_same_date_writes_nothing(tree, people):
    caseworker, reviewer = people
    household = services.household_review(apply(tree, caseworker), acting_user=reviewer, day=D(2014, 3, 10))
    services.household_review(household, acting_user=reviewer, day=D(2014, 3, 10))
    assert household.history.count() == 2


def refused(call, field):
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value.message_dict[field][0]


def test_date_rules_refuse_with_the_field_and_write_nothing(tree, people):
    caseworker, reviewer = people
    household = apply(tree, caseworker)
    notice = notice_for(household)
    before = Household.history.count()

    assert "先审核" in refused(
        lambda: services.household_notice(household, notice=notice.ref, acting_user=reviewer), "noticed_on"
    )
    assert "先审核" in refused(lambda: services.household_file(household, acting_user=reviewer), "filed_on")
    assert "未建档" in refused(lambda: close(household, reviewer, D(2014, 5, 1)), "closed_on")
    assert "早于申请日期" in refused(
        lambda: services.household_review(household, acting_user=reviewer, day=D(2014, 2, 28)), "reviewed_on"
    )
    future = datetime.date.today() + datetime.timedelta(days=3)
    assert "晚于今天" in refused(
        lambda: services.household_review(household, acting_user=reviewer, day=future), "reviewed_on"
    )
    assert "晚于今天" in refused(lambda: apply(tree, caseworker, file_no="F2", applied_on=future), "applied_on")
    assert Household.history.count() == before

    household = services.household_review(household, acting_user=reviewer, day=D(2014, 3, 2))
    assert "先公示" in refused(lambda: services.household_file(household, acting_user=reviewer), "filed_on")
    household = services.household_notice(household, notice=notice.ref, acting_user=reviewer)
    household = services.household_file(household, acting_user=reviewer, day=D(2014, 3, 20))
    before = Household.history.count()
    for day in (D(2014, 3, 19), D(2014, 3, 20)):  # closing must come strictly after filing
        assert "必须晚于建档日期" in refused(lambda day=day: close(household, reviewer, day), "closed_on")
    assert "在档" in refused(
        lambda: services.annual_review_record(household, outcome="confirmed", acting_user=reviewer, day=D(2014, 3, 1)),
        "household",
    )
    assert Household.history.count() == before
    assert AnnualReview.objects.count() == 0


def test_the_database_refuses_a_closing_before_filing_even_without_the_services(tree):
    from django.db import IntegrityError, transaction

    household = HouseholdFactory(organisation=tree.county_a, filed_on=D(2014, 2, 1))
    household.closed_on = D(2014, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        household.save()


def test_on_file_edges(tree):
    def make(filed_on, closed_on=None):
        return HouseholdFactory(
            organisation=tree.county_a, applied_on=D(2013, 1, 1), filed_on=filed_on, closed_on=closed_on
        )

    not_filed = make(None)
    filed_that_day = make(D(2014, 6, 1))
    filed_next_day = make(D(2014, 6, 2))
    closed_that_day = make(D(2013, 6, 1), D(2014, 6, 1))
    closed_next_day = make(D(2013, 6, 1), D(2014, 6, 2))
    day = D(2014, 6, 1)

    on_file = set(Household.objects.on_file(day))
    assert on_file == {filed_that_day, closed_next_day}
    assert not_filed not in on_file and filed_next_day not in on_file and closed_that_day not in on_file
    # The model method agrees with the query, household by household.
    for household in (not_filed, filed_that_day, filed_next_day, closed_that_day, closed_next_day):
        assert household.is_on_file(day) == (household in on_file)
    # The day after, the file closed then is out too, and the one filed then is in.
    assert set(Household.objects.on_file(D(2014, 6, 2))) == {filed_that_day, filed_next_day}

    # The same definition through a relation: the members of on-file households.
    member = PersonFactory(household=filed_that_day)
    PersonFactory(household=closed_that_day)
    assert list(Person.objects.filter(on_file_q(day, "household__"))) == [member]


def test_the_status_filter_matches_the_status_of_each_file(tree, people):
    from beneficiaries.filtersets import HouseholdFilterSet

    caseworker, reviewer = people
    applied = apply(tree, caseworker, file_no="A")
    returned = services.household_return(
        apply(tree, caseworker, file_no="B"), return_reason="缺收入证明", acting_user=reviewer, day=D(2014, 3, 2)
    )
    reviewed = services.household_review(apply(tree, caseworker, file_no="R"), acting_user=reviewer, day=D(2014, 3, 2))
    noticed = through_notice(apply(tree, caseworker, file_no="N"), reviewer)
    filed = on_file(apply(tree, caseworker, file_no="F"), reviewer)
    closed = close(on_file(apply(tree, caseworker, file_no="C"), reviewer), reviewer, D(2014, 9, 1))
    households = (applied, returned, reviewed, noticed, filed, closed)
    assert [h.status for h in households] == ["applied", "returned", "reviewed", "noticed", "on_file", "closed"]
    for household in households:
        found = HouseholdFilterSet({"status": household.status}, queryset=Household.objects.all()).qs
        assert list(found) == [household], household.status


def test_a_household_with_members_is_not_deleted_and_the_api_says_why(tree, people, client):
    # Found by the API fuzz run (tests/test_fuzz_api.py): this was a server error.
    caseworker, _ = people
    household = HouseholdFactory(organisation=tree.county_a)
    PersonFactory(household=household)
    client.force_login(caseworker)

    response = client.delete(f"/api/v1/households/{household.pk}/", HTTP_X_CHANGE_REASON="重复建档")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["仍有人员记录引用此记录，不能删除。"]}
    assert Household.objects.filter(pk=household.pk).exists()
    assert not household.history.filter(history_type="-").exists()


def test_is_future_agrees_with_the_day_in_shanghai_around_today():
    # The fast path (the machine's date) must never change the answer of the exact one.
    today = timezone.localdate()
    for offset in range(-10, 11):
        day = today + datetime.timedelta(days=offset)
        assert is_future(day) == (offset > 0), day
