"""The load test of ``make load``: gunicorn with the production settings, Locust headless, bounded in time.

    .venv/bin/python bench/load.py --persons 100000 --users 50 --rate 10 --time 2m --workers 5

1. The bench PostgreSQL database ``bench_<persons>`` (``make bench BENCH_BACKENDS=postgres
   BENCH_PERSONS=<persons>`` fills it) gets the load test's accounts (``bench/load_setup.py``).
2. gunicorn serves ``casework.wsgi`` on 127.0.0.1 only, DEBUG off, with the keys the data was
   encrypted with (``.local-keys.json`` of a development run, passed as the environment
   variables of production) and its static files collected (once; ``--collectstatic`` again).
3. Locust runs ``bench/locustfile.py`` headless: ``--users`` users arriving ``--rate`` a second,
   for ``--time``; the CSV statistics go to ``bench/results/load-<persons>-u<users>_*.csv``.
4. gunicorn is stopped, and the table of percentiles is printed.
"""

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def production_env(url, port):
    keys = json.loads((ROOT / ".local-keys.json").read_text())
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "casework.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "CASEWORK_ENCRYPTION_KEYS": ",".join(keys["encryption_keys"]),
            "CASEWORK_BLIND_INDEX_KEY": keys["blind_index_key"],
        }
    )
    return env


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (127.0.0.1 only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def summary(prefix):
    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        return
    print(f"\n{'request':<28} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}  (ms)")
    with path.open() as stats:
        for row in csv.DictReader(stats):
            print(
                f"{(row['Type'] + ' ' + row['Name'])[:28]:<28} {row['Request Count']:>7} {row['Failure Count']:>5} "
                f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6} {float(row['Max Response Time']):>7.0f}"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100000)
    parser.add_argument("--database-url", help="default: bench_<persons> on the local PostgreSQL server")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=10, help="users started per second")
    parser.add_argument("--time", default="2m", help="how long Locust runs (Locust's --run-time)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--collectstatic", action="store_true", help="collect the static files again")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["Caseworker", "Reviewer", "StatisticsOfficer"],
        help="run only these kinds of user (bench/locustfile.py's classes, in their proportions)",
    )
    parser.add_argument(
        "--steady",
        action="store_true",
        help="count only the steady state: the statistics restart once every user has signed in (Locust's "
        "--reset-stats), so the log-ins and the ramp-up are left out",
    )
    args = parser.parse_args()
    url = args.database_url or f"{PG_SERVER}/bench_{args.persons}"
    python = sys.executable
    RESULTS.mkdir(exist_ok=True)
    setup_env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1"}
    subprocess.run([python, "bench/load_setup.py"], cwd=ROOT, env=setup_env, check=True)
    env = production_env(url, args.port)
    if args.collectstatic or not (ROOT / "staticfiles" / "staticfiles.json").exists():
        # whitenoise compresses every file: minutes on a busy machine, so only when asked or missing
        subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    bind = f"127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "casework.wsgi", "-w", str(args.workers), "-b", bind, "--timeout", "120"],
        cwd=ROOT,
        env=env,
    )
    kinds = "-" + "-".join(args.only) if args.only else ""
    prefix = RESULTS / f"load-{args.persons}-u{args.users}{kinds}{'-steady' if args.steady else ''}"
    try:
        wait_for(f"http://{bind}/login/")
        locust = [python, "-m", "locust", "-f", "bench/locustfile.py", "--headless", "--only-summary"]
        locust += ["-u", str(args.users), "-r", str(args.rate), "-t", args.time, "--stop-timeout", "10"]
        locust += ["--host", f"http://{bind}", "--csv", str(prefix), "--exit-code-on-error", "0"]
        if args.steady:
            locust.append("--reset-stats")
        locust += args.only or []
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        subprocess.run(locust, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
        print(f"\nload test of {started}: {args.users} users, {args.workers} workers, {args.persons:,} persons")
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary(prefix)


if __name__ == "__main__":
    main()
