"""The statistics API: returns, filings, difference, drill-down, indicators and deadlines, with scoping and roles."""

import datetime

import pytest
from rest_framework.test import APIClient

from casework.choices import Role
from stats.models import ReturnFiling
from tests.factories import (
    AssistancePlanFactory,
    CertificateFactory,
    GraduateFactory,
    PlacementFactory,
    TrainingFactory,
)
from tests.test_stats_scenarios import EXPECTED_A3, build_a3

D = datetime.date
RETURN = "/api/v1/returns/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def a3(tree):
    return build_a3(tree)


def test_return_json_for_a_unit_in_scope(tree, a3, make_user):
    caseworker = make_user(tree.province, Role.CASEWORKER)
    response = client_for(caseworker).get(RETURN, {"attachment": 3, "year": 2014, "org": "410000"})
    assert response.status_code == 200
    data = response.json()
    assert {key: cell["value"] for key, cell in data["cells"].items()} == EXPECTED_A3
    assert (data["attachment"], data["cutoff"], data["org"], data["as_recorded_at"]) == (
        3,
        "2014-08-31",
        "410000",
        None,
    )


def test_return_outside_the_users_subtree_is_forbidden(tree, a3, make_user):
    county = make_user(tree.county_a, Role.STATISTICS_OFFICER)
    response = client_for(county).get(RETURN, {"attachment": 3, "year": 2014, "org": "410000"})
    assert response.status_code == 403
    assert client_for(county).get(RETURN, {"attachment": 3, "year": 2014, "org": "410181"}).status_code == 200


def test_return_parameters_are_validated(tree, make_user):
    client = client_for(make_user(tree.province))
    assert client.get(RETURN, {"attachment": 4, "year": 2014, "org": "410000"}).status_code == 400
    assert client.get(RETURN, {"attachment": 1, "year": 2014, "org": "999999"}).status_code == 400
    bad_cutoff = client.get(RETURN, {"attachment": 1, "year": 2014, "org": "410000", "cutoff": "2013-11-30"})
    assert bad_cutoff.status_code == 400
    bad_moment = client.get(RETURN, {"attachment": 1, "year": 2014, "org": "410000", "as_recorded_at": "soon"})
    assert bad_moment.status_code == 400


