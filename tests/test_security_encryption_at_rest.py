"""Encryption at rest: after persons are registered and edited through the API, no plain ID or
phone number is anywhere in the database — neither in the live tables nor in the history tables."""

import sqlite3

import pytest
from django.db import connection

from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import Person
from casework.choices import Role

FIRST, SECOND, CORRECTED = sample_id_number(801), sample_id_number(802), sample_id_number(803)
PHONES = ["13800138001", "13800138002", "13912345678"]
NAME = "加密测试员"


@pytest.fixture
def stored(client, tree, make_user):
    """Two persons registered through the API, then edited: renamed, new phone, corrected ID number."""
    client.force_login(make_user(tree.province, Role.ADMINISTRATOR))
    ids = []
    for number, phone in [(FIRST, PHONES[0]), (SECOND, PHONES[1])]:
        response = client.post(
            "/api/v1/persons/",
            {"id_number": number, "name": NAME, "phone": phone, "organisation": tree.county_a.code},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    for data in [{"name": NAME + "甲", "phone": PHONES[2]}, {"name": NAME + "乙", "id_number": CORRECTED}]:
        response = client.patch(f"/api/v1/persons/{ids[0]}/", data, content_type="application/json")
        assert response.status_code == 200, response.content
    return ids


def test_the_history_keeps_only_ciphertext(stored):
    history = Person.history.filter(id=stored[0]).order_by("history_id")
    assert history.count() == 3
    for row in history.values("id_number_encrypted", "phone_encrypted"):
        for token in row.values():
            assert token.startswith("gAAAA")  # a Fernet token
            assert not any(secret in token for secret in [FIRST, SECOND, CORRECTED, *PHONES])


def _sqlite_bytes(tmp_path):
    # The test database lives in memory: copy it, pages and all, with SQLite's backup API.
    target = sqlite3.connect(tmp_path / "copy.sqlite3")
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return (tmp_path / "copy.sqlite3").read_bytes()


def _postgresql_hits(needle):
    """``table.column`` of every text column in the database whose value contains ``needle``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema()
              AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            """
        )
        columns = cursor.fetchall()
        hits = []
        for table, column in columns:
            qn = connection.ops.quote_name
            cursor.execute(
                f"SELECT 1 FROM {qn(table)} WHERE {qn(column)}::text LIKE %s LIMIT 1",  # noqa: S608 - names from the catalogue
                [f"%{needle}%"],
            )
            if cursor.fetchone():
                hits.append(f"{table}.{column}")
        return hits


@pytest.mark.skipif(connection.vendor != "sqlite", reason="scans the SQLite database file")
@pytest.mark.django_db(transaction=True)  # committed pages: a backup waits for an open write transaction
def test_no_plain_number_anywhere_in_the_sqlite_file(stored, tmp_path):
    data = _sqlite_bytes(tmp_path)
    # The scan sees the data at all: the names are there in plain text.
    assert (NAME + "乙").encode() in data
    for secret in [FIRST, SECOND, CORRECTED, *PHONES]:
        assert secret.encode() not in data, secret


@pytest.mark.skipif(connection.vendor != "postgresql", reason="scans PostgreSQL's catalogue of columns")
def test_no_plain_number_in_any_postgresql_text_column(stored):
    assert "beneficiaries_historicalperson.name" in _postgresql_hits(NAME + "乙")
    for secret in [FIRST, SECOND, CORRECTED, *PHONES]:
        assert _postgresql_hits(secret) == [], secret
