"""An attachment costs the same fixed number of queries for 10 persons as for 1,000."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aid.models import AidGrant, FundReceipt, WorkStudyOffer
from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import Graduate, Household, Person, Schooling
from employment.models import Certificate, Institution, Loan, Placement, Service, Training
from stats.engine import compute_return

D = datetime.date

# One query to resolve the reporting unit, then one aggregate per set of rows:
# A1 trainings, referrals, loans, services, job-introduction persons, funds, expenditures;
# A2 graduates, services, trainings, certificates, job fairs, position offers, loans, placements;
# A3 funds, grants, school entries, work-study offers.
QUERIES = {1: 8, 2: 9, 3: 5}


def bulk_records(org, n):
    households = Household.objects.bulk_create(
        Household(
            file_no=f"BULK{i}",
            organisation=org,
            kind="migrant_worker" if i % 2 else "worker",
            applied_on=D(2013, 1, 1),
            filed_on=D(2013, 2, 1),
        )
        for i in range(n)
    )
    people = []
    for i, household in enumerate(households):
        person = Person(name=f"批量{i}", organisation=org, household=household, relationship="child")
        person.id_number = sample_id_number(10_000 + i)
        people.append(person)
    people = Person.objects.bulk_create(people)
    institution = Institution.objects.create(code="BULK", name="批量学校", organisation=org, migrant_demo_base=True)
    day = D(2014, 5, 1)
    Training.objects.bulk_create(
        Training(
            ref=f"BT{i}",
            organisation=org,
            person=p,
            institution=institution,
            type=("skills", "entrepreneurship", "domestic_service")[i % 3],
            category="laid_off",
            started_on=day,
            ended_on=day,
        )
        for i, p in enumerate(people)
    )
    Certificate.objects.bulk_create(
        Certificate(
            ref=f"BC{i}", person=p, issuer="labour_dept", level="intermediate", issued_on=day, via_assessment=True
        )
        for i, p in enumerate(people)
    )
    Placement.objects.bulk_create(
        Placement(
            ref=f"BP{i}",
            organisation=org,
            person=p,
            employer="某公司",
            channel="union_referral",
            category="laid_off",
            employed_on=D(2014, 6, 1),
        )
        for i, p in enumerate(people)
    )
    Loan.objects.bulk_create(
        Loan(
            ref=f"BL{i}",
            organisation=org,
            person=p,
            kind="small_loan",
            category="laid_off",
            lent_on=day,
            amount=Decimal("100.50"),
        )
        for i, p in enumerate(people)
    )
    Service.objects.bulk_create(
        Service(ref=f"BS{i}", organisation=org, person=p, type="internship", served_on=day)
        for i, p in enumerate(people)
    )
    Graduate.objects.bulk_create(
        Graduate(person=p, organisation=org, graduation_year=2014, university="某大学", registered_on=day)
        for p in people
    )
    Schooling.objects.bulk_create(
        Schooling(ref=f"BSC{i}", person=p, stage="primary", school="小学", entered_on=D(2014, 3, 1))
        for i, p in enumerate(people)
    )
    AidGrant.objects.bulk_create(
        AidGrant(ref=f"BG{i}", organisation=org, person=p, granted_on=day, amount=Decimal("500.00"))
        for i, p in enumerate(people)
    )
    FundReceipt.objects.bulk_create(
        FundReceipt(ref=f"BF{i}", organisation=org, programme="student_aid", source="union", received_on=day, amount=1)
        for i in range(n)
    )
    WorkStudyOffer.objects.bulk_create(
        WorkStudyOffer(ref=f"BW{i}", organisation=org, unit_name=f"单位{i % 7}", offered_on=day, posts=1)
        for i in range(n)
    )


@pytest.mark.parametrize("n", [10, 1000])
def test_constant_query_count_per_attachment(tree, n, django_assert_num_queries, django_assert_max_num_queries):
    bulk_records(tree.county_a, n)
    results = {}
    for attachment, count in QUERIES.items():
        with django_assert_num_queries(count), django_assert_max_num_queries(count):
            results[attachment] = compute_return(attachment, year=2014, org_code="410000").values
    # The as-of view of the history tables costs the same queries (bulk rows have no history: zeros).
    moment = timezone.now()
    for attachment, count in QUERIES.items():
        with django_assert_num_queries(count):
            compute_return(attachment, year=2014, org_code="410000", as_of=moment)
    assert results[1]["a1.1"] == n
    assert results[1]["a1.7"] == n
    assert results[1]["a1.1.7"] == n
    assert results[1]["a1.3.amount"] == Decimal("100.50") * n
    assert results[2]["a2.1"] == n
    assert results[2]["a2.2"] == n
    assert results[3]["a3.4.primary_junior"] == n
    assert results[3]["a3.5.persons"] == n // 2
    assert results[3]["a3.7.units"] == 7
