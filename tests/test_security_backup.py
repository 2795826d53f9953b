"""Backup and restore (docs/backup.md): an online SQLite backup reopens with the same history rows."""

import os
import shutil
import sqlite3
import subprocess

import pytest
from django.db import connection

from beneficiaries import services
from beneficiaries.id_numbers import sample_id_number
from casework.choices import Role
from tests.factories import HouseholdFactory

HISTORY_TABLES = ["beneficiaries_historicalperson", "beneficiaries_historicalhousehold", "casework_historicaluser"]


def _history(conn, table):
    return conn.execute(f"SELECT * FROM {table} ORDER BY history_id").fetchall()  # noqa: S608 - fixed names


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup API; PostgreSQL uses pg_dump")
@pytest.mark.django_db(transaction=True)  # committed data: the backup copies what is on disk
def test_a_restored_sqlite_backup_has_the_same_history(tree, make_user, tmp_path):
    user = make_user(tree.province, Role.ADMINISTRATOR)
    household = HouseholdFactory(organisation=tree.county_a)
    person = services.person_register(
        id_number=sample_id_number(701), name="备份测试", organisation=tree.county_a, acting_user=user
    )
    services.person_update(person, acting_user=user, reason="改名", data={"name": "备份测试二"})
    services.household_update(household, acting_user=user, reason="地址", data={"address": "巩义市"})

    connection.ensure_connection()
    target = tmp_path / "backup.sqlite3"
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()

    # Read back the way Django reads (its column-type converters), to compare row for row.
    restored = sqlite3.connect(target, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for table in HISTORY_TABLES:
            assert _history(restored, table) == _history(connection.connection, table), table
        people = restored.execute(
            "SELECT name, history_type, history_change_reason, history_user_id FROM beneficiaries_historicalperson "
            "ORDER BY history_id"
        ).fetchall()
        assert people == [("备份测试", "+", "register person", user.pk), ("备份测试二", "~", "改名", user.pk)]
    finally:
        restored.close()


def _pg_args(settings_dict, name):
    args = ["-h", settings_dict["HOST"] or "127.0.0.1", "-p", str(settings_dict["PORT"] or 5432)]
    return [*args, "-U", settings_dict["USER"] or "postgres", "-d", name]


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump") or not shutil.which("pg_restore"),
    reason="pg_dump / pg_restore against PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_a_pg_restore_of_a_pg_dump_has_the_same_history(tree, make_user, tmp_path):
    import psycopg

    user = make_user(tree.province, Role.ADMINISTRATOR)
    person = services.person_register(
        id_number=sample_id_number(702), name="备份测试", organisation=tree.county_a, acting_user=user
    )
    services.person_update(person, acting_user=user, reason="改名", data={"name": "备份测试二"})

    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    dump, restored_name = tmp_path / "casework.dump", f"{db['NAME']}_restore"
    run = lambda *cmd: subprocess.run(cmd, check=True, env=env, capture_output=True)  # noqa: E731, S603
    run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", *_pg_args(db, db["NAME"]))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        cursor.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        run("pg_restore", "--no-owner", "--exit-on-error", *_pg_args(db, restored_name), str(dump))
        conninfo = psycopg.conninfo.make_conninfo(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"] or "postgres",
            password=db["PASSWORD"] or None,
            dbname=restored_name,
        )
        with psycopg.connect(conninfo) as restored, connection.cursor() as original:
            for table in HISTORY_TABLES:
                query = f"SELECT * FROM {table} ORDER BY history_id"  # noqa: S608 - fixed names
                original.execute(query)
                assert restored.execute(query).fetchall() == original.fetchall(), table
            names = restored.execute(
                "SELECT name, history_change_reason FROM beneficiaries_historicalperson ORDER BY history_id"
            ).fetchall()
            assert names == [("备份测试", "register person"), ("备份测试二", "改名")]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
