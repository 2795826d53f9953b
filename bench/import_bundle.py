"""Benchmark of the bundle importer: a generated bundle of ~100,000 records, imported into an empty database.

    .venv/bin/python bench/import_bundle.py                   # SQLite (/tmp/bench-import-bundle.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/import_bundle.py
                                                              # SQLite, then PostgreSQL (database bench_import_bundle)
    .venv/bin/python bench/import_bundle.py --records 20000   # a smaller bundle

Every record is valid (resident ID numbers from ``sample_id_number``), every
grant passes the 依档帮扶, schooling and 公示 rules, and the import writes one
history row per record, as the command does. The figure reported is records
per second of ``import_bundle`` (parsing, validation, guard rules, writes); a
second import of the same bundle, which must change nothing, is timed as well.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_URL = "sqlite:////tmp/bench-import-bundle.sqlite3"
PG_NAME = "bench_import_bundle"

# Share of the records per list (persons come three to a household file).
SHARES = {
    "households": 0.08,
    "schooling": 0.08,
    "aid_grants": 0.08,
    "fund_receipts": 0.02,
    "expenditures": 0.02,
    "work_study_offers": 0.01,
    "trainings": 0.15,
    "certificates": 0.05,
    "placements": 0.10,
    "loans": 0.05,
    "services": 0.10,
    "graduates": 0.01,
    "job_fairs": 0.005,
    "position_offers": 0.004,
}
COUNTIES = ["410181", "410182", "410381", "410382"]


def generate(records, *, tag="", born=None):
    """A bundle of about ``records`` records: units, files, persons, schooling, notices and every record type.

    ``tag`` prefixes every unit code, file number and ref, and ``born`` moves the ID numbers'
    birth dates (``sample_id_number``), so that the bundle creates everything even in a database
    that holds other data (``bench/harness.py`` imports it into the benchmark's database).
    """
    counties = [tag + c for c in COUNTIES]
    province, cities = tag + "410000", {c: tag + c for c in ("410100", "410300")}

    def id_number(seq):
        return sample_id_number(seq) if born is None else sample_id_number(seq, born=born)

    from beneficiaries.id_numbers import sample_id_number

    day = datetime.date(2014, 1, 1)

    def on(offset):
        return (day + datetime.timedelta(days=offset % 300)).isoformat()

    n = {name: max(1, int(records * share)) for name, share in SHARES.items()}
    households = n["households"]
    bundle = {
        "format": "casework-bundle/1",
        "organisations": [
            {"code": province, "name": "河南省总工会", "parent": None, "level": "province"},
            {"code": cities["410100"], "name": "郑州市总工会", "parent": province, "level": "city"},
            {"code": cities["410300"], "name": "洛阳市总工会", "parent": province, "level": "city"},
        ]
        + [
            {"code": c, "name": f"县级工会{c}", "parent": c[: len(tag) + 4] + "00", "level": "county"} for c in counties
        ],
    }
    org = [counties[i % len(counties)] for i in range(households)]
    bundle["households"] = [
        {
            "file_no": f"{tag}H{i:07d}",
            "org": org[i],
            "kind": "migrant_worker" if i % 3 else "worker",
            "single_parent_female": i % 7 == 0,
            "hardship_reasons": ["illness"],
            "applied_on": "2013-01-05",
            "filed_on": "2013-02-01",
        }
        for i in range(households)
    ]
    persons = []
    for i in range(households):
        for j, relationship in enumerate(("head", "spouse", "child")):
            persons.append(
                {
                    "id_number": id_number(3 * i + j),
                    "name": f"人员{3 * i + j}",
                    "household": f"{tag}H{i:07d}",
                    "relationship": relationship,
                }
            )
    bundle["persons"] = persons
    child = [id_number(3 * i + 2) for i in range(households)]
    adult = [id_number(3 * i + (i % 2)) for i in range(households)]
    bundle["schooling"] = [
        {
            "ref": f"{tag}S{i}",
            "id_number": child[i],
            "stage": "undergraduate",
            "school": "郑州大学",
            "entered_on": "2013-09-01",
        }
        for i in range(min(n["schooling"], households))
    ]
    granted = min(n["aid_grants"], len(bundle["schooling"]))
    bundle["notices"] = [
        {
            "ref": f"{tag}N{c}",
            "org": c,
            "posted_at": "社区公示栏",
            "starts_on": "2014-03-01",
            "ends_on": "2014-03-07",
            "entries": [{"id_number": child[i], "amount": "2000"} for i in range(granted) if org[i] == c],
        }
        for c in counties
    ]
    bundle["aid_grants"] = [
        {
            "ref": f"{tag}G{i}",
            "org": org[i],
            "id_number": child[i],
            "granted_on": (day + datetime.timedelta(days=240 + i % 60)).isoformat(),
            "amount": "2000.00",
        }
        for i in range(granted)
    ]
    bundle["fund_receipts"] = [
        {
            "ref": f"{tag}F{i}",
            "org": counties[i % 4],
            "programme": "student_aid" if i % 2 else "employment",
            "source": "union",
            "received_on": on(i),
            "amount": "10000",
        }
        for i in range(n["fund_receipts"])
    ]
    bundle["expenditures"] = [
        {
            "ref": f"{tag}E{i}",
            "org": counties[i % 4],
            "programme": "employment",
            "use": "training",
            "spent_on": on(i),
            "amount": 500,
        }
        for i in range(n["expenditures"])
    ]
    bundle["work_study_offers"] = [
        {"ref": f"{tag}W{i}", "org": counties[i % 4], "unit_name": f"单位{i % 50}", "offered_on": on(i), "posts": 2}
        for i in range(n["work_study_offers"])
    ]
    bundle["institutions"] = [
        {"code": f"{tag}I{i}", "name": f"培训机构{i}", "org": counties[i % 4], "designations": ["migrant_demo_base"]}
        for i in range(100)
    ]

    def person_records(name, count, make):
        bundle[name] = [make(i, i % households) for i in range(count)]

    person_records(
        "trainings",
        n["trainings"],
        lambda i, h: {
            "ref": f"{tag}T{i}",
            "org": org[h],
            "id_number": adult[h],
            "institution": f"{tag}I{i % 100}",
            "type": ("skills", "entrepreneurship", "domestic_service")[i % 3],
            "category": "migrant_worker",
            "started_on": on(i),
            "ended_on": on(i),
        },
    )
    person_records(
        "certificates",
        n["certificates"],
        lambda i, h: {
            "ref": f"{tag}C{i}",
            "id_number": adult[h],
            "issuer": "labour_dept",
            "level": "junior",
            "issued_on": on(i),
        },
    )
    person_records(
        "placements",
        n["placements"],
        lambda i, h: {
            "ref": f"{tag}P{i}",
            "org": org[h],
            "id_number": adult[h],
            "employer": "某厂",
            "channel": "union_referral",
            "category": "laid_off",
            "employed_on": on(i),
            "contract_months": 12,
        },
    )
    person_records(
        "loans",
        n["loans"],
        lambda i, h: {
            "ref": f"{tag}L{i}",
            "org": org[h],
            "id_number": adult[h],
            "kind": "small_loan",
            "category": "laid_off",
            "lent_on": on(i),
            "amount": "20000",
            "jobs_created": 1,
        },
    )
    person_records(
        "services",
        n["services"],
        lambda i, h: {
            "ref": f"{tag}V{i}",
            "org": org[h],
            "id_number": adult[h],
            "type": "legal_aid",
            "served_on": on(i),
        },
    )
    bundle["graduates"] = [
        {
            "id_number": child[h],
            "org": org[h],
            "graduation_year": 2014,
            "university": "郑州大学",
            "registered_on": "2014-07-01",
        }
        for h in range(min(n["graduates"], households))
    ]
    bundle["job_fairs"] = [
        {
            "ref": f"{tag}J{i}",
            "org": counties[i % 4],
            "name": "招聘会",
            "held_on": on(i),
            "positions_total": 50,
            "positions_for_graduates": 10,
        }
        for i in range(n["job_fairs"])
    ]
    bundle["position_offers"] = [
        {
            "ref": f"{tag}O{i}",
            "org": counties[i % 4],
            "employer": "国企",
            "employer_type": "state_owned",
            "offered_on": on(i),
            "positions": 5,
        }
        for i in range(n["position_offers"])
    ]
    return bundle


def count_records(bundle):
    lists = sum(len(v) for v in bundle.values() if isinstance(v, list))
    entries = sum(len(notice["entries"]) for notice in bundle["notices"])
    return lists, entries


def run_one(url, records):
    """Migrate an empty database at ``url``, import a generated bundle twice, print and return the figures."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # a laptop's run: development keys
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    from casework.bundle import import_bundle

    call_command("migrate", verbosity=0)
    bundle = generate(records)
    text = json.dumps(bundle, ensure_ascii=False)
    total, entries = count_records(bundle)

    server = server_cpu(connection)
    started, cpu = time.perf_counter(), time.process_time()
    result = import_bundle(json.loads(text), reason="bundle import bench.json")
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    server = server_cpu(connection) - server if server is not None else None
    if not result.ok:
        sys.exit("bundle refused:\n" + "\n".join(result.lines()[:20]))
    history = sum(
        m.history.count() for m in apps.get_models() if hasattr(m, "history") and m._meta.app_label != "casework"
    )
    started = time.perf_counter()
    again = import_bundle(json.loads(text), reason="bundle import bench.json")
    second = time.perf_counter() - started
    unchanged = sum(c["unchanged"] for c in again.counts.values())
    figures = {
        "database": connection.vendor,
        "records": total,
        "notice_entries": entries,
        "history_rows": history,
        "seconds": round(first, 2),
        "records_per_second": round(total / first),
        # On a shared machine the wall clock waits for other processes; the CPU time of this one does not.
        "cpu_seconds": round(first_cpu, 2),
        "records_per_cpu_second": round(total / first_cpu),
        # PostgreSQL: the CPU its server process spent on the import (same machine, from /proc), and
        # the rate on both processes' CPU: what an idle machine's wall clock would show at most.
        "server_cpu_seconds": round(server, 2) if server is not None else None,
        "records_per_cpu_second_with_server": round(total / (first_cpu + server)) if server is not None else None,
        "reimport_seconds": round(second, 2),
        "reimport_unchanged": unchanged,
    }
    print(json.dumps(figures, ensure_ascii=False))
    return figures


def server_cpu(connection):
    """CPU seconds of this connection's PostgreSQL server process so far (None elsewhere, or not readable)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # a server on another machine
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def fresh_postgres(url):
    import psycopg

    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'drop database if exists "{PG_NAME}"')
        conn.execute(f'create database "{PG_NAME}"')
    return f"{server}/{PG_NAME}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one database in this process
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.records)
        return
    targets = []
    Path("/tmp/bench-import-bundle.sqlite3").unlink(missing_ok=True)
    targets.append(SQLITE_URL)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        targets.append(fresh_postgres(os.environ["DATABASE_URL"]))
    for url in targets:
        # One process per database: settings are read once per process.
        subprocess.run([sys.executable, __file__, "--records", str(args.records), "--one", url], check=True)


if __name__ == "__main__":
    main()