def test_return_as_recorded_at_and_downloads(tree, a3, make_user):
    client = client_for(make_user(tree.province))
    response = client.get(
        RETURN, {"attachment": 3, "year": 2014, "org": "410000", "as_recorded_at": "2000-01-01T08:00:00"}
    )
    assert response.status_code == 400  # the province did not exist yet then
    later = client.get(RETURN, {"attachment": 3, "year": 2014, "org": "410000", "as_recorded_at": "2099-01-01T08:00"})
    assert later.status_code == 200
    assert later.json()["as_recorded_at"] == "2099-01-01T08:00:00+08:00"
    assert later.json()["cells"]["a3.2"]["yuan"] == "10534.56"
    xlsx = client.get(RETURN, {"attachment": 3, "year": 2014, "org": "410000", "download": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    html = client.get(RETURN, {"attachment": 3, "year": 2014, "org": "410000", "download": "html"})
    assert html.status_code == 200
    assert 'data-key="a3.2">1.05<' in html.content.decode()


def test_filing_by_officers_only_and_visible_within_the_subtree(tree, a3, make_user):
    payload = {"attachment": 3, "year": 2014, "org": "410000", "preparer": "王统计", "phone": "0371-1234"}
    caseworker = make_user(tree.province, Role.CASEWORKER)
    assert client_for(caseworker).post("/api/v1/filings/", payload).status_code == 403
    officer = make_user(tree.province, Role.STATISTICS_OFFICER)
    response = client_for(officer).post("/api/v1/filings/", payload)
    assert response.status_code == 201, response.content
    filing = response.json()
    assert filing["figures"]["cells"]["a3.4"]["value"] == 5
    assert (filing["org"], filing["cutoff"], filing["filed_by"]) == ("410000", "2014-08-31", officer.username)

    administrator = make_user(tree.city_a, Role.ADMINISTRATOR)
    city_payload = payload | {"org": "410100"}
    assert client_for(administrator).post("/api/v1/filings/", city_payload).status_code == 201
    assert client_for(administrator).post("/api/v1/filings/", payload).status_code == 403  # above the city

    reviewer = make_user(tree.province, Role.REVIEWER)
    listed = client_for(reviewer).get("/api/v1/filings/").json()["results"]
    assert {row["org"] for row in listed} == {"410000", "410100"}
    county = make_user(tree.city_b, Role.CASEWORKER)
    assert client_for(county).get("/api/v1/filings/").json()["results"] == []
    assert client_for(county).get(f"/api/v1/filings/{filing['id']}/").status_code == 404
    assert client_for(caseworker).get(f"/api/v1/filings/{filing['id']}/").status_code == 200

    assert [
        row["org"] for row in client_for(reviewer).get("/api/v1/filings/", {"org": "410100"}).json()["results"]
    ] == ["410100"]
    assert client_for(reviewer).get("/api/v1/filings/", {"year": 2013}).json()["results"] == []
    assert client_for(reviewer).get("/api/v1/filings/", {"attachment": "x"}).status_code == 400

    # No edits or deletions through the API.
    detail = f"/api/v1/filings/{filing['id']}/"
    assert client_for(officer).patch(detail, {"phone": "1"}).status_code == 405
    assert client_for(officer).delete(detail).status_code == 405
    assert ReturnFiling.objects.count() == 2


def test_filing_difference_and_reproduction(tree, a3, make_user):
    officer = make_user(tree.province, Role.STATISTICS_OFFICER)
    client = client_for(officer)
    payload = {"attachment": 3, "year": 2014, "org": "410000", "preparer": "王统计", "phone": "0371-1234"}
    filing = client.post("/api/v1/filings/", payload).json()
    grant = a3.children.k3.aid_grants.get()
    grant.delete()

    difference = client.get(f"/api/v1/filings/{filing['id']}/difference/").json()
    assert "a3.4" in difference["changed_cells"]
    assert [r["ref"] for r in difference["records"]["aid_grants"]["deleted"]] == [grant.ref]
    # The filed figures print as filed, with the filing's preparer and phone, not today's figures.
    html = client.get(f"/api/v1/filings/{filing['id']}/export/", {"as": "html"}).content.decode()
    assert 'data-key="a3.4">5</span>' in html and "王统计" in html and "0371-1234" in html
    xlsx = client.get(f"/api/v1/filings/{filing['id']}/export/", {"as": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert client.get(f"/api/v1/filings/{filing['id']}/export/", {"as": "pdf"}).status_code == 400
    reproduction = client.get(f"/api/v1/filings/{filing['id']}/reproduction/").json()
    assert reproduction["matches"] is True
    assert reproduction["figures"]["cells"]["a3.4"]["value"] == 5


def test_drilldown_lists_the_persons_a_cell_counts(tree, a3, make_user):
    client = client_for(make_user(tree.province, Role.REVIEWER))
    params = {"attachment": 3, "year": 2014, "org": "410000", "cell": "a3.4.college_plus"}
    data = client.get("/api/v1/returns/drilldown/", params).json()
    (part,) = data["parts"]
    assert part["person_count"] == 2
    assert {p["id"] for p in part["persons"]} == {a3.children.k3.id, a3.children.k6.id}
    assert part["record_count"] == 2  # k3's grant and k6's 07-01 grant
    assert all("*" in p["id_number"] for p in part["persons"])  # masked

    county_b = client_for(make_user(tree.county_b, Role.CASEWORKER))
    assert county_b.get("/api/v1/returns/drilldown/", params).status_code == 403
    own = county_b.get("/api/v1/returns/drilldown/", params | {"org": "410381"}).json()
    assert own["parts"][0]["person_count"] == 1  # k6
    unknown = client.get("/api/v1/returns/drilldown/", params | {"cell": "a3.99"})
    assert unknown.status_code == 400


def test_drilldown_of_a_sum_cell_lists_each_service(tree, make_user):
    person = TrainingFactory(organisation=tree.county_a, type="skills", started_on=D(2014, 3, 1)).person
    PlacementFactory(person=person, organisation=tree.county_a, employed_on=D(2014, 6, 1))
    client = client_for(make_user(tree.province, Role.REVIEWER))
    data = client.get("/api/v1/returns/drilldown/", {"attachment": 1, "year": 2014, "org": "410000", "cell": "a1.4"})
    counts = {part["key"]: part["person_count"] for part in data.json()["parts"]}
    assert len(counts) == 9
    assert counts["a1.4.skills_training"] == 1
    assert counts["a1.4.job_introduction"] == 1  # the referral placement
    assert sum(counts.values()) == 2


def test_indicators(tree, make_user):
    # Attachment 1: three trainees; one intermediate and one junior certificate; one of two laid-off re-employed.
    trainees = [
        TrainingFactory(
            organisation=tree.county_a, category=category, started_on=D(2014, 3, 1), ended_on=D(2014, 3, 31)
        )
        for category in ("laid_off", "laid_off", "migrant_worker")
    ]
    CertificateFactory(person=trainees[0].person, level="intermediate", issued_on=D(2014, 4, 1))
    CertificateFactory(person=trainees[2].person, level="junior", issued_on=D(2014, 4, 1))
    PlacementFactory(person=trainees[1].person, organisation=tree.county_b, employed_on=D(2014, 4, 15))
    # Attachment 2: g1 has a plan, g2 found work alone, g3 was helped into a job: two need help.
    g1, g2, g3 = (GraduateFactory(organisation=tree.county_a) for _ in range(3))
    AssistancePlanFactory(graduate=g1, made_on=D(2014, 7, 1))
    PlacementFactory(person=g2.person, organisation=tree.county_a, channel="self_found", employed_on=D(2014, 7, 1))
    PlacementFactory(person=g3.person, organisation=tree.county_a, employed_on=D(2014, 8, 1))

    client = client_for(make_user(tree.province, Role.REVIEWER))
    data = client.get("/api/v1/indicators/", {"year": 2014, "org": "410000"}).json()
    got = {row["key"]: (row["numerator"], row["denominator"], row["percent"], row["met"]) for row in data["indicators"]}
    assert got == {
        "certified_mid_high_share": (1, 3, "33.3", True),  # target 30 %
        "certified_share": (2, 3, "66.7", False),  # target 100 %
        "laid_off_reemployment_rate": (1, 2, "50.0", None),  # no target in the notice
        "assistance_plan_share": (1, 2, "50.0", False),
        "needs_help_employed_share": (1, 2, "50.0", False),
    }
    empty = client.get("/api/v1/indicators/", {"year": 2013, "org": "410000"}).json()
    assert {row["percent"] for row in empty["indicators"]} == {None}


def test_deadlines_endpoint(tree, make_user):
    client = client_for(make_user(tree.city_a, Role.CASEWORKER))
    rows = client.get("/api/v1/deadlines/", {"year": 2014, "org": "410100"}).json()["deadlines"]
    assert {row["org"] for row in rows} == {"410100", "410181"}
    assert {row["status"] for row in rows} == {"missing"}
    assert client.get("/api/v1/deadlines/", {"year": 2014, "org": "410000"}).status_code == 403
