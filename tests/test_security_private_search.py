"""ID searches keep the full number out of every URL (and so out of access logs, browser history and Referer):
the file search and the list filters are posted, and the results' URL carries a short-lived token."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from beneficiaries.id_numbers import mask, sample_id_number
from casework import private_search
from casework.choices import Role
from tests.factories import AidGrantFactory, HouseholdFactory, PersonFactory

NUMBER = sample_id_number(3)
URL_ATTRIBUTES = re.compile(r'(?:href|action|src|hx-get|hx-post|hx-push-url)="([^"]*)"')


@pytest.fixture
def worker(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.CASEWORKER, username="zhang"))
    return client


@pytest.fixture
def files(tree):
    wanted = HouseholdFactory(file_no="ZZ-002", organisation=tree.county_a)
    person = PersonFactory(household=wanted, name="李四", relationship="head", seq=3)
    other = HouseholdFactory(file_no="ZZ-001", organisation=tree.city_a)
    PersonFactory(household=other, name="王建国", relationship="head", seq=1)
    return {"wanted": wanted, "person": person}


def urls_in(html):
    return URL_ATTRIBUTES.findall(html)


def assert_no_number_in_urls(response, number=NUMBER):
    assert number not in response.get("Location", "")
    html = response.content.decode()
    assert all(number not in url for url in urls_in(html)), [u for u in urls_in(html) if number in u]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_file_search_by_full_id_number_finds_the_file_with_the_number_in_no_url(worker, files, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    form = worker.get(reverse("household-search"))
    # The page's form posts, by htmx or without it: nothing typed goes into a query string.
    assert 'method="post"' in form.content.decode() and 'hx-post="/files/"' in form.content.decode()

    posted = worker.post(reverse("household-search"), {"q": NUMBER}, **headers)

    assert posted.status_code == 303  # htmx's request follows it, and pushes the URL it lands on
    location = posted["Location"]
    assert NUMBER not in location and re.fullmatch(r"/files/\?s=[\w-]+", location)
    results = worker.get(location, **headers)
    assert results.status_code == 200
    html = results.content.decode()
    assert "ZZ-002" in html and "ZZ-001" not in html
    assert mask(NUMBER) in html
    assert ("<html" in html) != htmx  # htmx gets only the results
    assert_no_number_in_urls(results)


def test_the_number_is_kept_encrypted_in_the_session_only(worker, files):
    worker.post(reverse("household-search"), {"q": NUMBER})
    stored = json.dumps(dict(worker.session))
    assert NUMBER not in stored and private_search.SESSION_KEY in stored


def test_a_number_in_the_url_itself_is_moved_behind_a_token(worker, files):
    # An old bookmark or a typed address: answered once, by a URL without the number.
    response = worker.get(reverse("household-search"), {"q": NUMBER})
    assert response.status_code == 303 and NUMBER not in response["Location"]
    assert "ZZ-002" in worker.get(response["Location"]).content.decode()


def test_a_token_works_only_in_its_session_and_for_a_while(worker, files, tree, make_user, monkeypatch):
    location = worker.post(reverse("household-search"), {"q": NUMBER})["Location"]

    stranger = Client()
    stranger.force_login(make_user(tree.city_a, Role.CASEWORKER, username="li"))
    refused = stranger.get(location)
    assert refused.status_code == 302 and refused["Location"] == "/files/"
    assert "查询已过期，请重新输入查询条件。" in stranger.get(refused["Location"]).content.decode()

    later = private_search.time.time() + private_search.LIFETIME.total_seconds() + 1
    monkeypatch.setattr(private_search.time, "time", lambda: later)
    expired = worker.get(location)
    assert expired.status_code == 302 and expired["Location"] == "/files/"
    assert "查询已过期，请重新输入查询条件。" in worker.get("/files/").content.decode()


def test_a_list_filter_by_id_number_is_posted_and_its_pages_and_exports_carry_the_token(worker, files, tree):
    person = files["person"]
    AidGrantFactory(person=person, organisation=tree.county_a, amount="500.00")
    for _ in range(60):  # more than a page: the pager's links must not carry the number either
        AidGrantFactory(person=person, organisation=tree.county_a, amount="300.00")
    AidGrantFactory(organisation=tree.city_a, amount="700.00")
    page = worker.get(reverse("grants-list")).content.decode()
    assert 'method="post"' in page and 'hx-post="/aid/grants/"' in page

    posted = worker.post(reverse("grants-list"), {"id_number": NUMBER, "org": "", "sort": "amount"})

    assert posted.status_code == 303
    location = posted["Location"]
    assert NUMBER not in location and "s=" in location and "sort=amount" in location
    results = worker.get(location)
    html = results.content.decode()
    assert "共 61 条" in html and "700.00" not in html
    assert_no_number_in_urls(results)
    links = urls_in(html)
    pager = next(url for url in links if "page=2" in url)
    export = next(url for url in links if "export.csv" in url)
    assert "s=" in pager and "s=" in export
    assert "共 61 条" in worker.get(location + "&page=2").content.decode()
    exported = worker.get(export.replace("&amp;", "&"))
    assert exported.status_code == 200
    assert len(exported.content.decode("utf-8-sig").strip().splitlines()) == 62  # header + 61 grants


def test_the_persons_list_filters_by_id_number_through_the_token(worker, files):
    posted = worker.post(reverse("persons-list"), {"id_number": NUMBER}, HTTP_HX_REQUEST="true")
    assert posted.status_code == 303 and NUMBER not in posted["Location"]
    table = worker.get(posted["Location"], HTTP_HX_REQUEST="true")
    html = table.content.decode()
    assert "<html" not in html and "共 1 条" in html and "李四" in html
    assert_no_number_in_urls(table)


def test_other_filters_stay_in_the_url(worker, files):
    posted = worker.post(reverse("households-list"), {"file_no": "ZZ-002"})
    assert posted["Location"] == "/households/?file_no=ZZ-002"
    assert "共 1 条" in worker.get(posted["Location"]).content.decode()
