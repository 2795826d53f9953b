"""What the caseworker's most frequent pages cost in queries: the file page and the file search read a
fixed number of queries, however many members, records or matches there are (``docs/benchmarks.md``)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.choices import Role
from tests.factories import (
    AidGrantFactory,
    AnnualReviewFactory,
    AssistanceMeasureFactory,
    CertificateFactory,
    HouseholdFactory,
    LoanFactory,
    NoticeEntryFactory,
    NoticeFactory,
    PersonFactory,
    PlacementFactory,
    SchoolingFactory,
    ServiceFactory,
    TrainingFactory,
)

D = datetime.date


@pytest.fixture
def worker(tree, make_user, client):
    user = make_user(tree.city_a, Role.CASEWORKER, username="zhang")
    client.force_login(user)
    return user


def file_with_records(organisation, members, each, seq):
    """A file of ``members`` members with ``each`` records of every kind per member, one review and one measure."""
    household = HouseholdFactory(organisation=organisation)
    AnnualReviewFactory(household=household)
    AssistanceMeasureFactory(household=household)
    notice = NoticeFactory(organisation=organisation)
    for n in range(members):
        person = PersonFactory(household=household, seq=seq + n)
        for _ in range(each):
            SchoolingFactory(person=person)
            AidGrantFactory(person=person, organisation=organisation)
            TrainingFactory(person=person, organisation=organisation)
            CertificateFactory(person=person)
            PlacementFactory(person=person, organisation=organisation)
            LoanFactory(person=person, organisation=organisation)
            ServiceFactory(person=person, organisation=organisation)
        NoticeEntryFactory(notice=notice, person=person)
    return household


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_file_page_reads_a_fixed_number_of_queries(worker, tree, client):
    small = file_with_records(tree.city_a, members=1, each=1, seq=100)
    large = file_with_records(tree.city_a, members=4, each=3, seq=200)
    bare = HouseholdFactory(organisation=tree.city_a)
    PersonFactory(household=bare, seq=300)
    client.get(reverse("household-detail", args=[bare.pk]))  # the session and the user, once

    small_count, _ = queries(client, reverse("household-detail", args=[small.pk]))
    large_count, page = queries(client, reverse("household-detail", args=[large.pk]))
    bare_count, _ = queries(client, reverse("household-detail", args=[bare.pk]))
    assert small_count == large_count
    assert page.count("第一小学") == 12 and page.count("某某公司") == 12
    # A file without records reads none of its ten lists: one query asks which of them hold a row.
    assert bare_count == large_count - 10


def test_the_file_page_lists_only_the_records_of_the_users_subtree(worker, tree, client, make_user):
    household = HouseholdFactory(organisation=tree.city_a)
    person = PersonFactory(household=household, seq=400)
    AidGrantFactory(person=person, organisation=tree.city_a, amount=Decimal("1234.00"))
    AidGrantFactory(person=person, organisation=tree.city_b, amount=Decimal("4321.00"))  # another city's grant
    page = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    assert "1234.00 元" in page and "4321.00 元" not in page

    client.force_login(make_user(tree.national, Role.ADMINISTRATOR, username="admin"))
    page = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    assert "1234.00 元" in page and "4321.00 元" in page


def search(client, q):
    """The file search as the page sends it: posted, then the results at the URL it answers with."""
    location = client.post(reverse("household-search"), {"q": q})["Location"]
    with CaptureQueriesContext(connection) as captured:
        page = client.get(location).content.decode()
    return len(captured), page


def test_the_file_search_reads_a_fixed_number_of_queries_and_lists_each_file_once(worker, tree, client):
    for n in range(3):
        household = HouseholdFactory(file_no=f"ZHAO-{n}", organisation=tree.county_a)
        PersonFactory(household=household, name="赵大", relationship="head", seq=500 + 2 * n)
        PersonFactory(household=household, name="赵小", seq=501 + 2 * n)
    household = HouseholdFactory(file_no="QIAN-0", organisation=tree.city_a)
    PersonFactory(household=household, name="钱一", relationship="head", seq=510)
    PersonFactory(household=HouseholdFactory(file_no="ZHAO-9", organisation=tree.city_b), name="赵外地", seq=511)
    search(client, "钱")  # the session and the user, once

    one, page = search(client, "钱")
    assert "QIAN-0" in page and "共 1 份档案" in page
    three, page = search(client, "赵")  # two members of each file match, and its number does too
    assert [page.count(f"ZHAO-{n}</a>") for n in range(3)] == [1, 1, 1] and "共 3 份档案" in page
    assert "ZHAO-9" not in page  # another city's file
    assert one == three
