"""Benchmark: synthetic data at 10^4–10^6 persons, on SQLite and PostgreSQL.

    .venv/bin/python bench/run.py --persons 10000                      # SQLite, /tmp/bench-10000.sqlite3
    .venv/bin/python bench/run.py --persons 10000 100000 --backend sqlite postgres
    .venv/bin/python bench/run.py --persons 1000000 --backend postgres --repeat 1

Each (backend, size) runs in its own process against its own database (created,
migrated and filled with ``generate_synthetic`` when empty, reused when it
already holds that many persons), writes ``bench/results/<backend>-<size>.json``
and, at the end, the results table of ``docs/benchmarks.md`` is rebuilt from
every results file. ``--database-url`` overrides the database of a single run.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def default_url(backend, persons):
    if backend == "sqlite":
        return f"sqlite:////tmp/bench-{persons}.sqlite3"
    return f"{PG_SERVER}/bench_{persons}"


def ensure_postgres_database(url):
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')


def run_one(args):
    """One backend and size, in this process."""
    url = args.database_url or default_url(args.backend, args.persons)
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # a laptop's run: development keys
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import harness
    from beneficiaries.models import Person
    from portal import synthetic

    try:
        call_command("migrate", verbosity=0)
    except Exception as exc:
        # Migrations edited after a reused database applied them: measure the schema it has
        # (operations needing a missing table report "failed"), but never generate into it.
        if not Person.objects.exists():
            raise
        print(f"warning: migrate failed ({exc}); measuring the database as it is", flush=True)
    out = RESULTS / f"{args.backend}-{args.persons}.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    have = Person.objects.count()
    generation = previous.get("generation")
    if have == 0:
        print(f"generating {args.persons} persons into {url} …", flush=True)
        started = time.monotonic()
        counts = synthetic.generate(persons=args.persons, seed=args.seed, log=lambda m: print("  " + m, flush=True))
        generation = {"seconds": round(time.monotonic() - started, 1), "seed": args.seed, "counts": counts}
        if connection.vendor == "postgresql":
            # The generator analyses; a vacuum also sets the visibility map, without which an index-only
            # scan still reads every row's table page until autovacuum comes round.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM")
        # keep what the generation took even if measuring fails later
        RESULTS.mkdir(exist_ok=True)
        out.write_text(json.dumps({**previous, "generation": generation}, ensure_ascii=False, indent=1))
    elif have != args.persons:
        sys.exit(f"{url} holds {have} persons, not {args.persons}: use a fresh database")
    bench = harness.Bench(
        year=synthetic.LAST_YEAR,
        repeat=args.repeat,
        timeout=args.timeout,
        import_records=args.import_records,
        roster_rows=args.roster_rows,
    )
    rows = bench.run(only=args.only)
    if args.only and previous.get("rows"):
        # a partial run replaces only the rows it measured
        fresh = {row["operation"]: row for row in rows}
        kept = [fresh.pop(row["operation"], row) for row in previous["rows"]]
        rows = kept + list(fresh.values())
    RESULTS.mkdir(exist_ok=True)
    result = {
        "backend": args.backend,
        "persons": args.persons,
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": harness.machine(),
        "generation": generation,
        "repeat": args.repeat,
        "rows": rows,
    }
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"wrote {out.relative_to(ROOT)}")


def render(results):
    """The markdown of the results section."""
    lines = []
    for result in results:
        m = result["machine"]
        lines += [
            f"### {result['backend']} — {result['persons']:,} persons",
            "",
            f"Measured {result['measured_at']} on {m['platform']}, {m['cpus']} CPUs, {m['memory']} memory, "
            f"{m['database']}, Python {m['python']}; median of {result['repeat']} run(s).",
            "",
        ]
        generation = result.get("generation")
        if generation:
            total = sum(generation["counts"].values())
            lines += [
                f"Generation (seed {generation['seed']}): {generation['seconds']:.0f} s for {total:,} records "
                f"(plus one history row each): "
                + ", ".join(f"{label.split('.')[1]} {n:,}" for label, n in generation["counts"].items())
                + ".",
                "",
            ]
        lines += ["| operation | median ms | queries | note |", "|---|---:|---:|---|"]
        for row in result["rows"]:
            if row["status"] == "ok":
                lines.append(f"| {row['operation']} | {row['median_ms']:.1f} | {row['queries']} | {row['detail']} |")
            else:
                lines.append(f"| {row['operation']} | — | — | {row['status']}: {row['detail']} |")
        lines.append("")
    return "\n".join(lines)


def _tables_without_results(text, present):
    """``{(backend, persons): markdown}`` of the tables in the results section of ``text`` not in ``present``."""
    if BEGIN not in text or END not in text:
        return {}
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    tables = {}
    parts = ("\n" + block.strip("\n")).split("\n### ")[1:]
    for part in parts:
        heading = part.split("\n", 1)[0]
        backend, _sep, size = heading.partition(" — ")
        try:
            key = (backend.strip(), int(size.split()[0].replace(",", "")))
        except (ValueError, IndexError):
            continue
        if key not in present:
            tables[key] = "### " + part.rstrip("\n") + "\n\n"
    return tables


def write_doc():
    order = {"sqlite": 0, "postgres": 1}
    results = [json.loads(p.read_text()) for p in RESULTS.glob("*.json")]
    results = [r for r in results if "machine" in r]  # a generation whose measuring never finished
    results.sort(key=lambda r: (r["persons"], order.get(r["backend"], 9)))
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    # bench/results/ is not committed: the tables of runs whose results file is not here stay as they are.
    kept = _tables_without_results(text, {(r["backend"], r["persons"]) for r in results})
    rendered = {(r["backend"], r["persons"]): render([r]) for r in results}
    tables = sorted({**kept, **rendered}.items(), key=lambda item: (item[0][1], order.get(item[0][0], 9)))
    section = f"{BEGIN}\n{''.join(table for _key, table in tables)}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Results\n\n" + section + "\n"
    DOC.write_text(text)
    print(f"updated {DOC.relative_to(ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, nargs="+", default=[10000])
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="the database of a single run (one size, one backend)")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument("--timeout", type=float, default=120, help="cancel a statement after this many seconds")
    parser.add_argument("--only", nargs="+", help="measure only operations whose label contains one of these")
    parser.add_argument(
        "--import-records", type=int, default=10_000, help="records of the generated bundle imported (rolled back)"
    )
    parser.add_argument("--roster-rows", type=int, default=2_000, help="rows of the roster imported (rolled back)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        args.persons, args.backend = args.persons[0], args.backend[0]
        return run_one(args)
    if args.database_url and len(args.persons) * len(args.backend) > 1:
        parser.error("--database-url needs a single size and backend")
    failed = False
    for persons in args.persons:
        for backend in args.backend:
            command = [sys.executable, __file__, "--one", "--persons", str(persons), "--backend", backend]
            command += ["--seed", str(args.seed), "--repeat", str(args.repeat), "--timeout", str(args.timeout)]
            command += ["--import-records", str(args.import_records), "--roster-rows", str(args.roster_rows)]
            if args.database_url:
                command += ["--database-url", args.database_url]
            if args.only:
                command += ["--only", *args.only]
            failed |= subprocess.run(command, check=False).returncode != 0
    if not args.no_doc:
        write_doc()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
