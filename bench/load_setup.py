"""Accounts and sample ids for the load test (``make load``), in a database filled by ``generate_synthetic``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100000 .venv/bin/python bench/load_setup.py

Creates (once) a caseworker and a reviewer in each of up to ``--counties`` counties and a
statistics officer in each city above them, all with the password ``--password``, and writes
``bench/results/load-fixture.json``: the accounts, and per county some household files on record,
closed files (the reviewers reopen and close them again) and persons (the caseworkers add
employment services for them). Then it requests every URL the load test uses, once, with Django's
test client, so that a broken URL fails here rather than as errors in the load figures, and prints
what each request took alone (one user, no load): the floor under the load test's percentiles.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "bench" / "results" / "load-fixture.json"
SAMPLE = 40


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--password", default="load-test-password")
    parser.add_argument(
        "--repeat", type=int, default=1, help="send the requests this many times, over the counties in turn (medians)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from beneficiaries.choices import HouseholdStatus
    from beneficiaries.models import Household, Person
    from casework.choices import Level, Role
    from casework.models import Organisation, User
    from portal import synthetic

    counties = list(Organisation.objects.filter(level=Level.COUNTY).order_by("code"))
    if not counties:
        sys.exit("no counties: fill the database with generate_synthetic first")
    step = max(1, len(counties) // args.counties)
    counties = counties[::step][: args.counties]

    def account(username, unit, role):
        user, created = User.objects.get_or_create(username=username, defaults={"organisation": unit, "role": role})
        if created or not user.check_password(args.password):
            user.set_password(args.password)
            user.save(update_fields=["password"])
        return username

    fixture = {"password": args.password, "year": synthetic.LAST_YEAR, "counties": [], "cities": []}
    cities = {}
    for county in counties:
        in_county = {"organisation__path__startswith": county.path}
        households = Household.objects.filter(**in_county).order_by("id")
        on_file = [h.pk for h in households if h.status == HouseholdStatus.ON_FILE][:SAMPLE]
        closed = [h.pk for h in households if h.status == HouseholdStatus.CLOSED][:SAMPLE]
        persons = list(Person.objects.filter(**in_county).order_by("id").values_list("pk", flat=True)[:SAMPLE])
        fixture["counties"].append(
            {
                "code": county.code,
                "caseworker": account(f"load-cw-{county.code}", county, Role.CASEWORKER),
                "reviewer": account(f"load-rv-{county.code}", county, Role.REVIEWER),
                "households": on_file,
                "closed": closed,
                "persons": persons,
                "names": list(Person.objects.filter(pk__in=persons).values_list("name", flat=True)[:10]),
            }
        )
        cities[county.parent.code] = county.parent
    for code, city in sorted(cities.items()):
        counties_below = [c["code"] for c in fixture["counties"] if c["code"].startswith(code[:4])]
        fixture["cities"].append(
            {
                "code": code,
                "officer": account(f"load-so-{code}", city, Role.STATISTICS_OFFICER),
                "counties": counties_below,
            }
        )
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(fixture, ensure_ascii=False, indent=1))
    print(f"wrote {FIXTURE.relative_to(ROOT)}: {len(fixture['counties'])} counties, {len(fixture['cities'])} cities")
    check(fixture, args.repeat)


def check(fixture, repeat=1):
    """Every request of the load test, ``repeat`` times over the counties in turn (the writes inside a
    transaction that is rolled back); prints what each kind took alone, the median when repeated."""
    import statistics

    from django.db import transaction
    from django.test import Client

    from bench import locust_requests as requests_of
    from casework.models import User

    failures, took = [], {}
    for turn in range(repeat):
        county = fixture["counties"][turn % len(fixture["counties"])]
        city = next(c for c in fixture["cities"] if county["code"] in c["counties"])
        for username, plan in (
            (county["caseworker"], requests_of.caseworker(county, fixture)),
            (county["reviewer"], requests_of.reviewer(county, fixture)),
            (city["officer"], requests_of.officer(city, fixture)),
        ):
            client = Client(HTTP_X_FORWARDED_PROTO="https", enforce_csrf_checks=False)
            client.force_login(User.objects.get(username=username))
            with transaction.atomic():
                for name, method, url, body, expected in plan:
                    if body is None:
                        kwargs = {}
                    elif body.get("form"):
                        kwargs = {"data": {k: v for k, v in body.items() if k != "form"}}
                    else:
                        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
                    started = time.perf_counter()
                    response = getattr(client, method)(url, **kwargs)
                    took.setdefault(f"{name} ({username.split('-')[1]})", []).append(
                        1000 * (time.perf_counter() - started)
                    )
                    if response.status_code not in expected:
                        failures.append(f"{username} {name}: {method.upper()} {url} -> {response.status_code}")
                    if name == "search files" and response.status_code in expected:  # and its results page
                        started = time.perf_counter()
                        client.get(response["Location"])
                        took.setdefault("search results (cw)", []).append(1000 * (time.perf_counter() - started))
                transaction.set_rollback(True)
    if failures:
        sys.exit("the load test's requests fail:\n  " + "\n  ".join(failures))
    print(f"every request of the load test answers as expected; alone, each took ({repeat} times, median):")
    for name, ms in took.items():
        print(f"  {name:<26} {statistics.median(ms):8.0f} ms")


if __name__ == "__main__":
    main()
