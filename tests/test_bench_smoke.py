"""A small run of the benchmark harness, so that it cannot rot between real runs."""

import json

import pytest
from django.core.management import get_commands
from django.db import connection
from django.urls import NoReverseMatch, reverse

from bench import harness
from bench import run as bench_run
from portal import synthetic


@pytest.fixture
def results(db):
    synthetic.generate(persons=300, seed=2)
    bench = harness.Bench(year=synthetic.LAST_YEAR, repeat=1, import_records=400, roster_rows=30)
    return bench.run(log=lambda line: None)


def test_every_operation_is_measured_or_reported_missing(results):
    by_label = {row["operation"]: row for row in results}
    # 9 returns, 3 as recorded (plus 2 without JIT on PostgreSQL), 2 drill-downs, 4 API/page reads, 2 bundles,
    # 2 imports of new records, 20 list pages (persons and households, city and province, API numbered and cursor,
    # web), 2 API log-ins, 3 role home pages and the indicators computed and cached, 3 notice builder pages
    assert len(by_label) == len(results) == (54 if connection.vendor == "postgresql" else 52)
    for row in results:
        assert row["status"] in ("ok", "not available"), row
        if row["status"] == "ok":
            assert row["median_ms"] >= 0
            assert row["queries"] >= 1
    # the pages and the API exist in this tree: they must be measured, not skipped
    for label in (
        "API persons ?org=410100 first page",
        "API persons ?org=410100 deep page",
        "API persons ?org=410000 deep page",
        "household file page",
        "API read /api/v1/me/ with HTTP Basic",
        "API read /api/v1/me/ with a token",
    ):
        assert by_label[label]["status"] == "ok", by_label[label]
    lists = [row for label, row in by_label.items() if label.startswith("list ")]
    assert len(lists) == 20 and all(row["status"] == "ok" for row in lists), lists
    returns = [row for label, row in by_label.items() if label.startswith("return ")]
    assert len(returns) == (14 if connection.vendor == "postgresql" else 12)
    if "stats_return" in get_commands():
        assert all(row["status"] == "ok" for row in returns), returns
        assert "cells, a1.1 = " in by_label["return A1 province 410000"]["detail"]
    # features that exist in the tree are measured, not skipped
    try:
        reverse("api-return-drilldown")
    except NoReverseMatch:
        pass
    else:
        assert by_label["drill-down a1.1 province"]["status"] == "ok", by_label["drill-down a1.1 province"]
    for command, label in (("export_bundle", "bundle export county 410102"), ("import_bundle", "bundle import")):
        if command in get_commands():
            row = next(row for name, row in by_label.items() if name.startswith(label))
            assert row["status"] == "ok", row


def test_imports_create_every_record_and_leave_nothing_behind(results):
    from beneficiaries.models import Person
    from casework.models import Organisation
    from rosters.models import RosterImport

    bundle = next(row for row in results if row["operation"].startswith("bundle import 400 new records"))
    roster = next(row for row in results if row["operation"].startswith("roster import 30 new rows"))
    assert bundle["status"] == roster["status"] == "ok", (bundle, roster)
    assert "records created with history (rolled back)" in bundle["detail"] and "records/s" in bundle["detail"]
    assert roster["detail"].startswith("30 rows (60 records) checked and imported (rolled back)")
    # rolled back: the generated persons (born 1901), services and the roster import are gone again
    assert not Person.objects.filter(name__startswith="人员").exists()
    assert not Person.objects.filter(name__startswith="职工").exists()
    assert not RosterImport.objects.exists()
    assert not Organisation.objects.filter(code__startswith="B").exists()


def test_persons_first_page_counts_the_city_subtree(results):
    from beneficiaries.models import Person

    row = next(r for r in results if r["operation"] == "API persons ?org=410100 first page")
    expected = Person.objects.filter(organisation__path__startswith="100000/410000/410100/").count()
    assert row["detail"] == f"{expected} persons, page of {min(expected, 50)}"


def test_machine_and_markdown(results, db):
    machine = harness.machine()
    assert machine["cpus"] >= 1 and machine["database"]
    result = {
        "backend": "sqlite",
        "persons": 300,
        "measured_at": "now",
        "machine": machine,
        "generation": {"seconds": 1.0, "seed": 2, "counts": {"beneficiaries.Person": 300}},
        "repeat": 1,
        "rows": results,
    }
    text = bench_run.render([json.loads(json.dumps(result))])
    assert "### sqlite — 300 persons" in text
    assert "Person 300" in text
    for row in results:
        assert f"| {row['operation']} |" in text


def test_a_failing_operation_is_reported_not_raised(db):
    def broken():
        raise RuntimeError("boom")

    row = harness.measure("broken", broken, repeat=2)
    assert row == {"operation": "broken", "status": "failed", "detail": "RuntimeError: boom"}

    def missing():
        raise harness.NotAvailable("no such feature")

    assert harness.measure("missing", missing, repeat=1)["status"] == "not available"
    calls = []
    row = harness.measure("counted", lambda: calls.append(1) or "done", repeat=3)
    assert (row["status"], row["runs"], row["queries"], row["detail"], len(calls)) == ("ok", 3, 0, "done", 3)


def test_only_measures_the_chosen_operations(db):
    synthetic.generate(persons=150, seed=4)
    bench = harness.Bench(year=synthetic.LAST_YEAR, repeat=1)
    rows = bench.run(log=lambda line: None, only=["household file", "A2 county"])
    assert [row["operation"] for row in rows] == ["return A2 county 410102", "household file page"]


def test_a_statement_over_the_time_limit_is_cancelled(db):
    def slow():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("select pg_sleep(10)")
            else:
                cursor.execute(
                    "with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000000000) "
                    "select count(*) from n"
                )

    row = harness.measure("slow", slow, repeat=1, timeout=1)
    assert row == {"operation": "slow", "status": "timed out", "detail": "cancelled after 1 s"}
    # the connection is usable afterwards, without a time limit
    with connection.cursor() as cursor:
        cursor.execute("select 1")
        assert cursor.fetchone() == (1,)


def test_rewriting_the_results_keeps_the_tables_of_runs_whose_results_are_not_here():
    text = (
        f"# B\n\n{bench_run.BEGIN}\n### sqlite — 10,000 persons\n\nMeasured then.\n\n| a | 1 |\n\n"
        f"### postgres — 1,000,000 persons\n\n| b | 2 |\n\n{bench_run.END}\nprose\n"
    )
    kept = bench_run._tables_without_results(text, {("sqlite", 10000)})
    assert list(kept) == [("postgres", 1000000)]
    assert kept[("postgres", 1000000)] == "### postgres — 1,000,000 persons\n\n| b | 2 |\n\n"
