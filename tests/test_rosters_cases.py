"""A user's own spreadsheets: the cases of issue 14 that a template never shows."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from aid.models import AidGrant
from beneficiaries.models import Household, Person, Schooling
from employment.models import Service
from rosters import normalise, reports, services
from rosters.models import RosterImport, Status
from rosters.reports import ERROR_HEADER
from rosters.templates import CHILD_ID, KINDS, WORKER_ID, template_bytes
from tests.factories import NoticeEntryFactory, NoticeFactory, PersonFactory, SchoolingFactory
from tests.test_rosters_conversion import xlsx
from tests.test_rosters_import import problems, run

D = datetime.date

pytestmark = pytest.mark.django_db

STUDENT_HEADERS = ["姓名", "身份证号码", "学段", "学校", "入学日期", "助学金额（元）", "发放日期"]
STUDENT_ROW = ["张小明", CHILD_ID, "本科", "郑州大学", "2024-09-01", "2,000", "2024-09-10"]
SERVICE_HEADERS = ["姓名", "身份证号码", "服务类型", "服务日期"]


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def chinese_afterwards():
    # A page asked in English leaves English active in the thread; the next test starts in Chinese.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def user(tree, make_user):
    return make_user(tree.city_a, username="caseworker")


@pytest.fixture
def child(user, tree):
    """A student of a filed household, on a public notice before the grant: a grant roster for them imports."""
    run(template_bytes(KINDS["households"]), "households", user, tree.city_a)
    household = Household.objects.get(file_no="ZZ-2024-0001")
    child = PersonFactory(id_number=CHILD_ID, name="张小明", household=household, relationship="child")
    NoticeEntryFactory(
        notice=NoticeFactory(organisation=tree.city_a, starts_on=D(2024, 8, 20), ends_on=D(2024, 8, 27)),
        person=child,
        amount=Decimal("2000.00"),  # the standard published: the template's example grant
    )
    return child


def test_a_copy_pasted_grant_row_is_refused_naming_both_rows(user, tree, child):
    content = xlsx({"学生": [STUDENT_HEADERS, STUDENT_ROW, [None] * 7, STUDENT_ROW]})
    roster_import = run(content, "students", user, tree.city_a)
    assert roster_import.status == Status.REFUSED
    assert problems(roster_import) == [
        (
            "学生",
            4,
            "身份证号码",
            "第2行和第4行是同一学生同一发放日期的助学款，同一笔助学只能登记一次；请删除重复的一行。",
        )
    ]
    assert not AidGrant.objects.exists()
    # Two grants of one school entry on different dates are two grants and one entry.
    second = [*STUDENT_ROW[:5], "2,000", "2025-03-10"]
    roster_import = run(xlsx({"学生": [STUDENT_HEADERS, STUDENT_ROW, second]}), "students", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    assert AidGrant.objects.filter(person=child).count() == 2 and Schooling.objects.filter(person=child).count() == 1


def test_one_id_number_under_two_names_is_refused_naming_both_rows(user, tree):
    rows = [
        SERVICE_HEADERS,
        ["赵红", WORKER_ID, "职业介绍", "2024-06-03"],
        ["赵虹", WORKER_ID, "职业介绍", "2024-07-01"],
    ]
    roster_import = run(xlsx({"就业服务": rows}), "services", user, tree.city_a)
    assert roster_import.status == Status.REFUSED
    assert problems(roster_import) == [
        (
            "就业服务",
            3,
            "姓名",
            "同一身份证号码在第2行为“赵红”，在第3行为“赵虹”；一个号码只能对应一人，请核对。",
        )
    ]
    assert not Person.objects.exists() and not Service.objects.exists()


def test_hidden_rows_and_sheets_are_skipped_and_listed_in_the_report(user, tree, client):
    book = Workbook()
    sheet = book.active
    sheet.title = "就业服务"
    for row in (
        SERVICE_HEADERS,
        ["赵红", WORKER_ID, "职业介绍", "2024-06-03"],
        ["钱明", "'" + CHILD_ID, "职业介绍", "2024-06-04"],  # hidden by a filter
    ):
        sheet.append(row)
    sheet.row_dimensions[3].hidden = True
    other = book.create_sheet("另一批")
    other.append(SERVICE_HEADERS)
    other.append(["孙亮", CHILD_ID, "职业介绍", "2024-06-05"])
    other.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    roster_import = run(buffer.getvalue(), "services", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    assert Service.objects.get().person.id_number == WORKER_ID
    assert not Person.objects.filter(id_number_digest=Person.digest(CHILD_ID)).exists()
    assert roster_import.report["hidden"] == {"sheets": ["另一批"], "rows": [{"sheet": "就业服务", "rows": [3]}]}
    client.force_login(user)
    page = client.get(reverse("rosters:detail", args=[roster_import.pk])).content.decode()
    assert "隐藏的工作表“另一批”" in page and "工作表“就业服务”的隐藏行：第 3 行" in page


def test_a_leading_apostrophe_before_an_id_number_is_removed(user, tree):
    assert normalise.id_number("'" + WORKER_ID) == WORKER_ID
    assert normalise.id_number(" ‘" + WORKER_ID) == WORKER_ID
    with pytest.raises(normalise.CellError):
        normalise.id_number("'1.10101E+17")
    rows = [SERVICE_HEADERS, ["赵红", "'" + WORKER_ID, "职业介绍", "2024-06-03"]]
    roster_import = run(xlsx({"就业服务": rows}), "services", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    assert Person.objects.get().id_number == WORKER_ID


def test_header_synonyms_match_alike_on_the_page_in_english_and_on_the_command_line(
    user, tree, child, client, tmp_path
):
    headers = ["名字", "公民身份号码", "学段", "学校", "入学日期", "救助金额", "发放日期"]
    content = xlsx({"学生": [headers, STUDENT_ROW]})
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("rosters:upload"),
        {"kind": "students", "organisation": tree.city_a.code, "file": SimpleUploadedFile("roster.xlsx", content)},
    )
    on_page = RosterImport.objects.get(kind="students")
    assert response.url == reverse("rosters:detail", args=[on_page.pk])  # no column left to map
    assert on_page.status == Status.CHECKED, on_page.report
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    call_command(
        "import_roster", str(path), "--kind", "students", "--org", tree.city_a.code, "--dry-run", stdout=io.StringIO()
    )
    on_command_line = RosterImport.objects.filter(kind="students").exclude(pk=on_page.pk).get()
    assert on_command_line.status == Status.CHECKED
    columns = {"name": "名字", "id_number": "公民身份号码", "amount": "救助金额"}
    for roster_import in (on_page, on_command_line):
        assert roster_import.report["sheets"][0]["columns"].items() >= columns.items()
    assert on_page.report["counts"] == on_command_line.report["counts"] == {"schooling": 1, "aid_grants": 1}


def test_the_fixed_report_workbook_uploads_again(user, tree, child):
    bad = [*STUDENT_ROW[:5], "两千", STUDENT_ROW[6]]
    refused = run(xlsx({"学生": [STUDENT_HEADERS, bad]}), "students", user, tree.city_a)
    assert refused.status == Status.REFUSED
    book = load_workbook(io.BytesIO(reports.error_bytes(refused)))
    assert book.sheetnames == ["学生", "错误清单"] and book["学生"]["H1"].value == ERROR_HEADER
    book["学生"]["F2"] = "2000"  # the clerk fixes the highlighted cell and uploads the report itself
    buffer = io.BytesIO()
    book.save(buffer)
    again = services.roster_upload(
        acting_user=user,
        organisation=tree.city_a,
        kind="students",
        file_name="检查结果.xlsx",
        content=buffer.getvalue(),
    )
    assert again.status == Status.CHECK_QUEUED  # the report's column asks no mapping, its sheet is not read
    again = run(buffer.getvalue(), "students", user, tree.city_a, file_name="检查结果.xlsx")
    assert again.status == Status.IMPORTED, problems(again)
    assert "错误清单" in again.report["skipped"]
    assert AidGrant.objects.get(person=child).amount == 2000
    # A report of a report reuses the error column rather than adding another.
    book["学生"]["F2"] = "两千"
    buffer = io.BytesIO()
    book.save(buffer)
    twice = run(buffer.getvalue(), "students", user, tree.city_a, file_name="检查结果2.xlsx")
    sheet = load_workbook(io.BytesIO(reports.error_bytes(twice)))["学生"]
    assert sheet.max_column == 8 and sheet["H1"].value == ERROR_HEADER and "两千" in sheet["H2"].value


def test_a_grant_roster_does_not_write_again_the_school_entries_on_file(user, tree, child):
    # As the template's example row gives it (录取日期 2024-07-20, 年级 大一).
    entry = SchoolingFactory(
        person=child,
        stage="undergraduate",
        school="郑州大学",
        entered_on=D(2024, 9, 1),
        admitted_on=D(2024, 7, 20),
        grade="u1",
    )
    history = Schooling.history.count()
    roster_import = run(template_bytes(KINDS["students"]), "students", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    assert list(Schooling.objects.filter(person=child)) == [entry]
    assert Schooling.history.count() == history
    assert AidGrant.objects.get(person=child).granted_on == D(2024, 9, 10)


@pytest.mark.parametrize("amount", ["1e30", 1e30, "1" + "0" * 12])
def test_an_amount_out_of_range_is_refused_on_its_cell(user, tree, child, amount):
    row = [*STUDENT_ROW[:5], amount, STUDENT_ROW[6]]
    roster_import = run(xlsx({"学生": [STUDENT_HEADERS, row]}), "students", user, tree.city_a)
    assert roster_import.status == Status.REFUSED
    [(sheet, row_number, column, message)] = problems(roster_import)
    assert (sheet, row_number, column) == ("学生", 2, "助学金额(元)")
    assert message.startswith("无法识别的金额") if amount == "1e30" else "过大" in message
    assert not AidGrant.objects.exists()


def test_a_template_downloaded_in_english_imports_in_the_worker(user, tree):
    with translation.override("en"):
        content = template_bytes(KINDS["services"])
    roster_import = run(content, "services", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    assert "Instructions" in roster_import.report["skipped"]
    assert Service.objects.get().person.id_number == WORKER_ID
