"""What each kind of user of the load test requests (``bench/locustfile.py``), as plain data.

Each function returns ``(name, method, url, body, expected statuses)`` tuples, one per kind of
request, for one user's unit; ``bench/load_setup.py`` runs them all once with Django's test
client before a load test, and the locustfile picks among them with the weights below.
A body is JSON (the API), or form fields when the name starts with "form".
"""

import datetime
import random

# How often each kind of request comes, per kind of user (relative weights).
CASEWORKER_WEIGHTS = {"open file": 5, "search files": 3, "persons list": 2, "add service": 2, "file history": 1}
REVIEWER_WEIGHTS = {"households list": 2, "open file": 3, "reopen and close": 2}
OFFICER_WEIGHTS = {"return": 3, "return cell": 2, "drill-down API": 1, "export county CSV": 1, "households list": 1}


def caseworker(county, fixture, rnd=random):
    household = rnd.choice(county["households"])
    person = rnd.choice(county["persons"])
    today = datetime.date.today().isoformat()
    return [
        ("open file", "get", f"/households/{household}/", None, {200}),
        ("search files", "post", "/files/", {"form": True, "q": rnd.choice(county["names"])}, {302, 303}),
        ("persons list", "get", f"/persons/?org={county['code']}&page={rnd.randint(1, 5)}", None, {200}),
        (
            "add service",
            "post",
            "/api/v1/services/",
            {"person": person, "type": "policy_assistance", "served_on": today, "organisation": county["code"]},
            {201},
        ),
        ("file history", "get", f"/households/{household}/history/", None, {200}),
    ]


def reviewer(county, fixture, rnd=random, household=None):
    closed = household or rnd.choice(county["closed"])
    return [
        ("households list", "get", f"/households/?org={county['code']}", None, {200}),
        ("open file", "get", f"/households/{rnd.choice(county['households'])}/", None, {200}),
        ("reopen", "post", f"/api/v1/households/{closed}/reopen/", {"reason": "负载测试"}, {200}),
        (
            "close",
            "post",
            f"/api/v1/households/{closed}/close/",
            {"closing_code": "out_of_hardship", "closing_reason": "负载测试", "confirm": True},
            {200},
        ),
    ]


def officer(city, fixture, rnd=random):
    year = fixture["year"]
    attachment = rnd.choice([1, 2, 3])
    key = {1: "a1.1", 2: "a2.1", 3: "a3.4"}[attachment]
    county = rnd.choice(city["counties"])
    base = f"attachment={attachment}&year={year}&org={city['code']}"
    return [
        ("return", "get", f"/stats/returns/?{base}", None, {200}),
        ("return cell", "get", f"/stats/returns/cell/?{base}&key={key}", None, {200}),
        ("drill-down API", "get", f"/api/v1/returns/drilldown/?{base}&cell={key}", None, {200}),
        ("export county CSV", "get", f"/persons/export.csv?org={county}", None, {200}),
        ("households list", "get", f"/households/?org={city['code']}", None, {200}),
    ]
