"""Assistance measures (帮扶措施) of a household file, and the fund source and payment method of grants.

A measure is written by the file page's form, the API and the bundle through the same service and guard
rules (依档帮扶: the file is on file on the day), kept in the history, scoped, and listed and exported.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from aid.models import AidGrant, AssistanceMeasure
from casework.bundle.exporter import export_bundle
from casework.bundle.importer import import_bundle
from casework.choices import Role
from tests.factories import (
    AidGrantFactory,
    AssistanceMeasureFactory,
    HouseholdFactory,
    NoticeEntryFactory,
    NoticeFactory,
    PersonFactory,
    SchoolingFactory,
)

D = datetime.date


@pytest.fixture
def files(tree):
    return {
        "on_file": HouseholdFactory(organisation=tree.county_a, file_no="GY-001", filed_on=D(2013, 2, 1)),
        "applying": HouseholdFactory(organisation=tree.county_a, file_no="GY-002", filed_on=None, reviewed_on=None),
        "luoyang": HouseholdFactory(organisation=tree.county_b, file_no="YS-001", filed_on=D(2013, 2, 1)),
    }


def _form(household, **changes):
    return {
        "household": household.file_no,
        "organisation": household.organisation.code,
        "type": "medical",
        "provided_on": "2014-03-05",
        "amount": "1200.00",
        "fund_source": "union",
        "note": "住院费用补助",
        "reason": "医疗救助",
        **changes,
    }


def test_the_file_page_adds_a_measure_with_history(client, tree, make_user, files):
    caseworker = make_user(tree.county_a, Role.CASEWORKER)
    client.force_login(caseworker)
    page = reverse("household-detail", args=[files["on_file"].pk])
    assert reverse("measures-create") in client.get(page).content.decode()

    response = client.post(f"{reverse('measures-create')}?next={page}", _form(files["on_file"]))
    assert response.status_code == 302 and response.url == page
    measure = AssistanceMeasure.objects.get()
    assert (measure.type, measure.amount, measure.fund_source) == ("medical", Decimal("1200.00"), "union")
    row = measure.history.get()
    assert (row.history_user_id, row.history_change_reason) == (caseworker.pk, "医疗救助")
    html = client.get(page).content.decode()
    assert "医疗救助" in html and "住院费用补助" in html


def test_by_file_refused_alike_on_the_form_the_api_and_the_bundle(client, tree, make_user, files):
    """依档帮扶: a file still at the application step receives no measure, on any route, in the same words."""
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    form = client.post(reverse("measures-create"), _form(files["applying"]))
    form_errors = form.context["form"].errors["household"]

    api = client.post(
        "/api/v1/assistance-measures/",
        {"organisation": "410181", "household": "GY-002", "type": "medical", "provided_on": "2014-03-05"},
        "application/json",
    )
    assert api.status_code == 400
    bundle = {
        "format": "casework-bundle/1",
        "assistance_measures": [
            {"ref": "M1", "org": "410181", "household": "GY-002", "type": "medical", "provided_on": "2014-03-05"}
        ],
    }
    result = import_bundle(bundle, acting_user=None, reason="test")
    assert [path for path, _message in result.errors] == ["assistance_measures[0].household"]
    expected = "依档帮扶：档案 GY-002 在帮扶日期 2014-03-05 不在档。"
    assert form_errors == [expected]
    assert api.json()["household"] == [expected]
    assert result.errors[0][1] == expected
    assert not AssistanceMeasure.objects.exists()
    assert not AssistanceMeasure.history.exists()


def test_api_is_scoped_and_a_file_outside_answers_like_an_unknown_one(client, tree, make_user, files):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    AssistanceMeasureFactory(household=files["luoyang"])
    mine = AssistanceMeasureFactory(household=files["on_file"])
    listed = client.get("/api/v1/assistance-measures/").json()
    assert [row["ref"] for row in listed["results"]] == [mine.ref]

    payload = {"organisation": "410181", "type": "warmth", "provided_on": "2014-01-20", "amount": "300.00"}
    outside = client.post("/api/v1/assistance-measures/", {**payload, "household": "YS-001"}, "application/json")
    unknown = client.post("/api/v1/assistance-measures/", {**payload, "household": "NO-SUCH"}, "application/json")
    assert outside.status_code == unknown.status_code == 400
    assert outside.json()["household"][0].replace("YS-001", "X") == unknown.json()["household"][0].replace(
        "NO-SUCH", "X"
    )
    created = client.post("/api/v1/assistance-measures/", {**payload, "household": "GY-001"}, "application/json")
    assert created.status_code == 201, created.content
    assert AssistanceMeasure.objects.filter(household=files["on_file"]).count() == 2


def test_amount_when_given_is_positive(client, tree, make_user, files):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    response = client.post(reverse("measures-create"), _form(files["on_file"], amount="0"))
    assert "金额必须大于0。" in str(response.context["form"].errors)
    assert client.post(reverse("measures-create"), _form(files["on_file"], amount="")).status_code == 302
    assert AssistanceMeasure.objects.get().amount is None  # a measure without money (a visit, a job referral)


def test_bundle_round_trips_measures_and_grant_payment(tree, files):
    child = PersonFactory(household=files["on_file"])
    grant = AidGrantFactory(person=child, organisation=tree.county_a, fund_source="central_finance")
    grant.payment_method = "bank_card"
    grant.save()
    measure = AssistanceMeasureFactory(household=files["on_file"], type="warmth", amount=Decimal("300.00"))
    bundle = export_bundle(tree.county_a)
    [exported] = bundle["assistance_measures"]
    assert exported == {
        "ref": measure.ref,
        "org": "410181",
        "household": "GY-001",
        "type": "warmth",
        "provided_on": "2014-01-20",
        "amount": "300.00",
    }
    [paid] = bundle["aid_grants"]
    assert (paid["fund_source"], paid["payment_method"]) == ("central_finance", "bank_card")

    exported["note"] = "春节慰问"
    result = import_bundle(bundle, acting_user=None, reason="bundle import test")
    assert result.errors == []
    assert result.counts["assistance_measures"] == {"created": 0, "updated": 1, "unchanged": 0}
    measure.refresh_from_db()
    assert measure.note == "春节慰问"
    assert measure.history.first().history_change_reason == "bundle import test"


def test_bundle_refuses_an_unknown_measure_type(tree, files):
    bundle = {
        "format": "casework-bundle/1",
        "assistance_measures": [
            {"ref": "M1", "org": "410181", "household": "GY-001", "type": "holiday", "provided_on": "2014-03-05"}
        ],
    }
    result = import_bundle(bundle, acting_user=None, reason="test")
    assert [path for path, _message in result.errors] == ["assistance_measures[0].type"]


def test_list_and_export_show_the_measures_of_the_subtree_only(client, tree, make_user, files):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    AssistanceMeasureFactory(household=files["on_file"], type="medical", amount=Decimal("1200.00"))
    AssistanceMeasureFactory(household=files["luoyang"], type="living")
    page = client.get(reverse("measures-list")).content.decode()
    assert "GY-001" in page and "YS-001" not in page
    response = client.get(reverse("measures-export", kwargs={"fmt": "xlsx"}))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert "帮扶类型" in header and "资金来源" in header
    body = rows[1:]
    assert len(body) == 1
    assert body[0][header.index("帮扶类型")] == "医疗救助"
    assert body[0][header.index("档案编号")] == "GY-001"


def test_grant_form_and_api_carry_fund_source_and_payment_method(client, tree, make_user, files):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    child = PersonFactory(household=files["on_file"])
    SchoolingFactory(person=child, entered_on=D(2013, 9, 1))
    NoticeEntryFactory(notice=NoticeFactory(organisation=tree.county_a, status="published"), person=child)
    grant = AidGrantFactory(person=child, organisation=tree.county_a)
    response = client.patch(
        f"/api/v1/aid-grants/{grant.pk}/",
        {"fund_source": "social_donation", "payment_method": "cash"},
        "application/json",
    )
    assert response.status_code == 200, response.content
    grant.refresh_from_db()
    assert (grant.fund_source, grant.payment_method) == ("social_donation", "cash")
    bad = client.patch(f"/api/v1/aid-grants/{grant.pk}/", {"payment_method": "cheque"}, "application/json")
    assert bad.status_code == 400 and list(bad.json()) == ["payment_method"]
    form = client.get(reverse("grants-edit", args=[grant.pk])).content.decode()
    assert "发放方式" in form and "银行卡" in form
    assert AidGrant.objects.get().history.count() == 2
