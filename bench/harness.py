"""The measured operations of the benchmark, against the database Django is configured for.

Each operation is timed ``repeat`` times (the median is reported) and its queries
are counted with ``CaptureQueriesContext``. An operation whose feature is not in
the tree yet is reported as "not available" with the reason, and one that raises
as "failed", so the harness itself never breaks while the features grow.

Import only after ``django.setup()``; ``bench/run.py`` is the command line.
"""

import base64
import contextlib
import datetime
import importlib
import io
import json
import os
import platform
import re
import statistics
import tempfile
import time
from urllib.parse import urlencode

from django.core.management import call_command, get_commands
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone

from beneficiaries.models import Household, Person
from casework.choices import Level, Role
from casework.models import Organisation, User

BENCH_USERNAME = "bench-officer"
# Birth date of the generated import's ID numbers: before any person of the synthetic data.
IMPORT_BORN = datetime.date(1901, 1, 1)


class NotAvailable(Exception):
    """The feature this operation measures is not in the tree (yet)."""


def machine():
    """Where the figures come from: platform, CPUs, memory, database and its version."""
    memory = ""
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        elif connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            version = connection.vendor
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory": memory,
        "database": version,
        "vendor": connection.vendor,
    }


class TimedOut(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds):
    """Abort the database statement that runs longer than ``seconds`` (PostgreSQL and SQLite)."""
    if not seconds:
        yield
        return
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        # SET LOCAL inside its own transaction (a savepoint under a test): a cancelled
        # statement rolls it back together with the setting.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{int(seconds * 1000)}"])
            yield
    elif connection.vendor == "sqlite":
        deadline = time.monotonic() + seconds
        raw = connection.connection
        raw.set_progress_handler(lambda: time.monotonic() > deadline, 100_000)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)
    else:
        yield


def _is_timeout(exc):
    text = str(exc).lower()
    return "statement timeout" in text or "interrupted" in text


def measure(label, operation, *, repeat, timeout=None):
    """Run ``operation`` ``repeat`` times: median seconds and the queries of one run.

    A statement running longer than ``timeout`` seconds is cancelled and the
    operation reported as "timed out" (a query shape that does not scale).
    """
    timings, queries = [], None
    try:
        setup = getattr(operation, "setup", None)
        if setup is not None:
            setup()  # what the operation needs first (not measured)
        for _ in range(repeat):
            with time_limit(timeout), CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                detail = operation()
                timings.append(time.perf_counter() - started)
            queries = len(captured.captured_queries)
    except NotAvailable as exc:
        return {"operation": label, "status": "not available", "detail": str(exc)}
    except Exception as exc:  # the harness reports a broken feature instead of stopping
        if timeout and _is_timeout(exc):
            return {"operation": label, "status": "timed out", "detail": f"cancelled after {timeout:.0f} s"}
        return {"operation": label, "status": "failed", "detail": f"{type(exc).__name__}: {exc}"[:300]}
    return {
        "operation": label,
        "status": "ok",
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "queries": queries,
        "runs": repeat,
        "detail": detail or "",
    }


