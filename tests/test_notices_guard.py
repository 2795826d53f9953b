"""The 公示 gate on aid grants (returns.md): a first grant needs a clean notice whose period ended before it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aid.models import AidGrant
from beneficiaries.models import Person
from casework import guards
from casework.services import record_create
from notices import services
from notices.guards import first_grant_needs_notice
from tests import test_notices_services as shared
from tests.factories import AidGrantFactory, NoticeEntryFactory, NoticeFactory, ObjectionFactory, SchoolingFactory
from tests.test_notices_services import build, days_ago, publish

# Fixtures shared with the services tests.
reviewer = shared.reviewer
families = shared.families


def grant(person, org, day, user, ref, amount="1000.00"):
    return record_create(
        AidGrant,
        acting_user=user,
        reason="grant",
        data={"ref": ref, "organisation": org, "person": person, "granted_on": day, "amount": Decimal(amount)},
    )


@pytest.fixture
def student(tree, families):
    """A first-time recipient: on file for two years, at school, never granted."""
    person = families.on_file_student(tree.city_a, "李华", "HA-2")
    SchoolingFactory(person=person, stage="undergraduate", entered_on=days_ago(700))
    return person


@pytest.fixture
def notice(tree, reviewer, student):
    """Published 30 days ago, running 7 days: it ended 24 days ago."""
    return publish(build(tree.city_a, reviewer, [(student, "1000")], starts_on=days_ago(30)), reviewer)


def test_guard_is_registered_for_grants():
    assert first_grant_needs_notice in guards.rules_for(AidGrant)


def test_refused_without_a_notice(tree, reviewer, student):
    with pytest.raises(ValidationError) as error:
        grant(student, tree.city_a, days_ago(1), reviewer, "G1")
    assert "未列入任何已发布的公示" in error.value.message_dict["person"][0]
    assert not AidGrant.objects.exists()


def test_refused_during_the_period_and_on_its_last_day(tree, reviewer, student, notice):
    for day in (days_ago(27), notice.ends_on):
        with pytest.raises(ValidationError) as error:
            grant(student, tree.city_a, day, reviewer, "G1")
        message = error.value.message_dict["person"][0]
        # Named by its short number, not by the interchange ref.
        assert f"公示 {notice.starts_on.year}-{notice.pk:04d}" in message and notice.ref not in message
    assert not AidGrant.objects.exists()


def test_accepted_after_a_clean_period(tree, reviewer, student, notice):
    made = grant(student, tree.city_a, notice.ends_on + datetime.timedelta(days=1), reviewer, "G1")
    assert AidGrant.objects.get() == made


def test_accepted_after_a_dismissed_objection(tree, reviewer, student, notice):
    objection = services.objection_record(notice, person=student, raised_on=notice.starts_on, acting_user=reviewer)
    services.objection_decide(objection, upheld=False, acting_user=reviewer, day=notice.ends_on)
    grant(student, tree.city_a, days_ago(1), reviewer, "G1")
    assert AidGrant.objects.count() == 1


def test_refused_after_an_upheld_objection_for_that_person_only(tree, reviewer, families, student):
    other = families.on_file_student(tree.city_a, "王小明", "HA-9")
    SchoolingFactory(person=other, stage="primary", entered_on=days_ago(700))
    notice = publish(
        build(tree.city_a, reviewer, [(student, "1000"), (other, "800")], starts_on=days_ago(30)), reviewer
    )
    objection = services.objection_record(notice, person=student, raised_on=notice.starts_on, acting_user=reviewer)
    services.objection_decide(objection, upheld=True, acting_user=reviewer, day=notice.ends_on)

    with pytest.raises(ValidationError) as error:
        grant(student, tree.city_a, days_ago(1), reviewer, "G1")
    assert "异议" in error.value.message_dict["person"][0]
    grant(other, tree.city_a, days_ago(1), reviewer, "G2", amount="800.00")  # at the standard published
    assert list(AidGrant.objects.values_list("person_id", flat=True)) == [other.pk]


def test_an_upheld_objection_counts_even_if_the_entry_was_not_marked(tree, reviewer, student):
    # Records that came in a bundle carry the outcome on the objection alone.
    notice = NoticeFactory(organisation=tree.city_a, starts_on=days_ago(30), ends_on=days_ago(24))
    NoticeEntryFactory(notice=notice, person=student)
    ObjectionFactory(notice=notice, person=student, raised_on=days_ago(29), upheld=True)
    with pytest.raises(ValidationError):
        grant(student, tree.city_a, days_ago(1), reviewer, "G1")


def test_a_withdrawn_or_draft_notice_does_not_count(tree, reviewer, student, notice):
    services.notice_withdraw(notice, acting_user=reviewer, withdrawn_reason="有误")
    draft = build(tree.city_a, reviewer, [(student, "1000")], starts_on=days_ago(20))
    assert draft.ends_on < days_ago(1)
    with pytest.raises(ValidationError):
        grant(student, tree.city_a, days_ago(1), reviewer, "G1")


def test_only_the_first_grant_needs_the_notice(tree, reviewer, student, notice):
    grant(student, tree.city_a, days_ago(10), reviewer, "G1")
    # A later grant is not the first: no notice needed, even from another unit.
    grant(student, tree.city_b, days_ago(5), reviewer, "G2")
    # A grant dated before every existing one is the first: its date must follow the notice's period too.
    with pytest.raises(ValidationError):
        grant(student, tree.city_a, days_ago(26), reviewer, "G0")
    assert AidGrant.objects.count() == 2


def test_a_grant_before_an_existing_one_without_notice_is_first(tree, reviewer, student):
    AidGrantFactory(ref="OLD", person=student, organisation=tree.city_a, granted_on=days_ago(100))
    grant(student, tree.city_a, days_ago(50), reviewer, "LATER")  # not the first: passes
    with pytest.raises(ValidationError):
        grant(student, tree.city_a, days_ago(200), reviewer, "EARLIER")


def test_a_batch_is_checked_with_two_queries(tree, reviewer, student, notice, django_assert_num_queries):
    unsaved = Person(name="新人", organisation=tree.city_a)
    batch = [
        AidGrant(ref="B1", organisation=tree.city_a, person=student, granted_on=days_ago(27), amount=1),  # in period
        AidGrant(ref="B2", organisation=tree.city_a, person=student, granted_on=days_ago(10), amount=1),  # not first
        AidGrant(ref="B3", organisation=tree.city_a, person=unsaved, granted_on=days_ago(10), amount=1),  # no notice
        AidGrant(ref="B4", organisation=tree.city_a, person=unsaved, granted_on=days_ago(5), amount=1),  # not first
    ]
    with django_assert_num_queries(2):
        problems = {index: message for index, _field, message in first_grant_needs_notice(batch)}
    assert sorted(problems) == [0, 2]
    assert notice.number in str(problems[0]) and notice.ref not in str(problems[0])
    assert "未列入" in str(problems[2])
    # Through the registry (with the other rules on grants), the same grants are refused.
    assert {0, 2} <= set(guards.check(AidGrant, batch))

    clean = [
        AidGrant(ref=f"C{i}", organisation=tree.city_a, person=student, granted_on=days_ago(10 - i), amount=1)
        for i in range(5)
    ]
    with django_assert_num_queries(2):
        assert not list(first_grant_needs_notice(clean))


def test_updating_the_first_grant_rechecks_its_date(tree, reviewer, student, notice):
    from casework.services import record_update

    made = grant(student, tree.city_a, days_ago(10), reviewer, "G1")
    with pytest.raises(ValidationError):
        record_update(made, acting_user=reviewer, reason="date", data={"granted_on": days_ago(26)})
    made.refresh_from_db()
    assert made.granted_on == days_ago(10)
