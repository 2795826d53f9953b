"""Roster import end to end: template → upload → dry run → import, through the bundle importer."""

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from aid.models import AidGrant, Expenditure, FundReceipt
from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import Graduate, Household, Person, Schooling
from employment.models import Certificate, Institution, Loan, Placement, Service, Training
from rosters import services
from rosters.models import RosterImport, Status
from rosters.reports import ERROR_HEADER
from rosters.templates import CHILD_ID, GRADUATE_ID, HEAD_ID, KINDS, TRAINEE_ID, WORKER_ID, template_bytes
from tests.factories import HouseholdFactory, NoticeEntryFactory, NoticeFactory, PersonFactory
from tests.test_rosters_conversion import xlsx

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    # Tasks run in the request that enqueues them; the database worker is for `make demo`.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def user(tree, make_user):
    return make_user(tree.city_a, username="caseworker")


def run(content, kind, user, organisation, *, file_name="roster.xlsx", confirm=True):
    roster_import = services.roster_upload(
        acting_user=user, organisation=organisation, kind=kind, file_name=file_name, content=content
    )
    roster_import = services.roster_check(roster_import, acting_user=user)
    if confirm and roster_import.status == Status.CHECKED:
        roster_import = services.roster_confirm(roster_import, acting_user=user)
        roster_import = services.roster_import_run(roster_import, acting_user=user)
    return roster_import


def problems(roster_import):
    return [(p["sheet"], p["row"], p["column"], p["message"]) for p in roster_import.report["problems"]]


def test_households_template_imports_with_user_and_sha256_in_the_history(user, tree):
    content = template_bytes(KINDS["households"])
    roster_import = run(content, "households", user, tree.city_a, file_name="档案.xlsx")
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    household = Household.objects.get(file_no="ZZ-2024-0001")
    assert (household.kind, household.filed_on, household.hardship_reasons) == (
        "worker",
        D(2024, 4, 15),
        ["illness", "education"],
    )
    assert household.organisation == tree.city_a
    head = Person.objects.get(id_number_digest=Person.digest(HEAD_ID))
    assert (head.name, head.household, head.relationship, head.phone) == ("张建国", household, "head", "13800000000")
    reason = f"roster import 档案.xlsx sha256:{hashlib.sha256(content).hexdigest()} by caseworker"
    row = household.history.get()
    assert (row.history_change_reason, row.history_user_id) == (reason, user.pk)
    assert head.history.get().history_change_reason == reason
    assert roster_import.report["counts"] == {"households": 1, "persons": 1}
    assert (roster_import.total_rows, roster_import.done_rows) == (2, 2)
    assert roster_import.finished_at is not None
    assert [h.status for h in roster_import.history.order_by("history_id")] == [
        Status.CHECK_QUEUED,
        Status.CHECKING,
        Status.CHECKED,
        Status.IMPORT_QUEUED,
        Status.IMPORTING,
        Status.IMPORTED,
    ]


def test_importing_the_same_roster_twice_changes_nothing(user, tree):
    content = template_bytes(KINDS["households"])
    run(content, "households", user, tree.city_a)
    rows = Household.history.count() + Person.history.count()
    again = run(content, "households", user, tree.city_a)
    assert again.status == Status.IMPORTED
    assert (Household.objects.count(), Person.objects.count()) == (1, 1)
    assert Household.history.count() + Person.history.count() == rows


