"""Hostile uploads are refused before they take the memory; roster files are encrypted and purged in time."""

import datetime
import io
import json
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from beneficiaries.models import Person
from casework.choices import Role
from rosters import parsing, services
from rosters.models import RosterImport, Status
from rosters.reports import ERROR_HEADER
from rosters.templates import KINDS, WORKER_ID, template_bytes
from tests.test_rosters_conversion import xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "身份证号码", "服务类型", "服务日期"]


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def user(tree, make_user):
    return make_user(tree.city_a, username="caseworker")


def upload(user, tree, content, file_name="roster.xlsx"):
    return services.roster_upload(
        acting_user=user, organisation=tree.city_a, kind="services", file_name=file_name, content=content
    )


def check(user, tree, content, file_name="roster.xlsx"):
    return services.roster_check(upload(user, tree, content, file_name), acting_user=user)


def messages(roster_import):
    return [p["message"] for p in roster_import.report["problems"]]


def rewrite(content, parts):
    """The XLSX ``content`` with parts replaced or added: ``{name: bytes or an iterable of chunks}``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info.filename))
        for name, data in parts.items():
            with target.open(name, "w", force_zip64=True) as stream:
                for chunk in [data] if isinstance(data, bytes) else data:
                    stream.write(chunk)
    return buffer.getvalue()


def services_roster(rows):
    return xlsx({"就业服务": [HEADERS, *rows]})


def shared_strings(count):
    """A sharedStrings part of ``count`` one-letter strings, in chunks (never whole in memory)."""
    yield b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    chunk = b"<si><t>a</t></si>" * 65536
    for _ in range(count // 65536):
        yield chunk
    yield b"</sst>"


def test_a_zip_with_a_huge_shared_strings_part_is_refused_with_the_real_defaults_without_the_memory(user, tree):
    # 105 MB of shared strings packed into a few hundred KB: past ROSTER_MAX_UNCOMPRESSED_BYTES (100 MB).
    content = rewrite(services_roster([]), {"xl/sharedStrings.xml": shared_strings(105 * 1024 * 1024 // 17)})
    assert len(content) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as refused:
            upload(user, tree, content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "文件解压后过大（上限 100 MB）或压缩比异常" in refused.value.messages[0]
    assert peak < 20 * 1024 * 1024
    assert not RosterImport.objects.exists()


def test_a_part_packed_past_the_zip_ratio_is_refused(user, tree):
    # 2 MB of one string repeated packs more than a hundredfold: refused although it is small unpacked.
    content = rewrite(services_roster([]), {"xl/sharedStrings.xml": shared_strings(2 * 1024 * 1024 // 17)})
    with pytest.raises(ValidationError, match="压缩比异常"):
        upload(user, tree, content)


def test_a_shared_strings_part_past_its_own_limit_is_refused(user, tree, settings):
    # Distinct strings pack loosely (no ratio alarm) but are all held in memory once the file is opened.
    settings.ROSTER_MAX_SHARED_STRINGS_BYTES = 1024 * 1024
    distinct = b"".join(b"<si><t>%07d</t></si>" % n for n in range(60_000))  # 1.3 MB
    content = rewrite(services_roster([]), {"xl/sharedStrings.xml": b"<sst>" + distinct + b"</sst>"})
    with pytest.raises(ValidationError) as refused:
        upload(user, tree, content)
    assert refused.value.messages == ["文件中的文字内容过多（上限 1 MB），已拒绝；请删去多余内容或分成几个文件上传。"]


def test_an_xml_part_with_a_dtd_is_refused(user, tree):
    laughs = (
        b'<?xml version="1.0"?>\n<!-- a comment first -->\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><sst>&lol2;</sst>'
    )
    content = rewrite(
        services_roster([["赵红", WORKER_ID, "职业介绍", "2024-06-03"]]), {"xl/sharedStrings.xml": laughs}
    )
    with pytest.raises(ValidationError, match="DTD"):
        upload(user, tree, content)


def test_rows_past_the_limit_are_refused_in_the_check_and_reading_stops(user, tree, settings):
    settings.ROSTER_MAX_ROWS = 15
    row = ["赵红", WORKER_ID, "职业介绍", "2024-06-03"]
    # The upload reads only the head of the file; the check reads it all and stops at the limit.
    roster_import = check(user, tree, services_roster([row] * 15))  # the header and fifteen rows: sixteen
    assert roster_import.status == Status.REFUSED
    assert messages(roster_import) == ["表格的行数超过上限（最多 15 行），请分成几个文件上传。"]
    assert not Person.objects.exists()
    # Blank rows do not count: fourteen rows, blank ones between them, are within the limit.
    assert check(user, tree, services_roster([row, [None] * 4] * 14)).status == Status.CHECKED


def test_columns_past_the_limit_are_refused(user, tree, settings):
    settings.ROSTER_MAX_COLUMNS = 6
    content = services_roster([["赵红", WORKER_ID, "职业介绍", "2024-06-03", None, None, "第七列"]])
    with pytest.raises(ValidationError) as refused:
        upload(user, tree, content)
    assert refused.value.messages == ["表格的列数超过上限（最多 6 列），请删去多余的列后重新上传。"]


def test_a_stated_dimension_and_a_row_number_out_of_excel_are_not_trusted(user, tree):
    content = services_roster([["赵红", WORKER_ID, "职业介绍", "2024-06-03"]])
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    # The sheet says it is 16,384 columns by a million rows: openpyxl would pad every row to that.
    forged = sheet.replace(b'<dimension ref="A1:D2" />', b'<dimension ref="A1:XFD1048576" />')
    assert forged != sheet
    sheets = parsing.read(rewrite(content, {"xl/worksheets/sheet1.xml": forged}), "roster.xlsx")
    assert [len(row) for row in sheets[0].rows] == [4, 4]
    # A row numbered past Excel's last row would have the reader fill a trillion blank rows.
    beyond = sheet.replace(b'<row r="2"', b'<row r="999999999999"').replace(b'r="A2"', b'r="A999999999999"')
    with pytest.raises(parsing.UnreadableFile):
        parsing.read(rewrite(content, {"xl/worksheets/sheet1.xml": beyond}), "roster.xlsx")


def test_csv_past_the_limits_is_refused(user, tree, settings):
    settings.ROSTER_MAX_ROWS = 3
    lines = ["姓名,身份证号码,服务类型,服务日期"] + [f"赵红,{WORKER_ID},职业介绍,2024-06-03"] * 3
    with pytest.raises(ValidationError) as refused:
        upload(user, tree, "\n".join(lines).encode(), file_name="roster.csv")
    assert refused.value.messages == ["表格的行数超过上限（最多 3 行），请分成几个文件上传。"]
    huge_cell = ("姓名,身份证号码\n" + "x" * 200_000 + ",1\n").encode()
    with pytest.raises(ValidationError, match="无法读取该CSV文件"):
        upload(user, tree, huge_cell, file_name="roster.csv")


def test_the_upload_size_is_limited_on_the_page_and_in_the_service(user, tree, client, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 1024 * 1024
    content = template_bytes(KINDS["services"]) + b"\0" * (1024 * 1024)
    client.force_login(user)
    response = client.post(
        reverse("rosters:upload"),
        {"kind": "services", "organisation": tree.city_a.code, "file": SimpleUploadedFile("big.xlsx", content)},
    )
    assert response.status_code == 400 and "文件不能超过 1 MB。" in response.content.decode()
    with pytest.raises(ValidationError, match="文件不能超过 1 MB。"):
        upload(user, tree, content)
    assert not RosterImport.objects.exists()


def test_the_bundle_upload_limit_is_one_setting_for_the_page_and_the_api(tree, make_user, client, settings):
    settings.BUNDLE_UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    body = json.dumps({"format": "casework-bundle/1", "persons": [], "padding": "x" * (1024 * 1024)}).encode()
    page = client.post(reverse("bundle-import"), {"file": SimpleUploadedFile("bundle.json", body)})
    assert "文件过大（不能超过 1 MB）。" in page.content.decode()
    api = client.post("/api/v1/bundles/import/", body, content_type="application/json")
    assert api.status_code == 400 and api.json()["detail"] == "文件过大（不能超过 1 MB）。"
    small = client.post(
        "/api/v1/bundles/import/?dry_run=1", b'{"format": "casework-bundle/1"}', content_type="application/json"
    )
    assert small.status_code == 200


def test_the_file_is_encrypted_at_rest_and_read_back(user, tree):
    content = f"姓名,身份证号码,服务类型,服务日期\n赵红,{WORKER_ID},职业介绍,2024-06-03\n".encode()
    roster_import = upload(user, tree, content, file_name="roster.csv")
    stored = RosterImport.objects.values_list("content_encrypted", flat=True).get(pk=roster_import.pk)
    assert WORKER_ID not in stored and stored.startswith("gAAAAA")
    assert RosterImport.objects.get(pk=roster_import.pk).content == content
    assert services.roster_check(roster_import, acting_user=user).status == Status.CHECKED


def test_files_past_the_retention_period_are_purged_and_the_report_still_downloads(user, tree, client, settings):
    settings.ROSTER_FILE_RETENTION_DAYS = 30
    bad = services_roster([["赵红", WORKER_ID, "不存在的服务", "2024-06-03"]])
    old = check(user, tree, bad)
    recent = check(user, tree, bad)
    running = upload(user, tree, bad)  # queued for its check: keeps its file whatever its age
    RosterImport.objects.filter(pk__in=[old.pk, running.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    client.force_login(user)
    retained = client.get(reverse("rosters:report", args=[old.pk]))
    assert retained.status_code == 200
    sheet = load_workbook(io.BytesIO(retained.content))["就业服务"]
    assert sheet["E1"].value == ERROR_HEADER and sheet["B2"].value == WORKER_ID

    out = io.StringIO()
    call_command("purge_roster_files", "--dry-run", stdout=out)
    assert "would delete 1 roster file(s) older than 30 days" in out.getvalue() and f"{old.pk}\t" in out.getvalue()
    assert RosterImport.objects.get(pk=old.pk).content == bad

    call_command("purge_roster_files", stdout=io.StringIO())
    old = RosterImport.objects.get(pk=old.pk)
    assert (old.content_encrypted, old.content) == ("", b"")
    assert old.file_purged_at is not None and old.report["problems"]
    assert "保留期限" in old.history.latest().history_change_reason
    assert RosterImport.objects.get(pk=recent.pk).content == bad
    assert RosterImport.objects.get(pk=running.pk).content == bad
    # Without the file, the report is the list of problems alone.
    purged = client.get(reverse("rosters:report", args=[old.pk]))
    assert load_workbook(io.BytesIO(purged.content)).sheetnames == ["错误清单"]
    assert "按保留期限删除" in client.get(reverse("rosters:detail", args=[old.pk])).content.decode()
    again = services.roster_check(old, acting_user=user)
    assert messages(again) == ["该文件已超过保留期限并被删除，请重新上传。"]


def test_rotate_keys_re_encrypts_the_stored_files_one_at_a_time(user, tree, settings):
    from cryptography.fernet import Fernet

    from casework import crypto

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    crypto.reset_cache()
    try:
        content = f"姓名,身份证号码,服务类型,服务日期\n赵红,{WORKER_ID},职业介绍,2024-06-03\n".encode()
        roster_import = upload(user, tree, content, file_name="roster.csv")
        history = roster_import.history.count()
        settings.FIELD_ENCRYPTION_KEYS = [new, old]
        crypto.reset_cache()
        call_command("rotate_keys", stdout=io.StringIO())
        token = RosterImport.objects.values_list("content_encrypted", flat=True).get(pk=roster_import.pk)
        assert Fernet(new.encode()).decrypt(token.encode()) == content
        assert roster_import.history.count() == history
        assert RosterImport.rotation_batch_size == 1
    finally:
        crypto.reset_cache()
