"""Load test: caseworkers, reviewers and statistics officers against the production set-up.

Run by ``make load`` (``bench/load.py``): gunicorn with the production settings on 127.0.0.1,
the bench PostgreSQL database, Locust headless for a bounded time. The users and their units come
from ``bench/results/load-fixture.json`` (``bench/load_setup.py``); what each kind of user asks
for, and how often, from ``bench/locust_requests.py``.

Every user signs in through the log-in form (CSRF token, session cookie), as a browser does, and
sends ``X-Forwarded-Proto: https`` as the reverse proxy of ``docs/deployment.md`` would. The
session and CSRF cookies are secure cookies, which an HTTP client keeps to itself over plain
HTTP, so this file carries them by hand.
"""

import itertools
import json
import os
import random
import sys
from http.cookies import SimpleCookie
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import locust_requests as plans  # noqa: E402 (after the path that finds it)

FIXTURE = json.loads(
    Path(os.environ.get("LOAD_FIXTURE", Path(__file__).parent / "results" / "load-fixture.json")).read_text()
)
_numbers = itertools.count()


class SignedInUser(HttpUser):
    abstract = True
    # People read a page before the next click: 1–4 s between requests.
    wait_time = between(1, 4)

    def on_start(self):
        self.number = next(_numbers)
        self.cookies = {}
        self.setup_unit()
        self.call("log-in form", "get", "/login/", expected={200})
        self.call(
            "log in",
            "post",
            "/login/",
            form={"username": self.username, "password": FIXTURE["password"]},
            expected={302},
        )

    # -- requests with the cookies carried by hand -----------------------------------------------

    def headers(self, unsafe):
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if unsafe:
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Origin"] = f"https://{self.host.split('://', 1)[-1].rstrip('/')}"
        return headers

    def call(self, name, method, url, *, form=None, body=None, expected=frozenset({200})):
        unsafe = method != "get"
        kwargs = {}
        if form is not None:
            kwargs["data"] = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        elif body is not None:
            kwargs["json"] = body
        with self.client.request(
            method,
            url,
            name=name,
            headers=self.headers(unsafe),
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            for header in response.raw.headers.getlist("Set-Cookie") if response.raw else []:
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            if response.status_code in expected:
                response.success()
            else:
                response.failure(f"{response.status_code}, expected {sorted(expected)}")
            return response

    def run_plan(self, plan, weights):
        names = [p[0] for p in plan]
        name = random.choices(names, weights=[weights[n] for n in names])[0]
        self.run_one(next(p for p in plan if p[0] == name))

    def run_one(self, step):
        name, method, url, body, expected = step
        if body is not None and body.get("form"):
            form = {k: v for k, v in body.items() if k != "form"}
            response = self.call(name, method, url, form=form, expected=expected)
            if response.status_code in (302, 303) and name == "search files":
                self.call("search results", "get", response.headers["Location"])
            return
        self.call(name, method, url, body=body, expected=expected)


class Caseworker(SignedInUser):
    """Searches files, opens them, pages through persons, records employment services."""

    weight = 70

    def setup_unit(self):
        self.county = FIXTURE["counties"][self.number % len(FIXTURE["counties"])]
        self.username = self.county["caseworker"]

    @task
    def work(self):
        self.run_plan(plans.caseworker(self.county, FIXTURE), plans.CASEWORKER_WEIGHTS)


class Reviewer(SignedInUser):
    """Opens files and takes workflow steps: reopens a closed file and closes it again (脱困退出)."""

    weight = 15

    def setup_unit(self):
        counties = FIXTURE["counties"]
        self.county = counties[self.number % len(counties)]
        self.username = self.county["reviewer"]
        # A slice of the county's closed files of its own, so that two reviewers never step on one file.
        share = (self.number // len(counties)) % 4
        self.closed = [pk for i, pk in enumerate(self.county["closed"]) if i % 4 == share] or self.county["closed"]

    @task
    def work(self):
        plan = plans.reviewer(self.county, FIXTURE, household=random.choice(self.closed))
        weights = plans.REVIEWER_WEIGHTS
        name = random.choices(list(weights), weights=list(weights.values()))[0]
        if name == "reopen and close":
            self.run_one(next(p for p in plan if p[0] == "reopen"))
            self.run_one(next(p for p in plan if p[0] == "close"))
        else:
            self.run_one(next(p for p in plan if p[0] == name))


class StatisticsOfficer(SignedInUser):
    """Returns of the city, their cells' drill-downs, and CSV exports of a county's persons."""

    weight = 15

    def setup_unit(self):
        self.city = FIXTURE["cities"][self.number % len(FIXTURE["cities"])]
        self.username = self.city["officer"]

    @task
    def work(self):
        self.run_plan(plans.officer(self.city, FIXTURE), plans.OFFICER_WEIGHTS)
