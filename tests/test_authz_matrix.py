"""Authorization matrix, generated from the URL configuration.

Every URL the project serves (API, web pages, admin) must have a rule in
``RULES``; a new endpoint without one fails ``test_every_url_has_a_rule`` with
its route. The rules are then driven as requests:

* anonymous: every URL but the public ones is refused (log-in redirect, 401/403/405);
* role × subtree: a user of county A in each role requests a record recorded in
  county A (own subtree) and the same kind of record recorded in county B
  (a sibling subtree); the sibling's record is never reached (403/404), the own
  record answers 200 to the roles the rule allows and 403/404 to the others.
"""

import json
import re
from dataclasses import dataclass, field

import pytest
from django.urls import URLResolver, get_resolver

from casework.choices import Role
from stats.services import return_file
from tests.factories import (
    AidGrantFactory,
    AnnualReviewFactory,
    AssistanceMeasureFactory,
    AssistancePlanFactory,
    CertificateFactory,
    ExpenditureFactory,
    FundReceiptFactory,
    GraduateFactory,
    HouseholdFactory,
    InstitutionFactory,
    JobFairFactory,
    LoanFactory,
    NoticeFactory,
    ObjectionFactory,
    PairingFactory,
    PersonFactory,
    PlacementFactory,
    PositionOfferFactory,
    ReturnSubmissionFactory,
    SchoolingFactory,
    ServiceFactory,
    TrainingFactory,
    WorkStudyOfferFactory,
)

