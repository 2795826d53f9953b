"""Hostile API input (issue 9): schemathesis generates requests from the OpenAPI schema the
project serves — valid ones and broken ones (wrong types, missing fields, odd strings, huge
numbers) — for every operation, and sends them through the WSGI application as a signed-in
province administrator. No request may end in a server error, and every response must match
the schema: its content type, and its body for the status codes the schema documents.

Each operation is its own test: schemathesis' coverage phase (boundary and broken values of
every parameter and field), then ``API_FUZZ_EXAMPLES`` random examples (default 20), against a
small file of records so that detail, update and delete operations also meet rows that exist."""

import os
from datetime import date

import pytest
import schemathesis
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.color import no_style
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from casework.choices import Role
from tests.factories import (
    AidGrantFactory,
    CertificateFactory,
    ExpenditureFactory,
    FundReceiptFactory,
    GraduateFactory,
    HouseholdFactory,
    NoticeEntryFactory,
    NoticeFactory,
    PersonFactory,
    PlacementFactory,
    SchoolingFactory,
    TrainingFactory,
    UserFactory,
)

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "20"))
USERNAME, PASSWORD = "fuzz-admin", "fuzz-password"

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True)
schema.app = WSGIHandler()


@pytest.fixture
def fresh_ids(db):
    """Number the rows from 1 on PostgreSQL too (its sequences outlive rolled-back tests, SQLite's
    do not), so that the small ids the generator likes meet the records below on both databases."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


@pytest.fixture
def records(fresh_ids, tree):
    """An administrator of the province and a few records of every kind under a city."""
    UserFactory(username=USERNAME, password=PASSWORD, organisation=tree.province, role=Role.ADMINISTRATOR)
    household = HouseholdFactory(organisation=tree.city_a)
    person = PersonFactory(household=household)
    SchoolingFactory(person=person)
    GraduateFactory(person=PersonFactory(household=household))
    AidGrantFactory(organisation=tree.city_a, person=person, granted_on=date(2024, 9, 1))
    FundReceiptFactory(organisation=tree.city_a)
    ExpenditureFactory(organisation=tree.city_a)
    TrainingFactory(organisation=tree.city_a, person=person)
    CertificateFactory(person=person)
    PlacementFactory(organisation=tree.city_a, person=person)
    NoticeEntryFactory(notice=NoticeFactory(organisation=tree.city_a), person=person)


@pytest.fixture
def wsgi_requests():
    """Keep the test's connection open across requests, as Django's test client does: the
    handler's signals would otherwise close it inside the test transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_api_survives_generated_requests(case, records, wsgi_requests):
    case.call_and_validate(
        auth=(USERNAME, PASSWORD),
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )


@pytest.mark.django_db
def test_nul_character_in_a_unit_code_is_refused_with_the_field_named(tree, client):
    # Found by the run above on PostgreSQL, which cannot compare a NUL with a text column.
    client.force_login(UserFactory(organisation=tree.province, role=Role.ADMINISTRATOR))
    person = PersonFactory(organisation=tree.city_a)
    response = client.post(
        "/api/v1/aid-grants/",
        {"organisation": "410100\x00", "person": person.pk, "granted_on": "2024-09-01", "amount": "100.00"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "organisation" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/api/v1/notices/candidates/", {"org": "410100\x00"}),
        ("get", "/notices/build/", {"org": "\x00"}),
        ("post", "/notices/build/", {"org": "410100", "title": "公示\x00"}),
    ],
)
def test_nul_character_in_a_query_or_form_is_refused(tree, client, method, url, data):
    client.force_login(UserFactory(organisation=tree.province, role=Role.ADMINISTRATOR))
    response = getattr(client, method)(url, data)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()
