"""The aid and employment record endpoints (CRUD through the services, scoped to the user's subtree) and
the bundle import endpoint (the same report as the command)."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from aid.models import FundReceipt
from casework.choices import Role
from employment.models import Training
from tests.factories import FundReceiptFactory, InstitutionFactory, PersonFactory, TrainingFactory
from tests.test_bundle import IDS, counts, full_bundle


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


RECEIPT = {
    "organisation": "410181",
    "programme": "employment",
    "source": "central_finance",
    "received_on": "2014-03-01",
    "amount": "12000.50",
}


@pytest.mark.django_db
def test_fund_receipt_crud_writes_history_with_reason(tree, make_user):
    client = client_for(make_user(tree.county_a))
    created = client.post("/api/v1/fund-receipts/", RECEIPT, format="json", HTTP_X_CHANGE_REASON="收到拨款")
    assert created.status_code == 201, created.data
    receipt = FundReceipt.objects.get()
    assert receipt.organisation == tree.county_a and str(receipt.amount) == "12000.50"
    assert receipt.history.get().history_change_reason == "收到拨款"
    url = f"/api/v1/fund-receipts/{receipt.pk}/"
    assert client.get(url).data["source"] == "central_finance"
    changed = client.patch(url, {"amount": "13000.00"}, format="json", HTTP_X_CHANGE_REASON="更正金额")
    assert changed.status_code == 200
    assert [h.history_change_reason for h in receipt.history.order_by("history_id")] == ["收到拨款", "更正金额"]
    # The programme's sources are the model's rule: refused with the field.
    wrong = client.post("/api/v1/fund-receipts/", {**RECEIPT, "programme": "student_aid"}, format="json")
    assert wrong.status_code == 400 and "source" in wrong.data
    assert client.delete(url).status_code == 204
    assert FundReceipt.objects.count() == 0 and receipt.history.count() == 3


@pytest.mark.django_db
def test_a_county_sees_and_writes_only_its_subtree(tree, make_user):
    mine = FundReceiptFactory(organisation=tree.county_a, programme="employment", source="union")
    theirs = FundReceiptFactory(organisation=tree.county_b, programme="employment", source="union")
    client = client_for(make_user(tree.county_a))
    listed = client.get("/api/v1/fund-receipts/").data["results"]
    assert [r["ref"] for r in listed] == [mine.ref]
    assert client.get(f"/api/v1/fund-receipts/{theirs.pk}/").status_code == 404
    refused = client.post("/api/v1/fund-receipts/", {**RECEIPT, "organisation": "410381"}, format="json")
    assert refused.status_code == 400 and "organisation" in refused.data
    assert FundReceipt.objects.count() == 2
    # The province sees both, and filters by a unit's subtree.
    province = client_for(make_user(tree.province))
    assert province.get("/api/v1/fund-receipts/").data["count"] == 2
    assert [r["ref"] for r in province.get("/api/v1/fund-receipts/", {"org": "410300"}).data["results"]] == [theirs.ref]


@pytest.mark.django_db
def test_trainings_scope_their_person_and_filter_by_type_and_date(tree, make_user):
    institution = InstitutionFactory(organisation=tree.county_a)
    stranger = PersonFactory(organisation=tree.county_b)
    local = PersonFactory(organisation=tree.county_a)
    client = client_for(make_user(tree.county_a))
    payload = {
        "organisation": "410181",
        "person": stranger.pk,
        "institution": institution.code,
        "type": "skills",
        "category": "laid_off",
        "started_on": "2014-04-01",
        "ended_on": "2014-04-30",
    }
    refused = client.post("/api/v1/trainings/", payload, format="json")
    assert refused.status_code == 400 and "person" in refused.data
    ok = client.post("/api/v1/trainings/", {**payload, "person": local.pk}, format="json")
    assert ok.status_code == 201, ok.data
    backwards = client.post("/api/v1/trainings/", {**payload, "person": local.pk, "ended_on": "2014-03-01"})
    assert backwards.status_code == 400 and "ended_on" in backwards.data
    TrainingFactory(
        organisation=tree.county_a,
        person=local,
        institution=institution,
        type="entrepreneurship",
        started_on=datetime.date(2013, 5, 1),
        ended_on=datetime.date(2013, 5, 2),
    )
    assert client.get("/api/v1/trainings/").data["count"] == 2
    assert client.get("/api/v1/trainings/", {"type": "skills"}).data["count"] == 1
    assert client.get("/api/v1/trainings/", {"started_after": "2014-01-01"}).data["count"] == 1
    [found] = client.post("/api/v1/persons/search/", {"id_number": local.id_number}, format="json").data
    assert client.get("/api/v1/trainings/", {"person": found["id"]}).data["count"] == 2
    assert Training.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint",
    [
        "fund-receipts",
        "expenditures",
        "aid-grants",
        "work-study-offers",
        "institutions",
        "trainings",
        "certificates",
        "placements",
        "loans",
        "services",
        "job-fairs",
        "position-offers",
        "assistance-plans",
        "pairings",
    ],
)
def test_every_record_endpoint_lists(tree, make_user, endpoint):
    response = client_for(make_user(tree.province)).get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200 and response.data["count"] == 0


def _bad_bundle():
    bundle = full_bundle()
    bundle["persons"][0]["id_number"] = "41010019800101001X"
    bundle["fund_receipts"][0]["source"] = "central_finance"
    bundle["trainings"][0]["ended_on"] = "2024-03-01"
    return bundle


@pytest.mark.django_db
def test_api_import_reports_what_the_command_reports(tree, make_user, tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bad_bundle(), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_bundle", str(path))
    command_lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    response = client_for(make_user(tree.national, Role.ADMINISTRATOR)).post(
        "/api/v1/bundles/import/", _bad_bundle(), format="json"
    )
    assert response.status_code == 400
    api_lines = [f"{e['path']}: {e['message']}" for e in response.data["errors"]]
    assert api_lines == command_lines
    assert any(line.startswith("fund_receipts[0].source: ") for line in api_lines)
    assert any(line.startswith("trainings[0].ended_on: ") for line in api_lines)
    assert response.data["written"] is False


@pytest.mark.django_db
def test_api_import_dry_run_then_import(tree, make_user):
    client = client_for(make_user(tree.county_a))
    before = counts()
    dry = client.post("/api/v1/bundles/import/?dry_run=1", full_bundle(), format="json")
    assert dry.status_code == 200, dry.data
    assert dry.data["dry_run"] is True and dry.data["counts"]["persons"]["created"] == 3
    assert counts() == before
    done = client.post("/api/v1/bundles/import/", full_bundle(), format="json", HTTP_X_CHANGE_REASON="春季导入")
    assert done.status_code == 200 and done.data["written"] is True
    assert FundReceipt.objects.get().history.get().history_change_reason == "春季导入"


@pytest.mark.django_db
def test_api_import_refuses_records_outside_the_users_subtree(tree, make_user):
    client = client_for(make_user(tree.county_b))
    before = counts()
    response = client.post("/api/v1/bundles/import/", full_bundle(), format="json")
    assert response.status_code == 400
    paths = {e["path"] for e in response.data["errors"]}
    assert {"households[0].org", "fund_receipts[0].org", "job_fairs[0].org"} <= paths
    assert counts() == before
    assert IDS  # the persons of the bundle were not registered either
