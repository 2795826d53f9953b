"""Benchmark: import a 100,000-row roster (XLSX) through upload, dry run and import.

    .venv/bin/python bench/import_roster.py                    # SQLite, /tmp/bench-roster.sqlite3 (made anew)
    .venv/bin/python bench/import_roster.py --rows 10000
    .venv/bin/python bench/import_roster.py --database-url postgres://postgres@127.0.0.1:5432/bench_roster

The roster is a 就业服务 (services) roster: each row names a new person (name and
ID number) and one service, so 100,000 rows become 200,000 records. Prints the
seconds of each phase and rows per second of the whole.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def roster(rows, *, born=None):
    """The XLSX bytes of a services roster of ``rows`` new persons (``born``: see ``sample_id_number``)."""
    from openpyxl import Workbook

    from beneficiaries.id_numbers import sample_id_number

    def id_number(seq):
        return sample_id_number(seq) if born is None else sample_id_number(seq, born=born)

    book = Workbook(write_only=True)
    sheet = book.create_sheet("就业服务")
    sheet.append(["姓名", "身份证号码", "服务类型", "服务日期", "补贴金额（元）"])
    types = ["职业介绍", "劳务输出", "创业咨询", "法律援助", "求职补贴"]
    for n in range(rows):
        kind = types[n % len(types)]
        sheet.append(
            [
                f"职工{n}",
                id_number(n),
                kind,
                f"2024.{n % 12 + 1}.{n % 28 + 1}",
                "500元" if kind == "求职补贴" else None,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench-roster.sqlite3")
    args = parser.parse_args()
    if args.database_url.startswith("sqlite:////"):
        Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # a laptop's run: development keys
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from casework.services import organisation_create
    from employment.models import Service
    from rosters import services
    from rosters.models import Status

    call_command("migrate", verbosity=0)
    organisation = organisation_create(code="410000", name="河南省总工会", level="province")
    content = roster(args.rows)
    print(f"roster: {args.rows} rows, {len(content) / 1e6:.1f} MB")
    timings = {}
    cpu = time.process_time()
    start = time.perf_counter()
    roster_import = services.roster_upload(
        acting_user=None, organisation=organisation, kind="services", file_name="bench.xlsx", content=content
    )
    timings["upload (read the headers)"] = time.perf_counter() - start
    mark = time.perf_counter()
    roster_import = services.roster_check(roster_import)
    timings["dry run"] = time.perf_counter() - mark
    assert roster_import.status == Status.CHECKED, roster_import.report["problems"][:5]
    mark = time.perf_counter()
    roster_import = services.roster_confirm(roster_import, acting_user=None)
    roster_import = services.roster_import_run(roster_import)
    timings["import"] = time.perf_counter() - mark
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu
    assert roster_import.status == Status.IMPORTED, roster_import.report["problems"][:5]
    assert Service.objects.count() == args.rows
    for phase, seconds in timings.items():
        print(f"{phase:45s} {seconds:8.1f} s")
    print(f"{'total':45s} {total:8.1f} s  ({args.rows / total:,.0f} rows/s)")
    # On a shared machine the wall clock waits for other processes; this process's CPU time does not
    # (a PostgreSQL server's own CPU is not in it).
    print(f"{'CPU of this process':45s} {cpu:8.1f} s  ({args.rows / cpu:,.0f} rows/s)")


if __name__ == "__main__":
    main()