ALL_ROLES = frozenset(Role.values)
REVIEWERS = frozenset({Role.REVIEWER, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class Rule:
    """``kind``: public | page (no record) | record (GET one record) | action (a request on one
    record whose outcome depends on its state: only the sibling is checked) | anonymous (only the
    anonymous check: no record to make here) | admin."""

    kind: str
    model: str = ""
    roles: frozenset = ALL_ROLES
    params: dict = field(default_factory=dict)  # path parameters and query string
    data: dict = field(default_factory=dict)  # the body of an action
    method: str = "get"


PUBLIC = Rule("public")
PAGE = Rule("page")


def page(**params):
    return Rule("page", params=params)


def record(model, roles=ALL_ROLES, **params):
    return Rule("record", model=model, roles=roles, params=params)


def action(model, method="post", data=None, **params):
    return Rule("action", model=model, params=params, data=data or {}, method=method)


def anonymous_only(**params):
    return Rule("anonymous", params=params)


def listing(slug, model, *, edit=True):
    """The four URLs of a record type in casework.listing (list, export, add, edit)."""
    rules = {f"{slug}/": PAGE, f"{slug}/export.<fmt>": page(fmt="csv"), f"{slug}/new/": PAGE}
    if edit:
        rules[f"{slug}/<pk>/edit/"] = record(model)
    return rules


def api(resource, model):
    return {f"api/v1/{resource}/": PAGE, f"api/v1/{resource}/<pk>/": record(model)}


# The expected table, as of the URLs that existed when it was written. A new URL
# needs a line here: decide who may reach it, and the matrix checks it.
RULES = {
    "login/": PUBLIC,
    "logout/": PUBLIC,
    "password/": PAGE,
    "i18n/setlang/": PUBLIC,
    "api/schema/": PAGE,
    "api/docs/": PAGE,
    "api/v1/": PAGE,
    "api/v1/me/": PAGE,
    "api/v1/bundles/import/": anonymous_only(),  # POST of a bundle file
    "api/v1/organisations/": PAGE,
    "api/v1/organisations/<pk>/": record("casework.Organisation"),
    **api("persons", "beneficiaries.Person"),
    "api/v1/persons/<pk>/reveal/": record("beneficiaries.Person", REVIEWERS, purpose="核对"),
    "api/v1/persons/search/": anonymous_only(),  # POST of an ID number (tests/test_api_id_search.py)
    **api("households", "beneficiaries.Household"),
    "api/v1/households/<pk>/review/": action("beneficiaries.Household"),
    "api/v1/households/<pk>/notice/": action("beneficiaries.Household"),
    "api/v1/households/<pk>/file/": action("beneficiaries.Household"),
    "api/v1/households/<pk>/close/": action("beneficiaries.Household"),
    "api/v1/households/<pk>/return/": action("beneficiaries.Household", data={"return_reason": "缺材料"}),
    "api/v1/households/<pk>/reopen/": action("beneficiaries.Household", data={"reason": "误办"}),
    **api("annual-reviews", "beneficiaries.AnnualReview"),
    **api("schooling", "beneficiaries.Schooling"),
    **api("graduates", "beneficiaries.Graduate"),
    **api("notices", "notices.Notice"),
    "api/v1/notices/candidates/": PAGE,
    "api/v1/notices/<pk>/objections/": record("notices.Notice"),
    "api/v1/notices/<pk>/objections/<objection_id>/decide/": action("notices.Notice", data={"upheld": "false"}),
    "api/v1/notices/<pk>/pdf/": record("notices.Notice"),
    "api/v1/notices/<pk>/photo/": action("notices.Notice", method="get"),  # 404 until a photo is attached
    "api/v1/notices/<pk>/publish/": action("notices.Notice"),
    "api/v1/notices/<pk>/replace/": action("notices.Notice"),
    "api/v1/notices/<pk>/withdraw/": action("notices.Notice", data={"withdrawn_reason": "撤回"}),
    **api("fund-receipts", "aid.FundReceipt"),
    **api("expenditures", "aid.Expenditure"),
    **api("aid-grants", "aid.AidGrant"),
    **api("work-study-offers", "aid.WorkStudyOffer"),
    **api("assistance-measures", "aid.AssistanceMeasure"),
    **api("institutions", "employment.Institution"),
    **api("trainings", "employment.Training"),
    **api("certificates", "employment.Certificate"),
    **api("placements", "employment.Placement"),
    **api("loans", "employment.Loan"),
    **api("services", "employment.Service"),
    **api("job-fairs", "employment.JobFair"),
    **api("position-offers", "employment.PositionOffer"),
    **api("assistance-plans", "employment.AssistancePlan"),
    **api("pairings", "employment.Pairing"),
    "api/v1/returns/": anonymous_only(),  # figures of a unit's subtree: tests/stats
    "api/v1/returns/drilldown/": anonymous_only(),
    "api/v1/indicators/": anonymous_only(),
    "api/v1/deadlines/": page(year=2024, org="410181"),
    "api/v1/filings/": PAGE,
    "api/v1/filings/<pk>/": record("stats.ReturnFiling"),
    "api/v1/filings/<pk>/difference/": record("stats.ReturnFiling"),
    "api/v1/filings/<pk>/export/": record("stats.ReturnFiling", **{"as": "html"}),
    "api/v1/filings/<pk>/reproduction/": record("stats.ReturnFiling"),
    "api/v1/submissions/": PAGE,
    "api/v1/submissions/board/": page(attachment=1, year=2014, org="410181"),
    "api/v1/submissions/deadline/": anonymous_only(),  # POST only: tests/test_stats_levels_web.py
    "api/v1/submissions/<pk>/": record("stats.ReturnSubmission"),
    "api/v1/submissions/<pk>/summary/": record("stats.ReturnSubmission"),
    "api/v1/submissions/<pk>/accept/": action("stats.ReturnSubmission"),
    "api/v1/submissions/<pk>/send-back/": action("stats.ReturnSubmission", data={"comment": "退回"}),
    # Web pages.
    "": PAGE,
    "home/indicators/": PAGE,
    "records/": PAGE,
    "import/": PAGE,
    # The pickers' searches list the user's subtree only: tests/test_pickers.py
    "units/search/": page(q="4103"),
    "households/search/": page(q="张"),
    "export-log/": PAGE,
    "export-log/export.<fmt>": page(fmt="csv"),
    # The export log is written by exports only: no add or edit page (404 for everyone).
    "export-log/new/": anonymous_only(),
    "export-log/<pk>/edit/": anonymous_only(),
    "files/": PAGE,
    "files/new/": PAGE,
    "households/<pk>/": record("beneficiaries.Household"),
    "households/<pk>/edit/": record("beneficiaries.Household"),
    "households/<pk>/history/": record("beneficiaries.Household"),
    "households/<pk>/print/": record("beneficiaries.Household"),
    "households/<pk>/pdf/": record("beneficiaries.Household"),
    "households/<pk>/<step>/": action("beneficiaries.Household", step="review"),
    "persons/new/": PAGE,
    "persons/<pk>/edit/": record("beneficiaries.Person"),
    "annual-review/": PAGE,
    "annual-review/<pk>/": action("beneficiaries.Household"),
    # The files are chosen in the body: a file of another unit answers like an unknown one
    # (tests/test_lists_and_bulk_review.py).
    "annual-review/bulk/": Rule("anonymous", method="post"),
    **listing("households", "beneficiaries.Household", edit=False),
    **listing("persons", "beneficiaries.Person", edit=False),
    **listing("schooling", "beneficiaries.Schooling"),
    **listing("graduates", "beneficiaries.Graduate"),
    "annual-reviews/": PAGE,
    "annual-reviews/export.<fmt>": page(fmt="csv"),
    # Annual reviews are recorded through annual-review/ (the yearly round), not a generic form.
    "annual-reviews/new/": anonymous_only(),
    "annual-reviews/<pk>/edit/": anonymous_only(),
    "notices/": PAGE,
    "notices/new/": Rule("page", roles=REVIEWERS),
    "notices/<pk>/": record("notices.Notice"),
    "notices/<pk>/edit/": action("notices.Notice", method="get"),  # drafts only: a published one redirects
    "notices/<pk>/publish/": action("notices.Notice"),
    "notices/<pk>/discard/": action("notices.Notice"),
    "notices/<pk>/withdraw/": action("notices.Notice"),
    "notices/<pk>/replace/": action("notices.Notice"),
    # The confirmation page of a payment batch: casework roles, not statistics officers.
    "notices/<pk>/pay/": record("notices.Notice", roles=ALL_ROLES - {Role.STATISTICS_OFFICER}),
    "notices/<pk>/print/": record("notices.Notice"),
    "notices/<pk>/pdf/": record("notices.Notice"),
    "notices/<pk>/photo/": action("notices.Notice"),
    "notices/<pk>/photo/download/": action("notices.Notice", method="get"),  # 404 until a photo is attached
    "notices/<pk>/objections/": action("notices.Notice"),
    "notices/<pk>/objections/<objection_id>/decide/": action("notices.Notice"),
    **listing("aid/grants", "aid.AidGrant"),
    **listing("aid/fund-receipts", "aid.FundReceipt"),
    **listing("aid/expenditures", "aid.Expenditure"),
    **listing("aid/work-study", "aid.WorkStudyOffer"),
    **listing("aid/measures", "aid.AssistanceMeasure"),
    "ledgers/": PAGE,
    "ledgers/<kind>.xlsx": page(kind="grants"),  # the user's unit, this year: tests/test_ledgers.py
    **listing("employment/trainings", "employment.Training"),
    **listing("employment/certificates", "employment.Certificate"),
    **listing("employment/placements", "employment.Placement"),
    **listing("employment/loans", "employment.Loan"),
    **listing("employment/services", "employment.Service"),
    **listing("employment/job-fairs", "employment.JobFair"),
    **listing("employment/position-offers", "employment.PositionOffer"),
    **listing("employment/institutions", "employment.Institution"),
    **listing("employment/assistance-plans", "employment.AssistancePlan"),
    **listing("employment/pairings", "employment.Pairing"),
    "stats/returns/": anonymous_only(),
    "stats/returns/cell/": anonymous_only(),
    "stats/returns/xlsx/": anonymous_only(),
    "stats/returns/print/": anonymous_only(),
    "stats/returns/file/": anonymous_only(),
    "stats/filings/<pk>/": record("stats.ReturnFiling"),
    "stats/filings/<pk>/print/": record("stats.ReturnFiling"),
    "stats/submissions/": page(attachment=1, year=2014, org="410181"),
    "stats/submissions/submit/": anonymous_only(),  # POST of a summary file: tests/test_stats_levels_web.py
    "stats/submissions/deadline/": anonymous_only(),
    "stats/submissions/<pk>/": record("stats.ReturnSubmission"),
    "stats/submissions/<pk>/summary/": record("stats.ReturnSubmission"),
    "stats/submissions/<pk>/accept/": action("stats.ReturnSubmission"),
    "stats/submissions/<pk>/send-back/": action("stats.ReturnSubmission", data={"comment": "退回"}),
    "rosters/": PAGE,
    "rosters/templates/<kind>.xlsx": anonymous_only(kind="persons"),
    "rosters/upload/": anonymous_only(),
    "rosters/<pk>/": anonymous_only(),  # roster imports are made by an upload: rosters' own tests
    "rosters/<pk>/mapping/": anonymous_only(),
    "rosters/<pk>/confirm/": anonymous_only(),
    "rosters/<pk>/report.xlsx": anonymous_only(),
}

# The admin: one rule for all of it (staff only; ScopedAdmin scopes rows and writes).
ADMIN_PREFIX = "admin/"
ADMIN_RULE = Rule("admin")

FORMAT_VARIANT = re.compile(r"\(\?P<format>|<drf_format_suffix:")


def _normalise(route):
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    route = re.sub(r"\(\[\^/\]\+\)", "<arg>", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)
    return route.replace("^", "").replace("$", "").replace("\\.", ".")


def served_routes():
    """Every route of the URL configuration, in resolution order (format-suffix twins left out)."""

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif not FORMAT_VARIANT.search(prefix + str(pattern.pattern)):
                yield _normalise(prefix + str(pattern.pattern))

    return list(dict.fromkeys(walk(get_resolver(), "")))


ADMIN_PUBLIC = {"admin/login/", "admin/logout/"}


def rule_for(route):
    if route in ADMIN_PUBLIC:
        return PUBLIC
    return ADMIN_RULE if route.startswith(ADMIN_PREFIX) else RULES.get(route)


def test_every_url_has_a_rule():
    missing = [route for route in served_routes() if rule_for(route) is None]
    assert not missing, "new endpoint without a rule in tests/test_authz_matrix.py RULES: " + ", ".join(
        f"/{route}" for route in missing
    )


def test_every_rule_names_a_served_url():
    stale = sorted(set(RULES) - set(served_routes()))
    assert not stale, "rules for URLs that are no longer served: " + ", ".join(f"/{r}" for r in stale)


def _records_in(org, filer):
    """One record of every kind, recorded by ``org``."""
    household = HouseholdFactory(organisation=org)
    person = PersonFactory(organisation=org, household=household)
    graduate = GraduateFactory(person=person, organisation=org)
    notice = NoticeFactory(organisation=org)
    made = {
        "casework.Organisation": org,
        "beneficiaries.Household": household,
        "beneficiaries.Person": person,
        "beneficiaries.AnnualReview": AnnualReviewFactory(household=household),
        "beneficiaries.Schooling": SchoolingFactory(person=person),
        "beneficiaries.Graduate": graduate,
        "notices.Notice": notice,
        "notices.Objection": ObjectionFactory(notice=notice, person=person),
        "aid.FundReceipt": FundReceiptFactory(organisation=org),
        "aid.Expenditure": ExpenditureFactory(organisation=org),
        "aid.AidGrant": AidGrantFactory(organisation=org),
        "aid.WorkStudyOffer": WorkStudyOfferFactory(organisation=org),
        "aid.AssistanceMeasure": AssistanceMeasureFactory(household=household),
        "employment.Institution": InstitutionFactory(organisation=org),
        "employment.Training": TrainingFactory(organisation=org),
        "employment.Certificate": CertificateFactory(person=person),
        "employment.Placement": PlacementFactory(organisation=org),
        "employment.Loan": LoanFactory(organisation=org),
        "employment.Service": ServiceFactory(organisation=org),
        "employment.JobFair": JobFairFactory(organisation=org),
        "employment.PositionOffer": PositionOfferFactory(organisation=org),
        "employment.AssistancePlan": AssistancePlanFactory(graduate=graduate),
        "employment.Pairing": PairingFactory(graduate=graduate),
        "stats.ReturnFiling": return_file(
            organisation=org,
            attachment=1,
            year=2024,
            preparer="张三",
            phone="0371-12345678",
            acting_user=filer,
            reason="报送",
        ),
        "stats.ReturnSubmission": ReturnSubmissionFactory(organisation=org),
    }
    return made


def _url(route, rule, records):
    values = {"fmt": "csv", "kind": "persons", "step": "review", "arg": "1", **rule.params}
    target = records.get(rule.model) if rule.model else None
    values["pk"] = values["object_id"] = target.pk if target is not None else 1
    if "objection_id" in route:
        values["objection_id"] = records["notices.Objection"].pk
    path = re.sub(r"<(\w+)>", lambda m: str(values.get(m.group(1), 1)), route)
    query = {k: v for k, v in rule.params.items() if f"<{k}>" not in route}
    return "/" + path, query


def _request(client, rule, url, query):
    if rule.method == "post":
        return client.post(url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""), rule.data)
    return client.get(url, query)


def _refused_anonymously(response):
    if response.status_code in (401, 403, 405):
        return True
    return response.status_code == 302 and "login" in response["Location"]


@pytest.fixture
def own_and_sibling(tree, make_user):
    filer = make_user(tree.province, Role.STATISTICS_OFFICER, username="filer")
    return _records_in(tree.county_a, filer), _records_in(tree.county_b, filer)


def test_anonymous_users_are_refused_everywhere_but_the_public_urls(client, own_and_sibling):
    own, _sibling = own_and_sibling
    leaks = []
    for route in served_routes():
        rule = rule_for(route)
        if rule is None or rule.kind == "public":
            continue
        url, query = _url(route, rule, own)
        response = _request(client, rule, url, query)
        if not _refused_anonymously(response):
            leaks.append(f"{rule.method.upper()} {url} -> {response.status_code}")
    assert leaks == [], "reachable without signing in: " + "; ".join(leaks)


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_role_and_subtree_matrix(client, tree, make_user, own_and_sibling, role):
    own, sibling = own_and_sibling
    client.force_login(make_user(tree.county_a, role))
    wrong = []
    for route in served_routes():
        rule = rule_for(route)
        if rule is None or rule.kind not in ("page", "record", "action"):
            continue
        allowed = role in rule.roles
        cases = [("own", own)] if rule.kind == "page" else [("own", own), ("sibling", sibling)]
        for subtree, records in cases:
            url, query = _url(route, rule, records)
            status = _request(client, rule, url, query).status_code
            if subtree == "sibling":
                ok = status in (403, 404)
                expected = "403/404"
            elif rule.kind == "action":
                continue  # own-subtree actions: their outcome depends on the record's state (their own tests)
            elif allowed:
                ok, expected = status == 200, "200"
            else:
                ok, expected = status in (403, 404), "403/404"
            if not ok:
                wrong.append(f"{rule.method.upper()} {url} ({subtree}) -> {status}, expected {expected}")
    assert wrong == [], f"{role}: " + "; ".join(wrong)


def test_the_admin_is_for_staff_only(client, tree, make_user):
    client.force_login(make_user(tree.county_a, Role.ADMINISTRATOR))  # an administrator, but not staff
    for url in ["/admin/", "/admin/beneficiaries/person/", "/admin/casework/organisation/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_admin_changelists_and_pages_are_scoped(client, tree, make_user, own_and_sibling):
    own, sibling = own_and_sibling
    client.force_login(make_user(tree.county_a, Role.CASEWORKER, is_staff=True))
    person = "/admin/beneficiaries/person/"
    listing_page = client.get(person).content.decode()
    assert own["beneficiaries.Person"].name in listing_page
    assert sibling["beneficiaries.Person"].name not in listing_page
    assert client.get(f"{person}{own['beneficiaries.Person'].pk}/change/").status_code == 200
    # Django's admin answers an object outside the queryset with a redirect to the index.
    response = client.get(f"{person}{sibling['beneficiaries.Person'].pk}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


# --- writes, rosters, imports, returns; what the bodies of lists and exports hold -----------------
#
# The user's unit is county A or the city above it; the sibling records are county B's. A record of
# the sibling is never reached by a write, and answers exactly like an id that does not exist.

UNITS = ("county_a", "city_a")
UNKNOWN_PK = 10**9
API_RECORDS = {
    route.split("/")[2]: rule.model
    for route, rule in RULES.items()
    if re.fullmatch(r"api/v1/[\w-]+/<pk>/", route) and rule.kind == "record"
}

# Who writes what through the API, where it is not every role (the rest: every role, or read only).
API_WRITERS = {"notices": REVIEWERS}


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def _state(instance):
    """What a write would change: the row's existence and the number of its history rows."""
    model = type(instance)
    history = model.history.filter(id=instance.pk).count() if hasattr(model, "history") else None
    return model._default_manager.filter(pk=instance.pk).exists(), history


def _answer(response):
    body = response.content.decode() if response.get("Content-Type", "").startswith("application/json") else ""
    return response.status_code, body


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_put_patch_delete_never_reach_a_sibling_record(tree, make_user, own_and_sibling, role, unit):
    own, sibling = own_and_sibling
    api = _api(make_user(getattr(tree, unit), role))
    wrong = []
    for resource, model in API_RECORDS.items():
        target = sibling[model]
        before = _state(target)
        for method in ("put", "patch", "delete"):
            call = getattr(api, method)
            outside = call(f"/api/v1/{resource}/{target.pk}/", {}, format="json")
            unknown = call(f"/api/v1/{resource}/{UNKNOWN_PK}/", {}, format="json")
            if outside.status_code not in (403, 404, 405) or _answer(outside) != _answer(unknown):
                wrong.append(
                    f"{method.upper()} {resource} sibling -> {_answer(outside)}, unknown -> {_answer(unknown)}"
                )
        if _state(target) != before:
            wrong.append(f"{resource}: the sibling's record was changed")
        # The own record is reached by the roles that write it (an empty PATCH changes nothing).
        status = api.patch(f"/api/v1/{resource}/{own[model].pk}/", {}, format="json").status_code
        allowed = role in API_WRITERS.get(resource, ALL_ROLES)
        if (status in (403, 404)) if allowed else (status not in (403, 405)):
            wrong.append(f"PATCH {resource} own -> {status}")
    assert wrong == [], f"{role}@{unit}: " + "; ".join(wrong)


# A sample of the API read with a token (casework.models.ApiToken) in place of a session: the token
# acts as its account, so the same rows answer, and a sibling's record answers like an unknown id.
TOKEN_SAMPLE = ("persons", "households", "aid-grants", "trainings", "fund-receipts")


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_a_token_reaches_what_its_account_reaches(tree, make_user, own_and_sibling, role):
    from rest_framework.test import APIClient

    from casework.services import api_token_create

    own, sibling = own_and_sibling
    _token, secret = api_token_create(name="matrix", user=make_user(tree.county_a, role), acting_user=None)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    wrong = []
    sample = [resource for resource in TOKEN_SAMPLE if resource in API_RECORDS]
    assert len(sample) >= 3, sorted(API_RECORDS)
    for resource in sample:
        model = API_RECORDS[resource]
        if api.get(f"/api/v1/{resource}/{own[model].pk}/").status_code != 200:
            wrong.append(f"{resource} own")
        outside = api.get(f"/api/v1/{resource}/{sibling[model].pk}/")
        unknown = api.get(f"/api/v1/{resource}/{UNKNOWN_PK}/")
        if outside.status_code != 404 or _answer(outside) != _answer(unknown):
            wrong.append(f"{resource} sibling -> {outside.status_code}")
        listed = {row["id"] for row in api.get(f"/api/v1/{resource}/").json()["results"]}
        if sibling[model].pk in listed or own[model].pk not in listed:
            wrong.append(f"{resource} list")
    assert wrong == [], f"{role}: " + "; ".join(wrong)


@pytest.fixture
def rosters_of(tree):
    from rosters import services
    from rosters.templates import KINDS, template_bytes

    def upload(org):
        return services.roster_upload(
            acting_user=None, organisation=org, kind="funds", file_name="f.xlsx", content=template_bytes(KINDS["funds"])
        )

    return upload(tree.county_a), upload(tree.county_b)


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_roster_routes_reach_only_the_own_subtree(client, tree, make_user, rosters_of, role, unit):
    own, sibling = rosters_of
    client.force_login(make_user(getattr(tree, unit), role))
    assert client.get(f"/rosters/{own.pk}/").status_code == 200
    assert str(own.pk) in client.get("/rosters/").content.decode()
    for suffix, method in (
        ("", "get"),
        ("mapping/", "get"),
        ("mapping/", "post"),
        ("confirm/", "post"),
        ("report.xlsx", "get"),
    ):
        outside = getattr(client, method)(f"/rosters/{sibling.pk}/{suffix}")
        unknown = getattr(client, method)(f"/rosters/{UNKNOWN_PK}/{suffix}")
        assert outside.status_code == unknown.status_code == 404, (suffix, method, outside.status_code)
    sibling.refresh_from_db()
    assert sibling.status == "check_queued" and sibling.history.count() == 1


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_bundle_import_writes_only_inside_the_own_subtree(tree, make_user, role, unit):
    from aid.models import FundReceipt

    api = _api(make_user(getattr(tree, unit), role))

    def bundle(org):
        receipt = {"ref": f"FR-{org}", "org": org, "programme": "student_aid", "source": "union"}
        return {
            "format": "casework-bundle/1",
            "fund_receipts": [{**receipt, "received_on": "2014-05-01", "amount": "10"}],
        }

    refused = api.post("/api/v1/bundles/import/", bundle(tree.county_b.code), format="json")
    assert refused.status_code == 400
    assert [e["path"] for e in refused.json()["errors"]] == ["fund_receipts[0].org"]
    assert not FundReceipt.objects.exists()
    accepted = api.post("/api/v1/bundles/import/", bundle(tree.county_a.code), format="json")
    assert accepted.status_code == 200 and FundReceipt.objects.get().organisation == tree.county_a


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_returns_and_drilldowns_only_for_the_own_subtree(client, tree, make_user, own_and_sibling, role, unit):
    own, sibling = own_and_sibling
    user = make_user(getattr(tree, unit), role)
    api = _api(user)
    client.force_login(user)
    query = {"attachment": 1, "year": 2014}
    for org, expected in ((tree.county_a.code, 200), (tree.county_b.code, 403)):
        assert api.get("/api/v1/returns/", {**query, "org": org}).status_code == expected
        assert api.get("/api/v1/returns/drilldown/", {**query, "org": org, "cell": "a1.4"}).status_code == expected
        assert api.get("/api/v1/indicators/", {"year": 2014, "org": org}).status_code == expected
    drill = api.get("/api/v1/returns/drilldown/", {**query, "org": getattr(tree, unit).code, "cell": "a1.4"}).json()
    persons = {p["id"] for part in drill["parts"] for p in part["persons"]}
    assert own["employment.Training"].person_id in persons
    assert not persons & set(_sibling_persons(sibling))
    # The pages: the sibling's return is not computed, its cell not found, its workbook not given.
    page = client.get("/stats/returns/", {**query, "org": tree.county_b.code}).content.decode()
    assert "a1.4" not in page
    sibling_cell = client.get("/stats/returns/cell/", {**query, "org": tree.county_b.code, "key": "a1.4"})
    unknown_cell = client.get("/stats/returns/cell/", {**query, "org": "999999", "key": "a1.4"})
    assert sibling_cell.status_code == unknown_cell.status_code == 400  # the unit is not a valid choice
    workbook = client.get("/stats/returns/xlsx/", {**query, "org": tree.county_b.code})
    assert workbook.get("Content-Type", "").startswith("text/html") or workbook.status_code in (302, 403, 404)


def _sibling_persons(sibling):
    from beneficiaries.models import Person

    return Person.objects.filter(organisation__path__startswith=sibling["casework.Organisation"].path).values_list(
        "pk", flat=True
    )


def _markers(records):
    """Words that would only appear in a body that shows one of ``records`` (names, file numbers, refs)."""
    from beneficiaries.models import Household, Person

    org = records["casework.Organisation"]
    words = set(Person.objects.filter(organisation__path__startswith=org.path).values_list("name", flat=True))
    words |= set(Household.objects.filter(organisation__path__startswith=org.path).values_list("file_no", flat=True))
    words |= {getattr(r, "ref", "") or getattr(r, "code", "") for r in records.values()} - {"", org.code}
    return words


def _cells(response):
    """Every cell of a CSV or XLSX export, as text."""
    import csv
    import io

    from openpyxl import load_workbook

    if response.content[:2] == b"PK":
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return {str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    text = response.content.decode("utf-8-sig")
    return {cell for row in csv.reader(io.StringIO(text)) for cell in row}


def _words_in(text):
    """The words of a page or a JSON body (split on everything but letters, digits and hyphens)."""
    return set(re.split(r"[^\w\-]+", text)) | set(re.findall(r"[\u4e00-\u9fff\w]+", text))


@pytest.mark.parametrize("unit", UNITS)
def test_lists_and_exports_hold_no_row_of_another_unit(client, tree, make_user, own_and_sibling, unit):
    from casework import listing
    from casework.bundle import export_bundle

    own, sibling = own_and_sibling
    # Factories number each model's refs on their own, so a sibling's receipt may share "R000001" with an
    # own notice: only the words that are the sibling's alone tell a leak.
    shown = _markers(own)
    hidden = _markers(sibling) - shown
    user = make_user(getattr(tree, unit), Role.ADMINISTRATOR)
    client.force_login(user)
    api = _api(user)
    leaks, seen = [], set()
    for resource in API_RECORDS:
        words = _words_in(api.get(f"/api/v1/{resource}/", {"page_size": 500}).content.decode())
        leaks += [f"/api/v1/{resource}/: {w}" for w in words & hidden]
        seen |= words & shown
    for slug in listing.registered():
        words = _words_in(client.get(f"/{slug}/").content.decode())
        leaks += [f"/{slug}/: {w}" for w in words & hidden]
        seen |= words & shown
        for fmt in ("csv", "xlsx"):
            cells = _cells(client.get(f"/{slug}/export.{fmt}"))
            leaks += [f"/{slug}/export.{fmt}: {w}" for w in cells & hidden]
            seen |= cells & shown
    bundle = json.dumps(export_bundle(getattr(tree, unit)), ensure_ascii=False)
    leaks += [f"export_bundle: {w}" for w in _words_in(bundle) & hidden]
    assert leaks == []
    assert seen == shown  # every own record shows somewhere (the check above looks where rows are)


@pytest.mark.parametrize("resource", ["aid-grants", "trainings", "schooling", "annual-reviews", "assistance-plans"])
def test_the_browsable_api_offers_only_the_own_subtree(tree, make_user, own_and_sibling, resource):
    """The filter form and the HTML form of the browsable API list no person, file or graduate of another unit."""
    from beneficiaries.models import Household, Person

    own, sibling = own_and_sibling
    client = _api(make_user(tree.county_a, Role.ADMINISTRATOR))
    page = client.get(f"/api/v1/{resource}/", {"format": "api"}).content.decode()
    org_b = sibling["casework.Organisation"]
    for person in Person.objects.filter(organisation=org_b):
        assert person.name not in page
    for household in Household.objects.filter(organisation=org_b):
        assert household.file_no not in page
    offered = Person.objects.filter(organisation=tree.county_a).values_list("name", flat=True)
    assert any(name in page for name in offered) or resource == "annual-reviews"
    assert str(own["beneficiaries.Household"]) in page or resource != "annual-reviews"


@pytest.mark.parametrize(
    ("resource", "param", "model"),
    [
        ("aid-grants", "person", "beneficiaries.Person"),
        ("trainings", "person", "beneficiaries.Person"),
        ("schooling", "person", "beneficiaries.Person"),
        ("graduates", "person", "beneficiaries.Person"),
        ("annual-reviews", "household", "beneficiaries.Household"),
        ("assistance-plans", "graduate", "beneficiaries.Graduate"),
        ("pairings", "graduate", "beneficiaries.Graduate"),
        ("persons", "org", "casework.Organisation"),
        ("trainings", "org", "casework.Organisation"),
    ],
)
def test_a_filter_naming_another_units_record_answers_as_an_unknown_one(
    client, tree, make_user, own_and_sibling, resource, param, model
):
    own, sibling = own_and_sibling
    user = make_user(tree.county_a, Role.CASEWORKER)
    api = _api(user)
    client.force_login(user)

    def value(record):
        return record.code if model == "casework.Organisation" else record.pk

    unknown = "999999" if model == "casework.Organisation" else UNKNOWN_PK
    outside = api.get(f"/api/v1/{resource}/", {param: value(sibling[model])})
    nothing = api.get(f"/api/v1/{resource}/", {param: unknown})
    shown = str(value(sibling[model]))
    assert (outside.status_code, outside.content.decode()) == (
        nothing.status_code,
        nothing.content.decode().replace(str(unknown), shown),
    )
    assert outside.status_code == 400 or outside.json()["results"] == []
    # The units above the user's are outside too: the province's code selects nothing.
    above = api.get(f"/api/v1/{resource}/", {"org": tree.province.code})
    assert above.status_code == 200 and above.json()["results"] == []
    assert api.get(f"/api/v1/{resource}/", {param: value(own[model])}).status_code == 200
