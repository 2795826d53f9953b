"""The rules that guard the records (returns.md): each refused with its bundle path, nothing written;
the same rules through the services (a batch of one), at a fixed number of queries per batch."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aid.guards import amount_is_positive, grant_by_file, grant_needs_schooling
from aid.models import AidGrant
from aid.services import aid_grant_create
from beneficiaries.models import Household, Person
from casework import guards
from tests.factories import HouseholdFactory, PersonFactory, SchoolingFactory
from tests.test_bundle import IDS, counts, full_bundle, run

TOMORROW = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()


def _set(list_name, index, **changes):
    def mutate(bundle):
        bundle[list_name][index].update(changes)

    return mutate


def _notice_lists_someone_else(bundle):
    # The same import takes the student off the stored notice: the grant must see that.
    bundle["notices"][0]["entries"] = [{"id_number": IDS[0], "amount": "2000"}]


def _grant_to_stranger(bundle):
    bundle["aid_grants"][0]["id_number"] = IDS[2]  # a person in no household file


def _objection_upheld(bundle):
    bundle["notices"][0]["objections"] = [{"id_number": IDS[1], "raised_on": "2024-03-03", "upheld": True}]


def _graduate_without_household(bundle):
    bundle["graduates"][0]["id_number"] = IDS[2]


CASES = [
    # 依档帮扶: the household must be on file on the grant date.
    ("not a household member", _grant_to_stranger, "aid_grants[0].id_number"),
    ("household filed after the grant", _set("households", 0, filed_on="2024-09-02"), "aid_grants[0].id_number"),
    ("household not yet filed", _set("households", 0, filed_on=None), "aid_grants[0].id_number"),
    (
        "household closed before the grant",
        _set("households", 0, closed_on="2024-08-01"),
        "aid_grants[0].id_number",
    ),
    # A schooling record in force on the grant date.
    ("school entered after the grant", _set("schooling", 0, entered_on="2024-09-10"), "aid_grants[0].id_number"),
    # 公示 before a first grant (the rule registered by notices/guards.py).
    ("not on the notice", _notice_lists_someone_else, "aid_grants[0].id_number"),
    ("notice still running", _set("notices", 0, ends_on="2024-09-01"), "aid_grants[0].id_number"),
    ("upheld objection", _objection_upheld, "aid_grants[0].id_number"),
    # Dates.
    ("training in the future", _set("trainings", 0, started_on=TOMORROW, ended_on=TOMORROW), "trainings[0].started_on"),
    ("grant in the future", _set("aid_grants", 0, granted_on=TOMORROW), "aid_grants[0].granted_on"),
    ("training ends before it starts", _set("trainings", 0, ended_on="2024-03-01"), "trainings[0].ended_on"),
    ("household filed before applying", _set("households", 0, filed_on="2024-01-01"), "households[0].filed_on"),
    ("household closed on filing", _set("households", 0, closed_on="2024-02-01"), "households[0].closed_on"),
    # Amounts and counts.
    ("grant of zero", _set("aid_grants", 0, amount="0"), "aid_grants[0].amount"),
    ("negative loan", _set("loans", 0, amount="-5"), "loans[0].amount"),
    ("negative receipt", _set("fund_receipts", 0, amount=-1), "fund_receipts[0].amount"),
    ("negative posts", _set("work_study_offers", 0, posts=-1), "work_study_offers[0].posts"),
    ("negative positions", _set("position_offers", 0, positions=-3), "position_offers[0].positions"),
    ("negative jobs created", _set("loans", 0, jobs_created=-1), "loans[0].jobs_created"),
    ("negative contract", _set("placements", 0, contract_months=-12), "placements[0].contract_months"),
    # Enumerations and the fund source of a programme.
    ("unknown channel", _set("placements", 0, channel="friend"), "placements[0].channel"),
    ("unknown level", _set("certificates", 0, level="master"), "certificates[0].level"),
    ("unknown designation", _set("institutions", 0, designations=["famous"]), "institutions[0].designations"),
    ("source of another programme", _set("fund_receipts", 0, source="central_finance"), "fund_receipts[0].source"),
    # A graduate is a member of a household file.
    ("graduate outside any household", _graduate_without_household, "graduates[0].id_number"),
    # A person joining a household states the relationship (and only then).
    ("member without relationship", _set("persons", 0, relationship=None), "persons[0].relationship"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "mutate", "path"), CASES, ids=[c[0] for c in CASES])
def test_rule_refuses_with_path_and_writes_nothing(case, mutate, path):
    base = full_bundle()
    base["aid_grants"] = []
    base["graduates"] = []
    assert run(base).ok
    before = counts()
    bundle = full_bundle()
    mutate(bundle)
    result = run(bundle)
    assert path in [p for p, _m in result.errors], result.errors
    assert all(m for _p, m in result.errors)
    assert counts() == before


@pytest.mark.django_db
def test_the_unmutated_bundle_passes_every_rule():
    base = full_bundle()
    base["aid_grants"] = []
    assert run(base).ok
    assert run(full_bundle()).ok
    assert AidGrant.objects.count() == 1


@pytest.mark.django_db
def test_a_grant_in_a_bundle_sees_its_household_and_notice_in_the_same_bundle():
    # Everything is new: household, person, notice and grant arrive together.
    result = run(full_bundle())
    assert result.ok, result.errors
    grant = AidGrant.objects.get()
    assert grant.person.household.file_no == "H1"


@pytest.mark.django_db
def test_services_refuse_a_grant_outside_the_file(tree, make_user):
    user = make_user(tree.county_a)
    person = PersonFactory(organisation=tree.county_a)
    SchoolingFactory(person=person, entered_on=datetime.date(2013, 9, 1))
    before = (AidGrant.objects.count(), AidGrant.history.count())
    with pytest.raises(ValidationError) as error:
        aid_grant_create(
            acting_user=user,
            reason="test",
            data={
                "organisation": tree.county_a,
                "person": person,
                "granted_on": datetime.date(2014, 9, 1),
                "amount": Decimal("1000"),
            },
        )
    assert "person" in error.value.message_dict
    assert "依档帮扶" in " ".join(error.value.message_dict["person"])
    assert (AidGrant.objects.count(), AidGrant.history.count()) == before


@pytest.mark.django_db
def test_unsaved_person_and_household_are_judged_as_attached(tree):
    # The batch's pending state: nothing of it is in the database.
    household = Household(
        file_no="NEW", organisation=tree.county_a, kind="worker", applied_on=datetime.date(2014, 1, 1)
    )
    household.filed_on = datetime.date(2014, 2, 1)
    person = Person(name="新人", household=household, organisation=tree.county_a, relationship="child")
    on_file = AidGrant(organisation=tree.county_a, person=person, granted_on=datetime.date(2014, 3, 1), amount=1)
    too_early = AidGrant(organisation=tree.county_a, person=person, granted_on=datetime.date(2014, 1, 15), amount=1)
    with CaptureQueriesContext(connection) as queries:
        problems = list(grant_by_file([on_file, too_early]))
    assert [index for index, _f, _m in problems] == [1]
    assert len(queries) == 0


@pytest.mark.django_db
def test_rules_cost_the_same_queries_for_one_grant_or_many(tree):
    household = HouseholdFactory(organisation=tree.county_a, filed_on=datetime.date(2013, 2, 1))
    persons = [PersonFactory(household=household, organisation=tree.county_a) for _ in range(6)]
    for person in persons:
        SchoolingFactory(person=person, entered_on=datetime.date(2013, 9, 1))

    def grants(n, attach=False):
        return [
            AidGrant(
                organisation_id=tree.county_a.pk,
                person_id=p.pk,
                granted_on=datetime.date(2014, 9, 1),
                amount=Decimal("100"),
                **({"person": Person.objects.get(pk=p.pk)} if attach else {}),
            )
            for p in persons[:n]
        ]

    def cost(rules, batch):
        with CaptureQueriesContext(connection) as queries:
            for rule in rules:
                list(rule(batch))
        return len(queries)

    # This app's rules, given grants by ids only (as a form passes them): they read what they need in bulk.
    mine = [grant_by_file, grant_needs_schooling, amount_is_positive]
    assert cost(mine, grants(1)) == cost(mine, grants(6)) == 3
    # Every registered rule (the 公示 one included), given grants with their persons attached (as the importer does).
    one, six = grants(1, attach=True), grants(6, attach=True)
    assert cost(guards.rules_for(AidGrant), one) == cost(guards.rules_for(AidGrant), six)
    problems = guards.check(AidGrant, six)
    # No notice lists them: each is refused by the 公示 rule only.
    assert sorted(problems) == [0, 1, 2, 3, 4, 5]
    assert all(list(fields) == ["person"] for fields in problems.values())