def test_students_template_imports(user, tree):
    run(template_bytes(KINDS["households"]), "households", user, tree.city_a)
    household = Household.objects.get(file_no="ZZ-2024-0001")
    child = PersonFactory(id_number=CHILD_ID, name="张小明", household=household, relationship="child")
    NoticeEntryFactory(
        notice=NoticeFactory(organisation=tree.city_a, starts_on=D(2024, 8, 20), ends_on=D(2024, 8, 27)),
        person=child,
        amount=Decimal("2000.00"),  # the standard published: the template's example grant
    )
    roster_import = run(template_bytes(KINDS["students"]), "students", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    schooling = Schooling.objects.get(person=child)
    assert (schooling.stage, schooling.school, schooling.entered_on) == ("undergraduate", "郑州大学", D(2024, 9, 1))
    grant = AidGrant.objects.get(person=child)
    assert (grant.amount, grant.granted_on, grant.organisation) == (Decimal("2000.00"), D(2024, 9, 10), tree.city_a)


def test_trainees_template_imports(user, tree):
    roster_import = run(template_bytes(KINDS["trainees"]), "trainees", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    institution = Institution.objects.get(code="JG-001")
    assert institution.employment_training_base and not institution.migrant_demo_base
    training = Training.objects.get()
    assert (training.person.id_number, training.institution, training.type, training.category) == (
        TRAINEE_ID,
        institution,
        "skills",
        "laid_off",
    )
    certificate = Certificate.objects.get()
    assert (certificate.level, certificate.issuer, certificate.via_assessment) == ("intermediate", "labour_dept", True)


def test_graduates_template_imports(user, tree):
    run(template_bytes(KINDS["households"]), "households", user, tree.city_a)
    roster_import = run(template_bytes(KINDS["graduates"]), "graduates", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    graduate = Graduate.objects.get()
    assert graduate.person.id_number == GRADUATE_ID
    assert graduate.person.household.file_no == "ZZ-2024-0001"
    assert (graduate.graduation_year, graduate.university, graduate.university_local) == (2024, "河南大学", True)


@pytest.mark.parametrize(
    ("kind", "model", "values"),
    [
        ("placements", Placement, {"employer": "郑州宇通客车", "channel": "union_referral", "contract_months": 12}),
        ("loans", Loan, {"kind": "small_loan", "amount": Decimal("50000.00"), "jobs_created": 3}),
        ("services", Service, {"type": "job_search_subsidy", "amount": Decimal("500.00")}),
    ],
)
def test_person_record_templates_import(user, tree, kind, model, values):
    roster_import = run(template_bytes(KINDS[kind]), kind, user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    record = model.objects.get()
    assert record.person.id_number == WORKER_ID and record.person.name == "赵红"
    assert {k: getattr(record, k) for k in values} == values


def test_funds_template_imports(user, tree):
    roster_import = run(template_bytes(KINDS["funds"]), "funds", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    receipt = FundReceipt.objects.get()
    assert (receipt.programme, receipt.source, receipt.amount) == ("student_aid", "union", Decimal("100000.00"))
    spent = Expenditure.objects.get()
    assert (spent.programme, spent.use, spent.amount) == ("employment", "training", Decimal("30000.00"))


def _households_with_one_bad_row():
    head = ["档案编号", "姓名", "身份证号码", "与户主关系"]
    return xlsx(
        {
            "困难职工档案": [
                ["档案编号", "类别", "申请日期", "建档日期"],
                ["H-1", "困难职工", "2014.3.1", "2014/4/1"],
                ["H-2", "困难农民工", 41700, "2014年4月2日"],
            ],
            "家庭成员": [
                head,
                ["H-1", "甲", sample_id_number(1), "户主"],
                ["H-2", "乙", sample_id_number(2), "户主"],
                ["H-2", "丙", 410102200506010000, "子女"],  # typed into a number cell by Excel
                ["H-2", "丁", "110101198001010012", "子女"],  # wrong check digit
            ],
        }
    )


def test_one_bad_row_and_nothing_is_written(user, tree):
    roster_import = run(_households_with_one_bad_row(), "households", user, tree.city_a)
    assert roster_import.status == Status.REFUSED
    assert (Household.objects.count(), Person.objects.count()) == (0, 0)
    assert (Household.history.count(), Person.history.count()) == (0, 0)
    found = problems(roster_import)
    assert found[0][:3] == ("家庭成员", 4, "身份证号码")
    assert "存成了数字" in found[0][3]
    assert [p[:3] for p in found[1:]] == [("家庭成员", 5, "身份证号码")]
    # The importer's own message, not a second rule written here.
    assert "校验" in found[1][3]


def test_error_report_spreadsheet_has_an_error_column(user, tree, client):
    roster_import = run(_households_with_one_bad_row(), "households", user, tree.city_a)
    client.force_login(user)
    response = client.get(reverse("rosters:report", args=[roster_import.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    members = book["家庭成员"]
    assert members.cell(row=1, column=5).value == ERROR_HEADER
    column = [members.cell(row=r, column=5).value for r in range(2, 6)]
    assert column[0] is None and column[1] is None
    assert column[2].startswith("身份证号码：") and "存成了数字" in column[2]
    assert "校验" in column[3]
    assert members["C4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert book["困难职工档案"].cell(row=1, column=5).value == ERROR_HEADER
    listing = [[c.value for c in row] for row in book["错误清单"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[2]) for r in listing] == [("家庭成员", 4, "身份证号码"), ("家庭成员", 5, "身份证号码")]


def test_a_messy_roster_imports(user, tree):
    """Full-width digits, lower-case x, spaces, serial and dotted dates, 元 amounts, merged headers,
    blank rows and a second sheet, all in one roster."""
    a = sample_id_number(9)  # ends in X
    b = sample_id_number(20)
    assert a.endswith("X")
    wide_b = b.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    title = ["2024年小额贷款花名册", None, None, None, None, None, None]
    group = ["借款人", None, "贷款情况", None, None, None, None]
    header = ["姓名", "身份证号", "贷款种类", "人员类别", "放款日期", "贷款金额（元）", "带动就业人数"]
    content = xlsx(
        {
            "一月": [
                title,
                group,
                header,
                ["甲", f"  {a.lower()}  ", "小额贷款", "农民工", 45300, "12,000.00元", "2人"],
                [None] * 7,
            ],
            "二月": [header, [], ["乙", wide_b, "助贷", "下岗失业人员", "2024.2.1", "８０００元", 0]],
        },
        merges={"一月": ["A1:G1", "A2:B2", "C2:G2"]},
    )
    roster_import = run(content, "loans", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    loans = {loan.person.id_number: loan for loan in Loan.objects.select_related("person")}
    assert (loans[a].lent_on, loans[a].amount, loans[a].jobs_created, loans[a].category) == (
        D(2024, 1, 9),
        Decimal("12000.00"),
        2,
        "migrant_worker",
    )
    assert (loans[b].lent_on, loans[b].amount, loans[b].kind) == (D(2024, 2, 1), Decimal("8000.00"), "assisted_loan")


def test_gb18030_csv_imports(user, tree):
    number = sample_id_number(30)
    text = f"姓名,身份证号码,服务类型,服务日期\n王五,{number},职业介绍,2014年9月1日\n"
    roster_import = run(text.encode("gb18030"), "services", user, tree.city_a, file_name="服务.csv")
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    service = Service.objects.get()
    assert (service.person.name, service.type, service.served_on) == ("王五", "job_introduction", D(2014, 9, 1))


def test_units_outside_the_users_subtree_are_refused(user, tree, make_user):
    with pytest.raises(PermissionDenied):
        services.roster_upload(
            acting_user=user, organisation=tree.city_b, kind="funds", file_name="f.xlsx", content=b"PK"
        )
    content = xlsx(
        {
            "筹集资金": [
                ["项目", "资金来源", "到账日期", "金额", "单位代码"],
                ["金秋助学", "工会经费", "2024-1-2", 10, "410300"],
            ]
        }
    )
    roster_import = run(content, "funds", user, tree.city_a)
    assert roster_import.status == Status.REFUSED
    assert problems(roster_import)[0][:3] == ("筹集资金", 2, "单位代码")
    assert FundReceipt.objects.count() == 0


def test_web_flow_with_column_mapping(user, tree, client):
    client.force_login(user)
    page = client.get(reverse("rosters:index"))
    assert page.status_code == 200
    assert reverse("rosters:template", args=["households"]) in page.content.decode()
    template = client.get(reverse("rosters:template", args=["placements"]))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["就业", "填写说明"]

    number = sample_id_number(40)
    content = xlsx(
        {"名单": [["姓名", "身份证号码", "项目类别", "日期", "备注"], ["王五", number, "法律援助", "2024-5-6", "无"]]}
    )
    upload = io.BytesIO(content)
    upload.name = "服务名单.xlsx"
    response = client.post(
        reverse("rosters:upload"), {"kind": "services", "organisation": tree.city_a.code, "file": upload}
    )
    roster_import = RosterImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("rosters:mapping", args=[roster_import.pk])
    assert roster_import.status == Status.MAPPING
    form = client.get(response.url)
    assert "名单 · 项目类别" in form.content.decode()
    labels = {f.label: name for name, f in form.context["form"].fields.items()}
    response = client.post(
        response.url,
        {labels["名单 · 项目类别"]: "type", labels["名单 · 日期"]: "served_on", labels["名单 · 备注"]: ""},
    )
    assert response.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == Status.CHECKED, roster_import.report
    detail = client.get(reverse("rosters:detail", args=[roster_import.pk]))
    assert "确认导入" in detail.content.decode()
    assert Service.objects.count() == 0
    client.post(reverse("rosters:confirm", args=[roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.status == Status.IMPORTED
    service = Service.objects.get()
    assert (service.type, service.served_on) == ("legal_aid", D(2024, 5, 6))
    assert "已于" in client.get(reverse("rosters:detail", args=[roster_import.pk])).content.decode()


def test_other_units_do_not_see_an_import(user, tree, make_user, client):
    roster_import = run(template_bytes(KINDS["funds"]), "funds", user, tree.city_a, confirm=False)
    client.force_login(make_user(tree.city_b, username="other"))
    assert client.get(reverse("rosters:detail", args=[roster_import.pk])).status_code == 404
    assert client.post(reverse("rosters:confirm", args=[roster_import.pk])).status_code == 404


def test_command_dry_run_then_import(user, tree, tmp_path, capsys):
    path = tmp_path / "loans.xlsx"
    path.write_bytes(template_bytes(KINDS["loans"]))
    call_command("import_roster", str(path), "--kind", "loans", "--org", "410100", "--user", "caseworker", "--dry-run")
    assert Loan.objects.count() == 0
    assert "检查通过" in capsys.readouterr().out
    call_command("import_roster", str(path), "--kind", "loans", "--org", "410100", "--user", "caseworker")
    loan = Loan.objects.get()
    assert loan.history.get().history_user_id == user.pk
    bad = tmp_path / "bad.csv"
    bad.write_text("身份证号码,服务类型,服务日期\n1.10101E+17,职业介绍,2024-1-1\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_roster", str(bad), "--kind", "services", "--org", "410100")
    assert "存成了数字" in capsys.readouterr().err
    assert Service.objects.count() == 0


def test_household_file_already_on_record_is_referred_to(user, tree):
    household = HouseholdFactory(file_no="H-9", organisation=tree.city_a)
    number = sample_id_number(50)
    content = xlsx({"家庭成员": [["档案编号", "姓名", "身份证号码", "与户主关系"], ["H-9", "戊", number, "配偶"]]})
    roster_import = run(content, "households", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    assert Person.objects.get(household=household).relationship == "spouse"


def test_upload_queues_the_check_for_the_database_worker_and_shows_progress(user, tree, client, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker drops connections outside autocommit, which would drop the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    client.force_login(user)
    upload = io.BytesIO(template_bytes(KINDS["funds"]))
    upload.name = "资金.xlsx"
    response = client.post(
        reverse("rosters:upload"), {"kind": "funds", "organisation": tree.city_a.code, "file": upload}
    )
    roster_import = RosterImport.objects.get()
    assert response.url == reverse("rosters:detail", args=[roster_import.pk])
    assert roster_import.status == Status.CHECK_QUEUED
    assert DBTaskResult.objects.get().task_path == "rosters.tasks.check_roster"
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert '<progress max="2" value="0">' in page  # one row on each of the two sheets
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    roster_import.refresh_from_db()
    assert (roster_import.status, roster_import.done_rows) == (Status.CHECKED, 2)
    assert "hx-trigger" not in client.get(response.url).content.decode()


def test_upload_of_a_file_without_known_headers_is_refused_on_the_form(user, tree, client):
    client.force_login(user)
    upload = io.BytesIO(xlsx({"Sheet1": [["甲", "乙"], [1, 2]]}))
    upload.name = "随便.xlsx"
    response = client.post(
        reverse("rosters:upload"), {"kind": "loans", "organisation": tree.city_a.code, "file": upload}
    )
    assert response.status_code == 400
    assert "没有找到" in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_an_unexpected_failure_is_not_left_running(user, tree, monkeypatch):
    roster_import = services.roster_upload(
        acting_user=user,
        organisation=tree.city_a,
        kind="funds",
        file_name="f.xlsx",
        content=template_bytes(KINDS["funds"]),
    )

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "apply_bundle", broken)
    with pytest.raises(RuntimeError):
        services.roster_check(roster_import, acting_user=user)
    roster_import.refresh_from_db()
    assert roster_import.status == Status.REFUSED
    assert problems(roster_import) == [(None, None, None, "处理时发生内部错误，未导入任何数据。")]


def test_upload_reads_only_the_head_and_the_check_counts_the_rows(user, tree):
    from openpyxl import Workbook

    # A streamed workbook states no dimension, as some exporting tools write them.
    book = Workbook(write_only=True)
    sheet = book.create_sheet("服务")
    sheet.append(["姓名", "身份证号码", "服务类型", "服务日期"])
    for n in range(30):
        sheet.append([f"职工{n}", sample_id_number(100 + n), "职业介绍", "2024-5-6"])
    buffer = io.BytesIO()
    book.save(buffer)
    roster_import = services.roster_upload(
        acting_user=user, organisation=tree.city_a, kind="services", file_name="s.xlsx", content=buffer.getvalue()
    )
    assert roster_import.total_rows == 0  # not known until the whole file is read
    roster_import = services.roster_check(roster_import, acting_user=user)
    assert (roster_import.status, roster_import.total_rows, roster_import.done_rows) == (Status.CHECKED, 30, 30)
    sized = services.roster_upload(
        acting_user=user,
        organisation=tree.city_a,
        kind="loans",
        file_name="l.xlsx",
        content=template_bytes(KINDS["loans"]),
    )
    assert sized.total_rows == 1


def test_error_report_of_a_csv_is_a_spreadsheet_of_its_rows(user, tree):
    from rosters.reports import error_bytes

    text = (
        "姓名,身份证号码,服务类型,服务日期\n"
        "甲,4.10102E+17,职业介绍,2024-5-6\n"
        f"乙,{sample_id_number(60)},职业介绍,2024年5月7日\n"
    )
    roster_import = run(text.encode("gb18030"), "services", user, tree.city_a, file_name="服务.csv")
    assert roster_import.status == Status.REFUSED
    sheet = load_workbook(io.BytesIO(error_bytes(roster_import)))["服务.csv"]
    assert [c.value for c in sheet[1]] == ["姓名", "身份证号码", "服务类型", "服务日期", ERROR_HEADER]
    assert "存成了数字" in sheet["E2"].value
    assert sheet["E3"].value is None
    assert Service.objects.count() == 0


def test_a_missing_required_column_is_reported_once(user, tree):
    header = ["姓名", "身份证号码", "服务日期"]
    rows = [["甲", sample_id_number(70), "2024-5-6"], ["乙", sample_id_number(71), "2024-5-7"]]
    roster_import = run(xlsx({"服务": [header, *rows]}), "services", user, tree.city_a)
    assert roster_import.status == Status.REFUSED
    assert problems(roster_import) == [("服务", 1, "服务类型", "缺少必填列“服务类型”。")]


def test_a_blank_required_cell_is_reported_on_that_cell(user, tree):
    header = ["姓名", "身份证号码", "服务类型", "服务日期"]
    rows = [["甲", sample_id_number(72), "职业介绍", "2024-5-6"], ["乙", sample_id_number(73), None, "2024-5-7"]]
    roster_import = run(xlsx({"服务": [header, *rows]}), "services", user, tree.city_a)
    assert roster_import.status == Status.REFUSED
    assert [p[:3] for p in problems(roster_import)] == [("服务", 3, "服务类型")]
    assert roster_import.report["problems"][0]["letter"] == "C"
    assert Service.objects.count() == 0
