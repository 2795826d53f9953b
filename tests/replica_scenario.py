"""The replica test's own process (``tests/test_replica.py``): settings read from its environment.

Run with ``DATABASE_URL`` naming the primary and ``DATABASE_REPLICA_URL`` its
streaming replica (both empty servers made by the test). It migrates the primary,
makes the records of ``tests.test_stats_scenarios.build_a1`` there, waits until
the replica has replayed them, then asks for the returns through the public
entry point (``stats.selectors.return_for``), once as a report path (the replica)
and once pinned to the primary, does the same with a ledger and a bundle export,
files a return, and prints what it saw as JSON.
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

REPLAY_TIMEOUT = 120  # seconds


def wait_for_replay(connections):
    """Wait until the replica has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + REPLAY_TIMEOUT
    while True:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return target
        if time.monotonic() > deadline:
            raise TimeoutError(f"the replica did not replay {target} within {REPLAY_TIMEOUT} s")
        time.sleep(0.05)


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "casework.settings_test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from aid import ledgers
    from beneficiaries.models import Person
    from casework.bundle import export_bundle
    from casework.choices import Level, Role
    from casework.routers import primary_db, replica_alias, reporting_db
    from stats import selectors
    from stats.services import return_file
    from tests.factories import OrganisationFactory, UserFactory
    from tests.test_stats_scenarios import build_a1, values

    assert replica_alias() == "replica", "DATABASE_REPLICA_URL did not make a replica alias"
    call_command("migrate", verbosity=0)

    national = OrganisationFactory(code="100000", name="中华全国总工会", level=Level.NATIONAL)
    province = OrganisationFactory(code="410000", name="河南省总工会", level=Level.PROVINCE, parent=national)
    city_a = OrganisationFactory(code="410100", name="郑州市总工会", level=Level.CITY, parent=province)
    city_b = OrganisationFactory(code="410300", name="洛阳市总工会", level=Level.CITY, parent=province)
    tree = SimpleNamespace(
        national=national,
        province=province,
        city_a=city_a,
        city_b=city_b,
        county_a=OrganisationFactory(code="410181", name="巩义市总工会", level=Level.COUNTY, parent=city_a),
        county_b=OrganisationFactory(code="410381", name="偃师市总工会", level=Level.COUNTY, parent=city_b),
    )
    build_a1(tree)
    officer = UserFactory(organisation=province, role=Role.STATISTICS_OFFICER)
    replayed = wait_for_replay(connections)

    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        in_recovery = cursor.fetchone()[0]

    def read(attachment):
        """The return as a report path reads it, and the queries each server answered meanwhile."""
        with (
            CaptureQueriesContext(connections["replica"]) as on_replica,
            CaptureQueriesContext(connections["default"]) as on_primary,
        ):
            result = selectors.return_for(officer, attachment=attachment, year=2014, org_code="410000")
        return values(result), len(on_replica.captured_queries), len(on_primary.captured_queries)

    out = {"in_recovery": in_recovery, "replayed_lsn": replayed, "returns": {}}
    for attachment in (1, 2, 3):
        from_replica, replica_queries, primary_queries = read(attachment)
        with primary_db(), CaptureQueriesContext(connections["replica"]) as pinned_on_replica:
            from_primary = values(selectors.return_for(officer, attachment=attachment, year=2014, org_code="410000"))
        out["returns"][attachment] = {
            "replica": from_replica,
            "primary": from_primary,
            "replica_queries": replica_queries,
            "primary_queries": primary_queries,
            "replica_queries_when_pinned": len(pinned_on_replica.captured_queries),
        }

    def reports():
        """A ledger, a bundle export and a list read as the exports read it, as JSON text."""
        ledger = ledgers.fund_ledger(officer, province, datetime.date(2014, 1, 1), datetime.date(2014, 12, 31))
        bundle = export_bundle(province)
        with reporting_db():  # as the list exports read: a server-side cursor, in chunks
            persons = [[p.pk, p.name] for p in Person.objects.order_by("pk").iterator(chunk_size=3)]
        return json.dumps(
            {"ledger": [ledger.rows, ledger.totals], "bundle": bundle, "persons": persons},
            default=str,
            ensure_ascii=False,
        )

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        from_replica = reports()
    with primary_db():
        from_primary = reports()
    out["reports"] = {
        "equal": from_replica == from_primary,
        "ledger_rows": len(json.loads(from_replica)["ledger"][0]),
        "bundle_records": sum(len(v) for v in json.loads(from_replica)["bundle"].values() if isinstance(v, list)),
        "replica_queries": len(on_replica.captured_queries),
    }

    with CaptureQueriesContext(connections["replica"]) as filing_on_replica:
        filing = return_file(
            organisation=province,
            attachment=1,
            year=2014,
            preparer="王统计",
            phone="0371-12345678",
            acting_user=officer,
            reason="副本测试",
        )
    out["filing"] = {
        "values": {key: entry["value"] for key, entry in filing.figures["cells"].items()},
        "replica_queries": len(filing_on_replica.captured_queries),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
