"""Building, publishing, withdrawing and replacing public notices (公示), and objections, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from beneficiaries import services as people
from beneficiaries.id_numbers import sample_id_number
from casework.choices import Role
from notices import selectors, services
from notices.choices import NoticeStatus, PeriodState
from notices.models import Notice, NoticeEntry, Objection
from tests.factories import AidGrantFactory, HouseholdFactory, SchoolingFactory, UserFactory

TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


class Families:
    """Households and their members built through the beneficiaries services, numbered ID numbers."""

    def __init__(self, user):
        self.user = user
        self.seq = 9000
        # The reviewer (``user``) does not review files they applied for: a caseworker applies.
        self.caseworker = UserFactory(organisation=user.organisation, role=Role.CASEWORKER)

    def household(self, org, file_no, *, applied, reviewed=None, filed=None, closed=None, address=""):
        if filed:
            # A file on record for years (its own notice long past): built as it stands.
            return HouseholdFactory(
                file_no=file_no,
                organisation=org,
                applied_on=applied,
                reviewed_on=reviewed,
                filed_on=filed,
                closed_on=closed,
                address=address,
            )
        household = people.household_apply(
            file_no=file_no,
            organisation=org,
            kind="worker",
            applied_on=applied,
            address=address,
            acting_user=self.caseworker,
        )
        if reviewed:
            household = people.household_review(household, acting_user=self.user, day=reviewed)
        return household

    def person(self, org, name, household=None, relationship="child"):
        self.seq += 1
        return people.person_register(
            id_number=sample_id_number(self.seq, born=datetime.date(2002, 3, 1)),
            name=name,
            organisation=org,
            phone="13912345678",
            household=household,
            relationship=relationship if household else "",
            acting_user=self.user,
        )

    def new_family_member(self, org, name, file_no):
        """A member of a household file reviewed ten days ago (not yet filed): a new household file."""
        household = self.household(org, file_no, applied=days_ago(20), reviewed=days_ago(10))
        return self.person(org, name, household)

    def on_file_student(self, org, name, file_no, *, stage="junior_secondary"):
        """A school child of a household on file for two years who never had an aid grant: a first-time recipient."""
        household = self.household(org, file_no, applied=days_ago(800), reviewed=days_ago(790), filed=days_ago(780))
        person = self.person(org, name, household)
        SchoolingFactory(person=person, stage=stage, school="第一中学", entered_on=days_ago(400))
        return person


@pytest.fixture
def reviewer(tree, make_user):
    return make_user(tree.city_a, Role.REVIEWER)


@pytest.fixture
def families(reviewer):
    return Families(reviewer)


def build(org, user, entries, *, starts_on=None, **kwargs):
    kwargs.setdefault("posted_at", "某某社区居委会公示栏")
    return services.notice_build(
        organisation=org,
        entries=[{"person": p, "amount": Decimal(a)} for p, a in entries],
        starts_on=starts_on or days_ago(30),
        acting_user=user,
        **kwargs,
    )


def publish(notice, user, day=None):
    return services.notice_publish(notice, acting_user=user, day=day or notice.starts_on)


# ---- who qualifies ----------------------------------------------------------------------------


def test_candidates_are_new_file_members_and_first_time_recipients(tree, families):
    new_member = families.new_family_member(tree.city_a, "王小明", "HA-1")
    first_timer = families.on_file_student(tree.county_a, "李华", "HA-2")  # below city_a: in its subtree
    had_aid = families.on_file_student(tree.city_a, "赵强", "HA-3")
    AidGrantFactory(person=had_aid, organisation=tree.city_a, granted_on=days_ago(400))
    old_closed = families.household(
        tree.city_a, "HA-4", applied=days_ago(800), reviewed=days_ago(790), filed=days_ago(780), closed=days_ago(300)
    )
    closed_member = families.person(tree.city_a, "钱明", old_closed)
    applied_only = families.household(tree.city_a, "HA-5", applied=days_ago(5))
    not_reviewed = families.person(tree.city_a, "孙丽", applied_only)
    no_household = families.person(tree.city_a, "周杰")
    elsewhere = families.new_family_member(tree.city_b, "吴刚", "HB-1")

    found = {p.pk: (p.new_household, p.first_aid) for p in selectors.candidates(tree.city_a)}

    assert found == {new_member.pk: (True, False), first_timer.pk: (False, True)}
    for person in (had_aid, closed_member, not_reviewed, no_household, elsewhere):
        assert person.pk not in found
    # A household reviewed long ago and not filed is no longer "new".
    assert not selectors.candidates(tree.city_a, since=TODAY).filter(pk=new_member.pk).exists()


def test_build_makes_a_draft_with_the_period_and_standards(tree, reviewer, families):
    a = families.new_family_member(tree.city_a, "王小明", "HA-1")
    b = families.on_file_student(tree.city_a, "李华", "HA-2")

    notice = build(
        tree.city_a, reviewer, [(a, "1200"), (b, "800.5")], starts_on=days_ago(30), contact="张老师 0371-1234"
    )

    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT
    assert (notice.starts_on, notice.ends_on) == (days_ago(30), days_ago(24))  # 7 days, both ends included
    assert notice.mask_names is False  # names in full by default: neighbours must be able to check them
    assert list(notice.entries.order_by("id").values_list("person_id", "amount")) == [
        (a.pk, Decimal("1200.00")),
        (b.pk, Decimal("800.50")),
    ]
    assert notice.history.count() == 1 and NoticeEntry.history.count() == 2
    assert notice.history.first().history_user_name == reviewer.username

    ten_days = build(tree.city_a, reviewer, [(a, "100")], starts_on=days_ago(5), period_days=10)
    assert ten_days.ends_on == days_ago(5) + datetime.timedelta(days=9)


def test_build_refuses_who_does_not_qualify(tree, reviewer, families):
    ok = families.new_family_member(tree.city_a, "王小明", "HA-1")
    had_aid = families.on_file_student(tree.city_a, "赵强", "HA-3")
    AidGrantFactory(person=had_aid, organisation=tree.city_a, granted_on=days_ago(400))
    elsewhere = families.new_family_member(tree.city_b, "吴刚", "HB-1")

    with pytest.raises(ValidationError) as error:
        build(tree.city_a, reviewer, [(ok, "100"), (had_aid, "100"), (elsewhere, "100"), (ok, "0")])
    assert set(error.value.message_dict) == {
        "entries[1].person",
        "entries[2].person",
        "entries[3].person",
        "entries[3].amount",
    }
    assert Notice.objects.count() == 0 and NoticeEntry.objects.count() == 0

    with pytest.raises(ValidationError) as error:
        build(tree.city_a, reviewer, [])
    assert "entries" in error.value.message_dict


def test_a_person_on_a_published_notice_is_not_a_candidate_again(tree, reviewer, families):
    person = families.new_family_member(tree.city_a, "王小明", "HA-1")
    first = build(tree.city_a, reviewer, [(person, "100")])
    # A draft does not take anyone off the candidates; publishing does.
    assert selectors.candidates(tree.city_a).filter(pk=person.pk).exists()
    second_draft = build(tree.city_a, reviewer, [(person, "100")])
    publish(first, reviewer)
    assert not selectors.candidates(tree.city_a).filter(pk=person.pk).exists()
    with pytest.raises(ValidationError):
        build(tree.city_a, reviewer, [(person, "100")])
    # The other draft listing the same person can no longer be published.
    with pytest.raises(ValidationError) as error:
        publish(second_draft, reviewer)
    assert "entries" in error.value.message_dict


# ---- publishing and immutability --------------------------------------------------------------


def test_publish_and_the_period_running_or_ended(tree, reviewer, families):
    person = families.new_family_member(tree.city_a, "王小明", "HA-1")
    ended = publish(build(tree.city_a, reviewer, [(person, "100")], starts_on=days_ago(30)), reviewer)
    other = families.on_file_student(tree.city_a, "李华", "HA-2")
    running = publish(build(tree.city_a, reviewer, [(other, "100")], starts_on=days_ago(3)), reviewer)
    draft = build(tree.city_a, reviewer, [(families.on_file_student(tree.city_a, "赵强", "HA-3"), "100")])

    assert (ended.status, ended.published_on) == (NoticeStatus.PUBLISHED, days_ago(30))
    assert ended.period_state() == PeriodState.ENDED and running.period_state() == PeriodState.RUNNING
    assert list(selectors.notices_running(reviewer)) == [running]
    assert list(selectors.notices_ended(reviewer)) == [ended]
    assert draft not in selectors.notices_running(reviewer, day=draft.starts_on)
    assert list(selectors.notices_ended(reviewer, day=days_ago(10))) == [ended]
    assert list(selectors.notices_running(reviewer, day=days_ago(26))) == [ended]


def test_publish_refuses_a_period_that_started_before_publication(tree, reviewer, families):
    notice = build(tree.city_a, reviewer, [(families.new_family_member(tree.city_a, "王小明", "HA-1"), "100")])
    with pytest.raises(ValidationError) as error:
        services.notice_publish(notice, acting_user=reviewer, day=notice.starts_on + datetime.timedelta(days=1))
    assert "starts_on" in error.value.message_dict
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT


def test_a_published_notice_is_never_edited(tree, reviewer, families):
    a = families.new_family_member(tree.city_a, "王小明", "HA-1")
    b = families.on_file_student(tree.city_a, "李华", "HA-2")
    notice = build(tree.city_a, reviewer, [(a, "100")])
    # A draft can still change, list included.
    services.notice_update(
        notice,
        acting_user=reviewer,
        reason="fix",
        data={"posted_at": "职工所在单位"},
        entries=[{"person": b, "amount": "300"}],
    )
    assert list(notice.entries.values_list("person_id", "amount")) == [(b.pk, Decimal("300.00"))]
    publish(notice, reviewer)
    rows = Notice.history.count()

    with pytest.raises(ValidationError):
        services.notice_update(notice, acting_user=reviewer, reason="edit", data={"posted_at": "别处"})
    with pytest.raises(ValidationError):
        services.notice_update(
            notice, acting_user=reviewer, reason="edit", data={}, entries=[{"person": a, "amount": 1}]
        )
    with pytest.raises(ValidationError):
        services.notice_discard(notice, acting_user=reviewer, reason="delete")
    with pytest.raises(ValidationError):
        services.notice_publish(notice, acting_user=reviewer)
    notice.refresh_from_db()
    assert (notice.posted_at, notice.status) == ("职工所在单位", NoticeStatus.PUBLISHED)
    assert list(notice.entries.values_list("person_id", flat=True)) == [b.pk]
    assert Notice.history.count() == rows


def test_a_draft_can_be_discarded(tree, reviewer, families):
    notice = build(tree.city_a, reviewer, [(families.new_family_member(tree.city_a, "王小明", "HA-1"), "100")])
    services.notice_discard(notice, acting_user=reviewer, reason="不需要")
    assert not Notice.objects.exists()
    assert Notice.history.filter(history_type="-").count() == 1


# ---- withdrawal and replacement ---------------------------------------------------------------


def test_withdraw_needs_a_reason_and_frees_the_persons(tree, reviewer, families):
    person = families.new_family_member(tree.city_a, "王小明", "HA-1")
    notice = publish(build(tree.city_a, reviewer, [(person, "100")]), reviewer)
    with pytest.raises(ValidationError) as error:
        services.notice_withdraw(notice, acting_user=reviewer, withdrawn_reason="  ")
    assert "withdrawn_reason" in error.value.message_dict

    services.notice_withdraw(notice, acting_user=reviewer, withdrawn_reason="帮扶标准填写有误")
    notice.refresh_from_db()
    assert (notice.status, notice.withdrawn_reason, notice.withdrawn_on) == (
        NoticeStatus.WITHDRAWN,
        "帮扶标准填写有误",
        TODAY,
    )
    assert selectors.candidates(tree.city_a).filter(pk=person.pk).exists()
    with pytest.raises(ValidationError):
        services.notice_withdraw(notice, acting_user=reviewer, withdrawn_reason="again")


def test_replace_withdraws_and_builds_a_new_version(tree, reviewer, families):
    a = families.new_family_member(tree.city_a, "王小明", "HA-1")
    b = families.on_file_student(tree.city_a, "李华", "HA-2")
    old = publish(build(tree.city_a, reviewer, [(a, "100"), (b, "200")], contact="张老师"), reviewer)

    new = services.notice_replace(
        old,
        acting_user=reviewer,
        withdrawn_reason="李华的帮扶标准有误",
        entries=[{"person": a, "amount": "100"}, {"person": b, "amount": "250"}],
        starts_on=days_ago(2),
    )

    old.refresh_from_db()
    assert old.status == NoticeStatus.WITHDRAWN and old.withdrawn_reason == "李华的帮扶标准有误"
    assert (new.status, new.replaces, new.contact, new.posted_at) == (NoticeStatus.DRAFT, old, "张老师", old.posted_at)
    assert (new.starts_on, new.ends_on) == (days_ago(2), days_ago(2) + datetime.timedelta(days=6))
    assert list(new.entries.order_by("id").values_list("person_id", "amount")) == [
        (a.pk, Decimal("100.00")),
        (b.pk, Decimal("250.00")),
    ]
    # Both versions stay, and the old one keeps its list.
    assert list(old.entries.order_by("id").values_list("amount", flat=True)) == [Decimal("100.00"), Decimal("200.00")]
    assert selectors.notice_versions(new) == [old, new] == selectors.notice_versions(old)
    publish(new, reviewer)
    with pytest.raises(ValidationError):
        services.notice_replace(old, acting_user=reviewer, withdrawn_reason="again")


def test_replace_copies_the_list_less_those_struck_off(tree, reviewer, families):
    a = families.new_family_member(tree.city_a, "王小明", "HA-1")
    b = families.on_file_student(tree.city_a, "李华", "HA-2")
    old = publish(build(tree.city_a, reviewer, [(a, "100"), (b, "200")]), reviewer)
    objection = services.objection_record(
        old, person=b, raised_on=old.starts_on, content="家庭收入不实", acting_user=reviewer
    )
    services.objection_decide(objection, upheld=True, acting_user=reviewer)

    new = services.notice_replace(old, acting_user=reviewer, withdrawn_reason="更正名单")

    assert list(new.entries.values_list("person_id", flat=True)) == [a.pk]
    with pytest.raises(ValidationError):
        services.notice_replace(build(tree.city_a, reviewer, [(a, "1")]), acting_user=reviewer, withdrawn_reason="x")


# ---- objections -------------------------------------------------------------------------------


def test_objections_upheld_and_dismissed(tree, reviewer, families, make_user):
    a = families.new_family_member(tree.city_a, "王小明", "HA-1")
    b = families.on_file_student(tree.city_a, "李华", "HA-2")
    outsider = families.on_file_student(tree.city_a, "赵强", "HA-3")
    notice = publish(build(tree.city_a, reviewer, [(a, "100"), (b, "200")]), reviewer)
    caseworker = make_user(tree.city_a, Role.CASEWORKER)

    against_a = services.objection_record(
        notice,
        person=a,
        raised_on=notice.starts_on + datetime.timedelta(days=1),
        content="有稳定收入",
        acting_user=caseworker,
    )
    against_b = services.objection_record(notice, person=b, raised_on=notice.starts_on, acting_user=caseworker)
    with pytest.raises(ValidationError) as error:
        services.objection_record(notice, person=outsider, raised_on=notice.starts_on, acting_user=caseworker)
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.objection_record(
            notice, person=a, raised_on=notice.starts_on - datetime.timedelta(days=1), acting_user=caseworker
        )
    assert "raised_on" in error.value.message_dict

    services.objection_decide(against_a, upheld=True, acting_user=reviewer, day=notice.ends_on)
    services.objection_decide(against_b, upheld=False, acting_user=reviewer, day=notice.ends_on)

    against_a.refresh_from_db()
    assert (against_a.upheld, against_a.decided_on, against_a.decided_by) == (True, notice.ends_on, reviewer)
    # The upheld objection marks the entry; it is not deleted, and only that person is affected.
    assert dict(notice.entries.values_list("person_id", "struck_off")) == {a.pk: True, b.pk: False}
    assert selectors.notice_totals(notice) == {"persons": 1, "amount": Decimal("200.00")}
    assert notice.status == NoticeStatus.PUBLISHED
    with pytest.raises(ValidationError):
        services.objection_decide(against_b, upheld=True, acting_user=reviewer)
    assert Objection.objects.get(pk=against_b.pk).upheld is False
    # Struck off, the person may be put on a later notice.
    assert selectors.candidates(tree.city_a).filter(pk=a.pk).exists()


def test_objections_only_on_a_published_notice(tree, reviewer, families):
    a = families.new_family_member(tree.city_a, "王小明", "HA-1")
    draft = build(tree.city_a, reviewer, [(a, "100")])
    with pytest.raises(ValidationError):
        services.objection_record(draft, person=a, raised_on=draft.starts_on, acting_user=reviewer)
