"""The API takes no full resident ID number in a URL: persons are found by ``POST /api/v1/persons/search/``.

A query string is written to access logs, proxies and histories; the web pages post their ID searches
(``casework.private_search``) and the API does the same.
"""

import pytest
from rest_framework.test import APIClient

from casework.choices import Role
from tests.factories import AidGrantFactory, PersonFactory, TrainingFactory


@pytest.fixture
def api(tree, make_user):
    client = APIClient()
    client.force_authenticate(make_user(tree.county_a, Role.CASEWORKER))
    return client


def test_search_finds_the_person_of_the_subtree_with_the_number_masked(api, tree):
    local = PersonFactory(organisation=tree.county_a, name="张三")
    response = api.post("/api/v1/persons/search/", {"id_number": local.id_number.lower()}, format="json")
    assert response.status_code == 200
    assert [(row["id"], row["name"]) for row in response.json()] == [(local.pk, "张三")]
    assert local.id_number not in response.content.decode()  # masked, as every API answer
    assert response.json()[0]["id_number_masked"] == local.id_number_masked


def test_a_person_of_another_unit_is_found_like_an_unknown_number(api, tree):
    other = PersonFactory(organisation=tree.county_b)
    outside = api.post("/api/v1/persons/search/", {"id_number": other.id_number}, format="json")
    unknown = api.post("/api/v1/persons/search/", {"id_number": "11010519491231002X"}, format="json")
    assert outside.status_code == unknown.status_code == 200
    assert outside.json() == unknown.json() == []


@pytest.mark.parametrize("resource", ["persons", "aid-grants", "trainings"])
def test_an_id_number_in_the_query_string_is_refused_not_ignored(api, tree, resource):
    person = PersonFactory(organisation=tree.county_a)
    AidGrantFactory(person=person, organisation=tree.county_a)
    TrainingFactory(person=person, organisation=tree.county_a)
    response = api.get(f"/api/v1/{resource}/", {"id_number": person.id_number})
    assert response.status_code == 400
    assert "POST /api/v1/persons/search/" in response.json()["id_number"][0]


def test_the_schema_offers_no_id_number_query_parameter(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    names = {
        parameter["name"]
        for path in schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "query"
    }
    assert "id_number" not in names
    assert "/api/v1/persons/search/" in schema["paths"]
