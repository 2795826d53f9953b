"""Lists of millions: the API's cursor walk, estimated totals, deep pages by key (casework.paging)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from beneficiaries.models import Person
from casework import paging
from casework.choices import Role
from tests.factories import PersonFactory


@pytest.fixture
def persons(tree):
    own = [PersonFactory(organisation=tree.county_a) for _ in range(7)]
    PersonFactory(organisation=tree.county_b)
    return own


@pytest.fixture
def api(tree, make_user):
    client = APIClient()
    client.force_authenticate(make_user(tree.city_a, Role.CASEWORKER))
    return client


def test_a_cursor_walk_gives_every_row_of_the_subtree_once_in_id_order(api, persons):
    seen, url, pages = [], "/api/v1/persons/?cursor=&page_size=3&ordering=-name", 0
    while url:
        body = api.get(url).json()
        assert "count" not in body and "count_estimated" not in body
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert seen == sorted(p.pk for p in persons)
    assert pages == -(-len(persons) // 3)


def test_numbered_pages_stay_as_they_were_with_an_exact_count_on_small_lists(api, persons):
    body = api.get("/api/v1/persons/", {"page_size": 3, "page": 2}).json()
    assert (body["count"], body["count_estimated"]) == (len(persons), False)
    assert [row["id"] for row in body["results"]] == sorted(p.pk for p in persons)[3:6]


def test_the_schema_documents_both_ways_of_paging(client, tree, make_user):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/persons/"]["get"]["parameters"]}
    assert {"page", "page_size", "cursor"} <= names
    listed = schema["components"]["schemas"]["PaginatedPersonList"]["properties"]
    assert listed["count_estimated"]["type"] == "boolean"


def _estimating(monkeypatch, estimate):
    monkeypatch.setattr(paging, "planner_estimate", lambda queryset: estimate)
    monkeypatch.setattr(paging, "ESTIMATE_ABOVE", 0)


def test_a_large_estimate_is_shown_as_one_and_becomes_exact_at_the_end(monkeypatch, persons):
    queryset = Person.objects.order_by("id")
    real = queryset.count()
    _estimating(monkeypatch, real + 10)
    paginator = paging.ListPaginator(queryset, 3)
    first = paginator.page(1)
    assert (paginator.count, paginator.estimated) == (real + 10, True)
    assert [p.pk for p in first] == list(queryset.values_list("pk", flat=True)[:3])
    # a page past the real end shows the real last page, and the total is then exact
    past = paging.ListPaginator(queryset, 3).page(4)
    assert (past.paginator.count, past.paginator.estimated) == (real, False)
    assert past.number == -(-real // 3) and not past.has_next()
    # the real last page, reached by number, makes the total exact too
    last = paging.ListPaginator(queryset, 3).page(-(-real // 3))
    assert (last.paginator.count, last.paginator.estimated, last.has_next()) == (real, False, False)


def test_an_estimate_that_falls_short_still_leads_to_the_next_page(monkeypatch, persons):
    queryset = Person.objects.order_by("id")
    _estimating(monkeypatch, 3)
    page = paging.ListPaginator(queryset, 3).page(1)
    assert page.has_next() and page.paginator.estimated
    second = paging.ListPaginator(queryset, 3).page(2)
    assert [p.pk for p in second] == list(queryset.values_list("pk", flat=True)[3:6])


@pytest.mark.parametrize("order", ["id", "-id", "name"])
def test_a_deep_page_by_key_holds_the_same_rows_in_the_same_order(monkeypatch, persons, order):
    queryset = Person.objects.select_related("organisation").order_by(order, "pk")
    expected = [p.pk for p in queryset[3:6]]
    monkeypatch.setattr(paging, "DEEP_FROM", 0)
    assert [p.pk for p in paging.ListPaginator(queryset, 3).page(2)] == expected


def test_the_web_list_says_about_when_the_total_is_estimated(monkeypatch, client, tree, make_user, persons):
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    exact = client.get("/persons/").content.decode()
    assert f"共 {len(persons)} 条" in exact and "约" not in exact
    from casework import listing

    monkeypatch.setattr(listing, "PAGE_SIZE", 3)
    _estimating(monkeypatch, 5000)
    estimated = client.get("/persons/").content.decode()
    assert "约 5000 条" in estimated and f"第 1 / 约 {-(-5000 // 3)} 页" in estimated


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_postgresql_gives_an_estimate_of_the_right_order(persons):
    estimate = paging.planner_estimate(Person.objects.all())
    assert isinstance(estimate, int) and estimate >= 1


def test_sqlite_counts_exactly(persons):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    assert paging.planner_estimate(Person.objects.all()) is None


def test_a_capped_count_stops_at_its_limit_and_pages_go_on_to_the_real_end(persons):
    queryset = Person.objects.order_by("name", "id")
    real = queryset.count()
    assert real > 4 and real % 3
    paginator = paging.ListPaginator(queryset, 3, count_limit=4)
    first = paginator.page(1)
    assert (paginator.count, paginator.estimated, paginator.at_least) == (4, True, True)
    assert [p.pk for p in first] == list(queryset.values_list("pk", flat=True)[:3])
    # the real last page, reached by number or past the end, makes the total exact
    for number in (-(-real // 3), -(-real // 3) + 5):
        last = paging.ListPaginator(queryset, 3, count_limit=4).page(number)
        assert (last.paginator.count, last.paginator.at_least, last.has_next()) == (real, False, False)
        assert [p.pk for p in last] == list(queryset.values_list("pk", flat=True)[(last.number - 1) * 3 :])
    # a list within the limit is counted exactly
    within = paging.ListPaginator(queryset, 3, count_limit=real)
    assert (within.count, within.estimated, within.at_least) == (real, False, False)


def test_the_pager_says_at_least_when_the_count_stopped(rf, persons):
    from django.template.loader import render_to_string

    page = paging.ListPaginator(Person.objects.order_by("id"), 2, count_limit=3).page(1)
    html = render_to_string("casework/_pager.html", {"page": page, "request": rf.get("/")})
    assert "3 条以上" in html and "第 1 页（2 页以上）" in html and "共 3 条" not in html and "约" not in html


def test_a_short_first_page_is_the_whole_list_and_is_not_counted(persons):
    from django.test.utils import CaptureQueriesContext

    queryset = Person.objects.order_by("id")
    everyone = list(queryset.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        page = paging.ListPaginator(queryset, len(everyone) + 1).get_page("1")
        assert (page.paginator.count, page.paginator.estimated, page.paginator.num_pages) == (len(everyone), False, 1)
        assert [p.pk for p in page] == everyone and not page.has_next()
    assert len(queries) == 1  # the rows: no EXPLAIN, no COUNT
    with CaptureQueriesContext(connection) as queries:
        page = paging.ListPaginator(queryset.none(), 5).get_page(None)
        assert (page.paginator.count, list(page)) == (0, [])
    # A full first page is counted as before, and its rows are read once; other pages as before.
    full = paging.ListPaginator(queryset, 3).get_page(1)
    assert [p.pk for p in full] == everyone[:3] and full.paginator.count == len(everyone) and full.has_next()
    assert [p.pk for p in paging.ListPaginator(queryset, 3).get_page(2)] == everyone[3:6]
    last = paging.ListPaginator(queryset, 3).get_page(99)
    assert last.number == 3 and [p.pk for p in last] == everyone[6:]
