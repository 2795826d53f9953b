"""The contract changes of ``returns.md``: internal fund transfers (上级拨付), the advance date (升学日期,
``admitted_on``) of schooling records, and guaranteed loans as A1 loans and 助贷.

Every figure is computed by hand from the records each test makes (comments show the sums).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aid.models import AidGrant, FundReceipt
from beneficiaries.models import Schooling
from casework import guards
from casework.bundle.importer import import_bundle
from casework.choices import Role
from casework.services import record_create
from stats.engine import compute_return
from tests.factories import (
    FundReceiptFactory,
    HouseholdFactory,
    LoanFactory,
    PersonFactory,
    SchoolingFactory,
)
from tests.test_stats_as_of import moment_after_setup
from tests.test_stats_scenarios import values

D = datetime.date


# --- internal transfers (a1.5, a3.1) --------------------------------------------------------------


def build_transfers(tree):
    """Receipts of 2014 (programme ``employment`` unless said), some passed down by another unit."""

    def fund(org, source, amount, *, transferred_from=None, programme="employment"):
        return FundReceiptFactory(
            organisation=org,
            programme=programme,
            source=source,
            received_on=D(2014, 3, 1),
            amount=Decimal(amount),
            transferred_from=transferred_from,
        )

    return {
        # central money reaches the province from the national union, which passes part of it down
        "r1": fund(tree.province, "central_finance", "100000.00", transferred_from=tree.national),
        "r2": fund(tree.county_a, "central_finance", "40000.00", transferred_from=tree.province),
        "r3": fund(tree.county_a, "local_finance", "5000.00"),
        "r4": fund(tree.county_b, "union", "3000.00", transferred_from=tree.city_b),
        "r5": fund(tree.city_a, "union", "2000.00", transferred_from=tree.county_b),  # across, from a sibling
        "r6": fund(tree.county_a, "government", "8000.00", transferred_from=tree.city_a, programme="student_aid"),
        "r7": fund(tree.city_a, "government", "8000.00", transferred_from=tree.province, programme="student_aid"),
        "r8": fund(tree.city_a, "union", "1500.00", programme="student_aid"),
    }


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        # r1 (from the national union, outside) + r3; r2, r4 and r5 moved inside the province
        ("410000", {"a1.5": "10.50", "a1.5.central_finance": "10.00", "a1.5.local_finance": "0.50"}),
        # r2 (from the province, outside) + r3 + r5 (from county B, outside): 47000
        (
            "410100",
            {"a1.5": "4.70", "a1.5.central_finance": "4.00", "a1.5.local_finance": "0.50", "a1.5.union": "0.20"},
        ),
        ("410181", {"a1.5": "4.50", "a1.5.central_finance": "4.00", "a1.5.local_finance": "0.50"}),
        ("410381", {"a1.5": "0.30", "a1.5.union": "0.30"}),  # r4 from city B, above it
        ("100000", {"a1.5": "0.50", "a1.5.local_finance": "0.50"}),  # only r3 came in from outside the union
    ],
)
def test_attachment1_counts_money_passed_down_once(tree, org, expected):
    build_transfers(tree)
    got = values(compute_return(1, year=2014, org_code=org))
    zero = {"a1.5.central_finance": "0.00", "a1.5.local_finance": "0.00", "a1.5.union": "0.00"}
    assert {key: got[key] for key in (*zero, "a1.5")} == {**zero, **expected}


@pytest.mark.parametrize(
    ("org", "a3_1", "government", "union"),
    [
        ("410000", "0.15", "0.00", "0.15"),  # r6 and r7 inside the province: r8 only
        ("410100", "0.95", "0.80", "0.15"),  # r7 from the province + r8; r6 passed inside city A
        ("410181", "0.80", "0.80", "0.00"),  # r6 from city A, above the county
    ],
)
def test_attachment3_counts_money_passed_down_once(tree, org, a3_1, government, union):
    build_transfers(tree)
    got = values(compute_return(3, year=2014, org_code=org))
    assert (got["a3.1"], got["a3.1.government"], got["a3.1.union"]) == (a3_1, government, union)


def test_transfer_recorded_later_changes_now_but_not_as_recorded_before(tree):
    receipts = build_transfers(tree)
    moment = moment_after_setup()
    r3 = receipts["r3"]
    r3.transferred_from = tree.city_a  # a correction: the county's local money came through city A
    r3.save()
    before = values(compute_return(1, year=2014, org_code="410100", as_of=moment))
    now = values(compute_return(1, year=2014, org_code="410100"))
    assert (before["a1.5"], now["a1.5"]) == ("4.70", "4.20")  # 47000, then 47000 - 5000


def test_transferred_from_is_not_the_receiving_unit(tree):
    data = {
        "organisation": tree.county_a,
        "programme": "employment",
        "source": "union",
        "received_on": D(2014, 3, 1),
        "amount": Decimal("1.00"),
        "transferred_from": tree.county_a,
    }
    with pytest.raises(ValidationError) as error:
        record_create(FundReceipt, acting_user=None, reason="test", data=data)
    assert "transferred_from" in error.value.message_dict
    assert not FundReceipt.objects.exists()


def _receipt_bundle(transferred_from):
    return {
        "format": "casework-bundle/1",
        "fund_receipts": [
            {
                "ref": "FR-T1",
                "org": "410181",
                "programme": "employment",
                "source": "central_finance",
                "received_on": "2014-03-01",
                "amount": "40000.00",
                "transferred_from": transferred_from,
            }
        ],
    }


def test_bundle_names_the_unit_above_and_refuses_one_outside_like_an_unknown_code(tree, make_user):
    caseworker = make_user(tree.county_a, Role.CASEWORKER)
    ok = import_bundle(_receipt_bundle("410000"), acting_user=caseworker, reason="test")
    assert ok.errors == []
    assert FundReceipt.objects.get(ref="FR-T1").transferred_from == tree.province

    unknown = import_bundle(_receipt_bundle("999999"), acting_user=caseworker, reason="test", dry_run=True)
    outside = import_bundle(_receipt_bundle("410381"), acting_user=caseworker, reason="test", dry_run=True)
    assert [path for path, _message in unknown.errors] == ["fund_receipts[0].transferred_from"]
    assert [path for path, _message in outside.errors] == ["fund_receipts[0].transferred_from"]
    assert unknown.errors[0][1].replace("999999", "CODE") == outside.errors[0][1].replace("410381", "CODE")


def test_api_names_the_unit_above_and_refuses_one_outside(tree, make_user, client):
    caseworker = make_user(tree.county_a, Role.CASEWORKER)
    client.force_login(caseworker)
    payload = {
        "organisation": "410181",
        "programme": "employment",
        "source": "central_finance",
        "received_on": "2014-03-01",
        "amount": "40000.00",
    }
    above = client.post("/api/v1/fund-receipts/", {**payload, "transferred_from": "410100"}, "application/json")
    assert above.status_code == 201, above.content
    assert above.json()["transferred_from"] == "410100"
    unknown = client.post("/api/v1/fund-receipts/", {**payload, "transferred_from": "999999"}, "application/json")
    outside = client.post("/api/v1/fund-receipts/", {**payload, "transferred_from": "410381"}, "application/json")
    assert unknown.status_code == outside.status_code == 400
    assert list(unknown.json()) == list(outside.json()) == ["transferred_from"]
    assert FundReceipt.objects.count() == 1


# --- the advance date (a3.3, the schooling in force for a grant) ------------------------------------


def build_advances(tree):
    """County A, one household on file since 2013; Attachment 3 at the 08-31 cut-off: P = [2014-01-01, 08-31]."""
    household = HouseholdFactory(organisation=tree.county_a, filed_on=D(2013, 2, 1))
    k1, k2, k3 = (PersonFactory(household=household) for _ in range(3))
    SchoolingFactory(person=k1, stage="senior_secondary", entered_on=D(2011, 9, 1))
    # admitted in July to a university that starts in September: a 2014 advance at the 08-31 cut-off
    SchoolingFactory(person=k1, stage="undergraduate", admitted_on=D(2014, 7, 20), entered_on=D(2014, 9, 1))
    SchoolingFactory(person=k2, stage="primary", entered_on=D(2014, 9, 1))  # no admission date: after C
    # admitted in December for a spring entry: advanced in 2013, not a 2014 advance
    SchoolingFactory(person=k3, stage="junior_secondary", admitted_on=D(2013, 12, 20), entered_on=D(2014, 2, 10))
    return household, k1, k2, k3


def test_advance_date_decides_school_entries_of_the_year(tree):
    build_advances(tree)
    got = values(compute_return(3, year=2014, org_code="410181"))
    assert got["a3.3"] == 1  # k1 (admitted 07-20)
    assert (got["a3.3.primary_junior"], got["a3.3.senior_vocational"], got["a3.3.college_plus"]) == (0, 0, 1)
    annual = values(compute_return(3, year=2014, org_code="410181", cutoff=D(2014, 11, 30)))
    assert annual["a3.3"] == 2  # k1 and k2 (entered 09-01); k3 advanced in 2013
    assert annual["a3.3.primary_junior"] == 1


def test_summer_grant_after_admission_is_in_force_and_in_the_new_stage_group(tree):
    _household, k1, _k2, _k3 = build_advances(tree)
    grant = AidGrant(organisation=tree.county_a, person=k1, granted_on=D(2014, 8, 10), amount=Decimal("3000.00"))
    problems = guards.check(AidGrant, [grant])
    # Only the 公示 rule may still object (no notice in this test); schooling is in force from 07-20.
    assert all(set(fields) <= {"person"} for fields in problems.values())
    assert not any("就学记录" in message for fields in problems.values() for m in fields.values() for message in m)
    grant.save()
    got = values(compute_return(3, year=2014, org_code="410181"))
    assert got["a3.2.college_plus"] == "0.30"  # 3000 in the undergraduate record's group, not senior secondary
    assert got["a3.2.senior_vocational"] == "0.00"
    assert got["a3.4.college_plus"] == 1


def test_grant_before_the_advance_date_has_no_schooling_in_force(tree):
    household = HouseholdFactory(organisation=tree.county_a, filed_on=D(2013, 2, 1))
    child = PersonFactory(household=household)
    SchoolingFactory(person=child, stage="undergraduate", admitted_on=D(2014, 7, 20), entered_on=D(2014, 9, 1))
    grant = AidGrant(organisation=tree.county_a, person=child, granted_on=D(2014, 7, 19), amount=Decimal("1.00"))
    messages = [m for fields in guards.check(AidGrant, [grant]).values() for m in fields.get("person", [])]
    assert any("没有在读的就学记录" in message for message in messages)


def test_admission_after_entry_is_refused(tree):
    child = PersonFactory(organisation=tree.county_a)
    entry = Schooling(
        person=child, stage="primary", school="实验小学", admitted_on=D(2014, 9, 2), entered_on=D(2014, 9, 1)
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "admitted_on" in error.value.message_dict


# --- guaranteed loans are A1 loans and 助贷 (a1.3, a1.4) ---------------------------------------------


def test_guaranteed_loan_is_an_a1_loan_and_assisted(tree):
    person, other = PersonFactory(organisation=tree.county_a), PersonFactory(organisation=tree.county_a)
    LoanFactory(
        person=person,
        organisation=tree.county_a,
        kind="guaranteed_loan",
        category="graduate",
        lent_on=D(2014, 5, 1),
        amount=Decimal("50000.00"),
        jobs_created=2,
    )
    LoanFactory(
        person=other,
        organisation=tree.county_a,
        kind="small_loan",
        category="laid_off",
        lent_on=D(2014, 6, 1),
        amount=Decimal("20000.00"),
        jobs_created=1,
    )
    got = values(compute_return(1, year=2014, org_code="410181"))
    assert (got["a1.3.persons"], got["a1.3.count"], got["a1.3.amount"], got["a1.3.jobs"]) == (2, 2, "7.00", 3)
    assert (got["a1.3.assisted.persons"], got["a1.3.assisted.count"], got["a1.3.assisted.amount"]) == (1, 1, "5.00")
    assert got["a1.4"] == 2  # the small-loan service: both persons


# --- the bundle carries the new fields ------------------------------------------------------------


def test_bundle_round_trips_admission_date_and_transfer(tree):
    from casework.bundle.exporter import export_bundle

    household = HouseholdFactory(organisation=tree.county_a, filed_on=D(2013, 2, 1))
    child = PersonFactory(household=household)
    entry = SchoolingFactory(person=child, stage="undergraduate", admitted_on=D(2014, 7, 20), entered_on=D(2014, 9, 1))
    receipt = FundReceiptFactory(organisation=tree.county_a, transferred_from=tree.province)
    bundle = export_bundle(tree.county_a)
    [school] = [s for s in bundle["schooling"] if s["ref"] == entry.ref]
    [money] = [r for r in bundle["fund_receipts"] if r["ref"] == receipt.ref]
    assert (school["admitted_on"], money["transferred_from"]) == ("2014-07-20", "410000")

    school["admitted_on"] = "2014-07-25"
    result = import_bundle(bundle, acting_user=None, reason="correction")
    assert result.errors == []
    assert result.counts["schooling"]["updated"] == 1
    entry.refresh_from_db()
    assert entry.admitted_on == D(2014, 7, 25)
    assert entry.history.first().history_change_reason == "correction"


def test_bundle_person_outside_any_file_needs_org(tree):
    bundle = {
        "format": "casework-bundle/1",
        "persons": [{"id_number": "11010519491231002X", "name": "李四"}],
    }
    result = import_bundle(bundle, acting_user=None, reason="test")
    assert [path for path, _message in result.errors] == ["persons[0].org"]
    bundle["persons"][0]["org"] = "410181"
    assert import_bundle(bundle, acting_user=None, reason="test").errors == []