class Bench:
    """The operations, bound to one database filled by ``generate_synthetic``."""

    def __init__(self, *, year, repeat=3, timeout=None, import_records=10_000, roster_rows=2_000):
        self.year = year
        self.import_records = import_records
        self.roster_rows = roster_rows
        self.repeat = repeat
        self.timeout = timeout
        self.province = Organisation.objects.get(code="410000")
        self.city = Organisation.objects.filter(level=Level.CITY, parent=self.province).order_by("code").first()
        self.county = Organisation.objects.filter(level=Level.COUNTY, parent=self.city).order_by("code").first()
        self.user = self._user()
        self.client = Client()
        self.client.force_login(self.user)

    def _user(self):
        user, created = User.objects.get_or_create(
            username=BENCH_USERNAME,
            defaults={"organisation": self.province, "role": Role.STATISTICS_OFFICER, "first_name": "基准测试"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def units(self):
        return [("province", self.province), ("city", self.city), ("county", self.county)]

    # ---- returns ---------------------------------------------------------------------------

    def stats_return(self, attachment, org, as_recorded_at=None):
        def run():
            if "stats_return" in get_commands():
                args = ["--attachment", str(attachment), "--year", str(self.year), "--org", org.code]
                args += ["--format", "json"]
                if as_recorded_at:
                    args += ["--as-recorded-at", as_recorded_at]
                out = io.StringIO()
                call_command("stats_return", *args, stdout=out)
                cells = json.loads(out.getvalue())["cells"]
            else:
                engine = _module("stats.engine")
                if engine is None or not hasattr(engine, "compute_return"):
                    raise NotAvailable("no stats_return command and no stats.engine.compute_return")
                as_of = datetime.datetime.fromisoformat(as_recorded_at) if as_recorded_at else None
                cells = engine.compute_return(attachment, year=self.year, org_code=org.code, as_of=as_of).as_dict()[
                    "cells"
                ]
            first = next(iter(cells))
            return f"{len(cells)} cells, {first} = {cells[first]['value']}"

        return run

    # ---- drill-down ------------------------------------------------------------------------

    def drill_down(self, attachment, key, org):
        """The drill-down API (the cell's records and persons, first 500 of each)."""

        def run():
            try:
                url = reverse("api-return-drilldown")
            except NoReverseMatch:
                raise NotAvailable("no drill-down API (api-return-drilldown)") from None
            query = f"?attachment={attachment}&year={self.year}&org={org.code}&cell={key}"
            data = self._get(url + query).json()
            records = sum(part["record_count"] for part in data["parts"])
            persons = sum(part["person_count"] for part in data["parts"])
            return f"{key}: {records} records, {persons} persons"

        return run

    # ---- API and pages ---------------------------------------------------------------------

    def _get(self, url):
        response = self.client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    def persons_first_page(self, org):
        def run():
            data = self._get(f"/api/v1/persons/?org={org.code}").json()
            return f"{data['count']} persons, page of {len(data['results'])}"

        return run

    def persons_deep_page(self, org):
        page = {}

        def setup():
            count = self._get(f"/api/v1/persons/?org={org.code}&page_size=1").json()["count"]
            page["number"] = max(1, int(count / 50 * 0.8))

        def run():
            data = self._get(f"/api/v1/persons/?org={org.code}&page={page['number']}").json()
            return f"page {page['number']:,} (50 a page), {len(data['results'])} rows"

        run.setup = setup
        return run

    # ---- lists at 10^6: first and deep pages, web and API, numbered and by cursor ---------------

    LISTS = {"persons": Person, "households": Household}

    def _subtree(self, model, org):
        return model.objects.filter(organisation__path__startswith=org.path)

    def list_page(self, resource, org, *, web=False, deep=False):
        """``/api/v1/<resource>/?org=`` (or the web list ``/<resource>/?org=``), page 1 or the page at 80 %."""
        page = {"number": 1}
        base = f"/{resource}/?org={org.code}" if web else f"/api/v1/{resource}/?org={org.code}"

        def setup():
            if deep:
                page["number"] = max(1, int(self._subtree(self.LISTS[resource], org).count() / 50 * 0.8))

        def run():
            response = self._get(f"{base}&page={page['number']}")
            if web:
                html = response.content.decode()
                total = "约" if "约" in html.split('class="list-tools"', 1)[-1][:400] else "exact"
                return f"page {page['number']:,} (50 a page), total {total}, {len(response.content):,} bytes"
            data = response.json()
            estimated = " (estimated)" if data.get("count_estimated") else ""
            return f"page {page['number']:,}, {len(data['results'])} rows of {data['count']:,}{estimated}"

        run.setup = setup
        return run

    def list_cursor(self, resource, org):
        """``?cursor=`` at 80 % of the subtree's rows in id order (the cursor a walk would hold there)."""
        target = {}

        def setup():

            rows = self._subtree(self.LISTS[resource], org).order_by("id").values_list("id", flat=True)
            position = rows[int(rows.count() * 0.8)]
            cursor = base64.b64encode(urlencode({"p": str(position)}).encode()).decode()
            target["url"] = f"/api/v1/{resource}/?org={org.code}&{urlencode({'cursor': cursor})}"

        def run():
            data = self._get(target["url"]).json()
            return f"{len(data['results'])} rows after id at 80 %, next {'yes' if data['next'] else 'no'}"

        run.setup = setup
        return run

    # ---- API authentication: a password per request against a token -------------------------------

    def api_read_with(self, scheme):
        """``GET /api/v1/me/`` with no session: HTTP Basic (the password hasher's cost on every request)
        or an API token (one indexed lookup)."""
        header = {}

        def setup():
            from django.contrib.auth.hashers import get_hasher

            from casework.models import ApiToken
            from casework.services import api_token_create

            account, _created = User.objects.get_or_create(
                username="bench-api", defaults={"organisation": self.county, "role": Role.CASEWORKER}
            )
            if scheme == "basic":
                account.set_password("bench-api-password")  # the installation's first hasher (Argon2)
                account.save(update_fields=["password"])
                token = base64.b64encode(b"bench-api:bench-api-password").decode()
                header["HTTP_AUTHORIZATION"] = f"Basic {token}"
                header["hasher"] = get_hasher().algorithm
            else:
                ApiToken.objects.filter(user=account, name="bench").delete()
                _token, secret = api_token_create(name="bench", user=account, acting_user=None)
                header["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

        def run():
            response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=header["HTTP_AUTHORIZATION"])
            if response.status_code != 200:
                raise RuntimeError(f"GET /api/v1/me/ answered {response.status_code}")
            return f"password hasher {header['hasher']}" if scheme == "basic" else "SHA-256 lookup"

        run.setup = setup
        return run

    def household_page(self):
        """The household file page (the UI's, else the API's detail) of a county household with members."""
        target = {}

        def setup():
            households = Household.objects.filter(
                organisation__path__startswith=self.county.path, members__isnull=False
            )
            pk = households.order_by("pk").values_list("pk", flat=True).first()
            target["url"] = f"/households/{pk}/"
            try:
                resolve(target["url"])
            except Resolver404:
                target["url"] = f"/api/v1/households/{pk}/"

        def run():
            response = self._get(target["url"])
            return f"{target['url']} ({len(response.content)} bytes)"

        run.setup = setup
        return run

    def _role_client(self, role):
        """A test client logged in as a province user of ``role`` (made once, like the bench officer)."""
        user, created = User.objects.get_or_create(
            username=f"bench-{role}", defaults={"organisation": self.province, "role": role, "first_name": "基准测试"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        client = Client()
        client.force_login(user)
        return user, client

    def home_page(self, role):
        """The home page of a province user of ``role``: the role's work lists (the indicators load after it)."""
        target = {}

        def setup():
            target["user"], target["client"] = self._role_client(role)

        def run():
            response = target["client"].get("/")
            if response.status_code != 200:
                raise RuntimeError(f"GET / answered {response.status_code}")
            return f"/ ({len(response.content)} bytes)"

        run.setup = setup
        return run

    def home_indicators(self, cached):
        """The indicators fragment the home page loads: the day's first view computes Attachments 1 and 2
        of the province (the cache entry is dropped before each run), a later view reads the cache."""
        target = {}

        def setup():
            try:
                target["url"] = reverse("home-indicators")
            except NoReverseMatch:
                raise NotAvailable("no home indicators fragment (home-indicators)") from None
            target["user"], target["client"] = self._role_client(Role.STATISTICS_OFFICER)
            target["client"].get(target["url"])

        def run():
            if not cached:
                from django.core.cache import cache

                from portal.selectors import indicators_cache_key

                cache.delete(indicators_cache_key(target["user"].organisation_id, timezone.localdate()))
            response = target["client"].get(target["url"])
            if response.status_code != 200:
                raise RuntimeError(f"GET {target['url']} answered {response.status_code}")
            return f"{target['url']} ({len(response.content)} bytes)"

        run.setup = setup
        return run

    def notice_builder(self, org, **filters):
        """The notice builder (生成公示名单) of ``org``, as a province reviewer: the first page of its eligible
        persons, with their total, school, stage and standard (one paged query and one count)."""
        target = {}

        def setup():
            try:
                target["url"] = reverse("notices:build")
            except NoReverseMatch:
                raise NotAvailable("no notice builder page") from None
            target["user"], target["client"] = self._role_client(Role.REVIEWER)

        def run():
            url = f"{target['url']}?{urlencode({'org': org.code, **filters})}"
            response = target["client"].get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            html = response.content.decode()
            total = re.search(r'class="pager-total">([^<]+)<', html)
            rows = html.count('name="amount_')
            return f"{total.group(1) if total else '?'} eligible, page of {rows}"

        run.setup = setup
        return run

    # ---- bundles ---------------------------------------------------------------------------

    def bundle_export(self, org, path):
        def run():
            if "export_bundle" not in get_commands():
                raise NotAvailable("no export_bundle command")
            call_command("export_bundle", *_export_args(org, path), stdout=io.StringIO())
            with open(path, encoding="utf-8") as bundle:
                data = json.load(bundle)
            return f"{org.code}: {sum(len(v) for v in data.values() if isinstance(v, list))} records"

        return run

    def bundle_import(self, path):
        def run():
            if "import_bundle" not in get_commands():
                raise NotAvailable("no import_bundle command")
            if not os.path.exists(path):
                raise NotAvailable("no exported bundle to import")
            call_command("import_bundle", path, stdout=io.StringIO(), stderr=io.StringIO())
            return "re-import of the exported bundle (no changes)"

        return run

    # ---- imports that create records --------------------------------------------------------

    def bundle_import_new(self, records):
        """A generated bundle of new records (units, files, persons, every record type) imported with one
        history row per record, then rolled back (``dry_run``: every write is made, then undone)."""
        bundle = {}

        def setup():
            from bench import import_bundle as generator

            # Codes, refs and birth dates of their own: nothing in the benchmark's data is touched.
            data = generator.generate(records, tag="B", born=IMPORT_BORN)
            bundle["text"] = json.dumps(data, ensure_ascii=False)
            bundle["records"] = generator.count_records(data)[0]

        def run():
            from casework.bundle import import_bundle

            started, cpu = time.perf_counter(), time.process_time()
            result = import_bundle(json.loads(bundle["text"]), reason="bench: bundle import", dry_run=True)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            if not result.ok:
                raise RuntimeError("bundle refused: " + "; ".join(result.lines()[:3]))
            created = sum(counts["created"] for counts in result.counts.values())
            if created != bundle["records"]:
                raise RuntimeError(f"{created} of {bundle['records']} records created")
            return (
                f"{created} records created with history (rolled back), {created / seconds:,.0f} records/s "
                f"({created / cpu:,.0f} per CPU second of this process)"
            )

        run.setup = setup
        return run

    def roster_import_new(self, rows):
        """A services roster of new persons: upload, dry run, confirm and import, then rolled back."""
        roster = {}

        def setup():
            from bench import import_roster as generator

            roster["content"] = generator.roster(rows, born=IMPORT_BORN)

        def run():
            from employment.models import Service
            from rosters import services
            from rosters.models import Status

            with transaction.atomic():
                before = Service.objects.count()
                started, cpu = time.perf_counter(), time.process_time()
                upload = services.roster_upload(
                    acting_user=None,
                    organisation=self.county,
                    kind="services",
                    file_name="bench.xlsx",
                    content=roster["content"],
                )
                checked = services.roster_check(upload)
                if checked.status != Status.CHECKED:
                    raise RuntimeError(f"roster check: {checked.status} {checked.report.get('problems', [])[:3]}")
                done = services.roster_import_run(services.roster_confirm(checked, acting_user=None))
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                if done.status != Status.IMPORTED or Service.objects.count() - before != rows:
                    raise RuntimeError(f"roster import: {done.status} {done.report.get('problems', [])[:3]}")
                transaction.set_rollback(True)
            return (
                f"{rows} rows ({2 * rows} records) checked and imported (rolled back), {rows / seconds:,.0f} rows/s "
                f"({rows / cpu:,.0f} per CPU second of this process)"
            )

        run.setup = setup
        return run

    # ---- everything ------------------------------------------------------------------------

    def operations(self, workdir):
        cutoff_moment = f"{self.year}-09-15T12:00:00+08:00"
        bundle = os.path.join(workdir, f"bundle-{self.county.code}.json")
        ops = []
        for attachment in (1, 2, 3):
            for level, org in self.units():
                ops.append((f"return A{attachment} {level} {org.code}", self.stats_return(attachment, org)))
        for attachment in (1, 2, 3):
            ops.append(
                (
                    f"return A{attachment} province --as-recorded-at {cutoff_moment}",
                    self.stats_return(attachment, self.province, cutoff_moment),
                )
            )
        if connection.vendor == "postgresql":
            # PostgreSQL's JIT compiles the large FILTER aggregates of an as-of return for seconds.
            for attachment in (1, 3):
                ops.append(
                    (
                        f"return A{attachment} province --as-recorded-at {cutoff_moment} (jit off)",
                        _without_jit(self.stats_return(attachment, self.province, cutoff_moment)),
                    )
                )
        ops += [
            ("drill-down a1.1 province", self.drill_down(1, "a1.1", self.province)),
            ("drill-down a3.4 city", self.drill_down(3, "a3.4", self.city)),
            (f"API persons ?org={self.city.code} first page", self.persons_first_page(self.city)),
            (f"API persons ?org={self.city.code} deep page", self.persons_deep_page(self.city)),
            (f"API persons ?org={self.province.code} deep page", self.persons_deep_page(self.province)),
        ]
        for resource in ("persons", "households"):
            for org in (self.city, self.province):
                name = f"{resource} ?org={org.code}"
                ops += [
                    (f"list API {name} page 1", self.list_page(resource, org)),
                    (f"list API {name} page at 80 %", self.list_page(resource, org, deep=True)),
                    (f"list API {name} cursor at 80 %", self.list_cursor(resource, org)),
                    (f"list web {name} page 1", self.list_page(resource, org, web=True)),
                    (f"list web {name} page at 80 %", self.list_page(resource, org, web=True, deep=True)),
                ]
        ops += [
            ("API read /api/v1/me/ with HTTP Basic", self.api_read_with("basic")),
            ("API read /api/v1/me/ with a token", self.api_read_with("token")),
            ("household file page", self.household_page()),
            ("home page caseworker (province)", self.home_page(Role.CASEWORKER)),
            ("home page reviewer (province)", self.home_page(Role.REVIEWER)),
            ("home page statistics officer (province)", self.home_page(Role.STATISTICS_OFFICER)),
            ("home indicators, first view of the day (province)", self.home_indicators(cached=False)),
            ("home indicators, cached (province)", self.home_indicators(cached=True)),
            (f"notice builder province {self.province.code} first page", self.notice_builder(self.province)),
            (f"notice builder city {self.city.code} first page", self.notice_builder(self.city)),
            (
                f"notice builder province {self.province.code} 小学和初中",
                self.notice_builder(self.province, stage_group="primary_junior"),
            ),
            (f"bundle export county {self.county.code}", self.bundle_export(self.county, bundle)),
            (f"bundle import county {self.county.code}", self.bundle_import(bundle)),
            (f"bundle import {self.import_records:,} new records", self.bundle_import_new(self.import_records)),
            (f"roster import {self.roster_rows:,} new rows", self.roster_import_new(self.roster_rows)),
        ]
        return ops

    def run(self, log=print, only=None):
        """Measure every operation (or those whose label contains one of ``only``)."""
        results = []
        with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
            for label, operation in self.operations(workdir):
                if only and not any(part in label for part in only):
                    continue
                row = measure(label, operation, repeat=self.repeat, timeout=self.timeout)
                log(_line(row))
                results.append(row)
        return results


def _without_jit(operation):
    def run():
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        try:
            return operation()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")

    return run


def _export_args(org, path):
    """Arguments of ``export_bundle`` for one unit's subtree, following the command's own options."""
    command = importlib.import_module(f"{get_commands()['export_bundle']}.management.commands.export_bundle").Command()
    parser = command.create_parser("manage.py", "export_bundle")
    options = {a.dest for a in parser._actions}
    args = []
    if "org" in options:
        args += ["--org", org.code]
    if "output" in options:
        args += ["--output", path]
    elif "path" in options:
        args += [path]
    return args


def _module(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _line(row):
    if row["status"] == "ok":
        return f"{row['operation']:<60} {row['median_ms']:>10.1f} ms {row['queries']:>5} q  {row['detail']}"
    return f"{row['operation']:<60} {row['status']}: {row['detail']}"


def counts():
    """Rows per table that the benchmark reads, for the report."""
    return {"persons": Person.objects.count(), "households": Household.objects.count()}
