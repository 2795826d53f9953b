"""Ledgers (台账): the Golden Autumn payment ledger, the fund ledger and the household file ledger,
downloaded as XLSX by a county caseworker and a province user, every checked figure computed by hand."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from beneficiaries.id_numbers import mask, sample_id_number
from casework.choices import Role
from casework.models import ExportLog
from tests.factories import (
    AidGrantFactory,
    AssistanceMeasureFactory,
    ExpenditureFactory,
    FundReceiptFactory,
    HouseholdFactory,
    PersonFactory,
    SchoolingFactory,
)

D = datetime.date
YEAR_2014 = {"start": "2014-01-01", "end": "2014-12-31"}


@pytest.fixture
def records(tree):
    """Two counties' households, grants, measures, receipts and expenditures (county A is 巩义)."""
    gy1 = HouseholdFactory(
        file_no="GY-001",
        organisation=tree.county_a,
        kind="migrant_worker",
        single_parent_female=True,
        hardship_reasons=["illness", "unemployment"],
    )
    PersonFactory(household=gy1, name="李大山", relationship="head", seq=101)
    pupil = PersonFactory(household=gy1, name="李小花", relationship="child", seq=102)
    SchoolingFactory(person=pupil, stage="junior_secondary", school="巩义二中", entered_on=D(2011, 9, 1))
    # Admitted in July, entering in September: the August grant is already a senior-secondary one.
    SchoolingFactory(
        person=pupil, stage="senior_secondary", school="巩义一中", admitted_on=D(2014, 7, 20), entered_on=D(2014, 9, 1)
    )
    AidGrantFactory(
        person=pupil,
        organisation=tree.county_a,
        granted_on=D(2014, 8, 10),
        amount=Decimal("1500.00"),
        fund_source="central_finance",
        payment_method="cash",
    )
    AidGrantFactory(person=pupil, organisation=tree.county_a, granted_on=D(2013, 9, 10), amount=Decimal("700.00"))
    AssistanceMeasureFactory(household=gy1, provided_on=D(2014, 1, 20), amount=Decimal("500.00"))
    AssistanceMeasureFactory(household=gy1, type="warmth", provided_on=D(2014, 5, 1), amount=None)
    AssistanceMeasureFactory(household=gy1, provided_on=D(2013, 12, 1), amount=Decimal("300.00"))

    gy2 = HouseholdFactory(file_no="GY-002", organisation=tree.county_a)
    PersonFactory(household=gy2, name="王大力", relationship="head", seq=201)
    pupil2 = PersonFactory(household=gy2, name="王小明", relationship="child", seq=202)
    SchoolingFactory(person=pupil2, stage="primary", school="巩义实验小学", entered_on=D(2010, 9, 1))
    AidGrantFactory(
        person=pupil2,
        organisation=tree.county_a,
        granted_on=D(2014, 3, 5),
        amount=Decimal("800.50"),
        fund_source="union",
        payment_method="bank_card",
    )
    HouseholdFactory(file_no="GY-003", organisation=tree.county_a, closed_on=D(2013, 6, 1))  # closed before 2014
    HouseholdFactory(
        file_no="GY-004", organisation=tree.county_a, applied_on=D(2014, 10, 1), reviewed_on=None, filed_on=None
    )
    HouseholdFactory(file_no="GY-005", organisation=tree.county_a, closed_on=D(2014, 5, 1))

    ys1 = HouseholdFactory(file_no="YS-001", organisation=tree.county_b)
    PersonFactory(household=ys1, name="赵大海", relationship="head", seq=301)
    pupil3 = PersonFactory(household=ys1, name="赵小军", relationship="child", seq=302)
    SchoolingFactory(person=pupil3, stage="undergraduate", school="河南大学", entered_on=D(2013, 9, 1))
    AidGrantFactory(person=pupil3, organisation=tree.county_b, granted_on=D(2014, 8, 1), amount=Decimal("999.00"))

    FundReceiptFactory(organisation=tree.county_a, source="union", received_on=D(2014, 3, 1), amount=Decimal("10000"))
    FundReceiptFactory(
        organisation=tree.county_a,
        source="government",
        received_on=D(2014, 4, 1),
        amount=Decimal("5000"),
        transferred_from=tree.province,
        note="=1+1",
    )
    FundReceiptFactory(
        organisation=tree.county_a,
        programme="employment",
        source="central_finance",
        received_on=D(2014, 5, 1),
        amount=Decimal("20000"),
    )
    FundReceiptFactory(organisation=tree.county_a, received_on=D(2013, 5, 1), amount=Decimal("777"))
    FundReceiptFactory(organisation=tree.province, source="union", received_on=D(2014, 2, 1), amount=Decimal("50000"))
    FundReceiptFactory(
        organisation=tree.county_b,
        source="social_donation",
        received_on=D(2014, 6, 1),
        amount=Decimal("3000"),
        transferred_from=tree.national,
    )
    ExpenditureFactory(organisation=tree.county_a, use="training", spent_on=D(2014, 6, 1), amount=Decimal("3000"))
    ExpenditureFactory(
        organisation=tree.county_a, use="job_introduction", spent_on=D(2014, 6, 2), amount=Decimal("1200.50")
    )
    ExpenditureFactory(
        organisation=tree.county_a, programme="student_aid", use="other", spent_on=D(2014, 7, 1), amount=Decimal("400")
    )
    ExpenditureFactory(organisation=tree.county_b, use="training", spent_on=D(2014, 6, 1), amount=Decimal("900"))
    return tree


def _value(cell):
    value = cell.value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return value


def download(client, user, kind, **params):
    client.force_login(user)
    response = client.get(f"/ledgers/{kind}.xlsx", params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [[_value(cell) for cell in row] for row in sheet.iter_rows(min_row=3)]


@pytest.fixture
def county_user(records, make_user):
    return make_user(records.county_a, Role.CASEWORKER)


@pytest.fixture
def province_user(records, make_user):
    return make_user(records.province, Role.STATISTICS_OFFICER)


CASH, BANK = "现金（本人签领）", "银行卡"
N = None


def test_grant_ledger_of_a_county(client, county_user):
    sheet, rows = download(client, county_user, "grants", org="410181", **YEAR_2014)
    assert sheet["A1"].value == "金秋助学发放台账（巩义市总工会，2014-01-01 至 2014-12-31）"
    assert [c.value for c in sheet[2]] == [
        "序号",
        "学生姓名",
        "身份证号码",
        "学校",
        "学段",
        "家长（户主）",
        "档案编号",
        "家庭类别",
        "困难单亲女职工家庭",
        "金额（元）",
        "资金来源",
        "发放日期",
        "发放方式",
        "填报单位",
        "领取人签字",
    ]
    assert sheet.freeze_panes == "A3"
    gy = "巩义市总工会"
    assert rows == [
        [1, "王小明", mask(sample_id_number(202)), "巩义实验小学", "小学", "王大力", "GY-002", "困难职工", "否"]
        + [Decimal("800.50"), "工会经费", D(2014, 3, 5), BANK, gy, "银行卡发放"],
        # The schooling admitted in July is in force on the August grant date: 高中 at 巩义一中.
        [2, "李小花", mask(sample_id_number(102)), "巩义一中", "高中", "李大山", "GY-001", "困难农民工", "是"]
        + [Decimal("1500.00"), "中央财政专项资金", D(2014, 8, 10), CASH, gy, N],
        ["合计", "2笔", N, N, N, N, N, N, N, Decimal("2300.50"), N, N, N, N, N],
    ]
    money, day = sheet.cell(row=3, column=10), sheet.cell(row=3, column=12)
    assert money.number_format == '"¥"#,##0.00' and money.data_type == "n"
    assert day.is_date and day.number_format == "yyyy-mm-dd"
    assert sample_id_number(102) not in str(rows)
    log = ExportLog.objects.get(model="aid.ledger.grants")
    assert (log.user, log.rows, log.file_format) == (county_user, 2, "xlsx")
    assert log.filters == {"org": "410181", "start": "2014-01-01", "end": "2014-12-31"}


def test_grant_ledger_stage_before_the_admission(client, county_user):
    _sheet, rows = download(client, county_user, "grants", org="410181", start="2013-01-01", end="2013-12-31")
    assert [row[1:5] for row in rows[:-1]] == [["李小花", mask(sample_id_number(102)), "巩义二中", "初中"]]
    assert rows[-1][9] == Decimal("700.00")


def test_grant_ledger_of_the_province(client, province_user):
    sheet, rows = download(client, province_user, "grants", **YEAR_2014)  # the user's own unit by default
    assert "河南省总工会" in sheet["A1"].value
    assert [(row[1], row[4], row[9], row[13]) for row in rows] == [
        ("王小明", "小学", Decimal("800.50"), "巩义市总工会"),
        ("赵小军", "本科", Decimal("999.00"), "偃师市总工会"),
        ("李小花", "高中", Decimal("1500.00"), "巩义市总工会"),
        ("3笔", N, Decimal("3299.50"), N),
    ]


def test_a_unit_outside_the_subtree_answers_like_an_unknown_one(client, county_user):
    client.force_login(county_user)
    for code in ("410000", "410381", "999999"):
        response = client.get("/ledgers/grants.xlsx", {"org": code, **YEAR_2014})
        assert response.status_code == 400
        assert "没有找到该单位（或不在您的管辖范围内）" in response.content.decode()
    response = client.get("/ledgers/grants.xlsx", {"org": "410181", "start": "2014-12-31", "end": "2014-01-01"})
    assert response.status_code == 400 and "结束日期不能早于开始日期。" in response.content.decode()
    assert client.get("/ledgers/unknown.xlsx").status_code == 404
    assert not ExportLog.objects.exists()


def test_default_period_is_this_calendar_year(client, county_user):
    today = datetime.date.today()
    AidGrantFactory(organisation=county_user.organisation, granted_on=today, amount=Decimal("10.00"))
    sheet, rows = download(client, county_user, "funds")
    assert sheet["A1"].value == f"资金台账（巩义市总工会，{today.year}-01-01 至 {today.year}-12-31）"
    _sheet, rows = download(client, county_user, "grants")
    assert len(rows) == 2 and rows[-1][9] == Decimal("10.00")


def subtotal(programme, label, what, count, received=None, spent=None):
    return [programme, label, what, f"{count}笔", received, spent, N, N, N, N]


def test_fund_ledger_of_a_county(client, county_user):
    sheet, rows = download(client, county_user, "funds", org="410181", **YEAR_2014)
    assert [c.value for c in sheet[2]] == [
        "项目",
        "收支",
        "资金来源／用途",
        "日期",
        "收入（元）",
        "支出（元）",
        "拨付单位",
        "内部拨付",
        "填报单位",
        "备注",
    ]
    aid, jobs, gy = "金秋助学", "技能培训促就业", "巩义市总工会"
    d = Decimal
    assert rows == [
        # Passed down by the province: from outside the county, so part of its income.
        [aid, "收入", "各级党委政府资助", D(2014, 4, 1), d("5000.00"), N, "河南省总工会", "否", gy, "=1+1"],
        subtotal(aid, "收入小计", "各级党委政府资助", 1, received=d("5000.00")),
        [aid, "收入", "工会经费", D(2014, 3, 1), d("10000.00"), N, N, "否", gy, N],
        subtotal(aid, "收入小计", "工会经费", 1, received=d("10000.00")),
        [aid, "支出", "其他", D(2014, 7, 1), N, d("400.00"), N, N, gy, N],
        subtotal(aid, "支出小计", "其他", 1, spent=d("400.00")),
        [aid, "收入合计", N, N, d("15000.00"), N, N, N, N, N],
        [aid, "支出合计", N, N, N, d("400.00"), N, N, N, N],
        [aid, "结余（收入－支出）", N, N, d("14600.00"), N, N, N, N, N],
        [jobs, "收入", "中央财政帮扶资金", D(2014, 5, 1), d("20000.00"), N, N, "否", gy, N],
        subtotal(jobs, "收入小计", "中央财政帮扶资金", 1, received=d("20000.00")),
        [jobs, "支出", "各类培训投入", D(2014, 6, 1), N, d("3000.00"), N, N, gy, N],
        subtotal(jobs, "支出小计", "各类培训投入", 1, spent=d("3000.00")),
        [jobs, "支出", "职业介绍投入", D(2014, 6, 2), N, d("1200.50"), N, N, gy, N],
        subtotal(jobs, "支出小计", "职业介绍投入", 1, spent=d("1200.50")),
        [jobs, "收入合计", N, N, d("20000.00"), N, N, N, N, N],
        [jobs, "支出合计", N, N, N, d("4200.50"), N, N, N, N],
        [jobs, "结余（收入－支出）", N, N, d("15799.50"), N, N, N, N, N],
    ]
    # A note a spreadsheet would run as a formula stays text.
    note = sheet.cell(row=3, column=10)
    assert note.data_type == "s" and note.quotePrefix
    assert sheet.cell(row=4, column=5).font.b  # subtotals are bold
    assert ExportLog.objects.get(model="aid.ledger.funds").rows == 6  # the records listed, not the subtotals


def test_fund_ledger_of_the_province_keeps_internal_transfers_apart(client, province_user):
    _sheet, rows = download(client, province_user, "funds", org="410000", **YEAR_2014)
    aid = "金秋助学"
    student_aid = [row for row in rows if row[0] == aid]
    d = Decimal
    assert [row for row in student_aid if row[1] == "收入"] == [
        [aid, "收入", "工会经费", D(2014, 2, 1), d("50000.00"), N, N, "否", "河南省总工会", N],
        [aid, "收入", "工会经费", D(2014, 3, 1), d("10000.00"), N, N, "否", "巩义市总工会", N],
        [aid, "收入", "社会捐助", D(2014, 6, 1), d("3000.00"), N, "中华全国总工会", "否", "偃师市总工会", N],
        # Passed down by the province to its county: counted once, where it came in.
        [aid, "收入", "各级党委政府资助", D(2014, 4, 1), d("5000.00"), N, "河南省总工会", "是", "巩义市总工会", "=1+1"],
    ]
    assert subtotal(aid, "收入小计", "工会经费", 2, received=d("60000.00")) in rows
    assert subtotal(aid, "内部拨付小计（不计入收入）", "各级党委政府资助", 1, received=d("5000.00")) in rows
    assert [aid, "收入合计", N, N, d("63000.00"), N, N, N, N, N] in rows
    assert [aid, "结余（收入－支出）", N, N, d("62600.00"), N, N, N, N, N] in rows
    jobs = "技能培训促就业"
    assert [jobs, "支出合计", N, N, N, d("5100.50"), N, N, N, N] in rows
    assert [jobs, "结余（收入－支出）", N, N, d("14899.50"), N, N, N, N, N] in rows


def test_household_ledger_of_a_county(client, county_user):
    sheet, rows = download(client, county_user, "households", org="410181", **YEAR_2014)
    assert [c.value for c in sheet[2]] == [
        "序号",
        "档案编号",
        "建档单位",
        "家庭类别",
        "困难单亲女职工家庭",
        "户主姓名",
        "户主身份证号码",
        "家庭人口",
        "致困原因",
        "申请日期",
        "审核日期",
        "建档日期",
        "退出日期",
        "期末状态",
        "帮扶措施（次）",
        "帮扶措施金额（元）",
        "助学款（笔）",
        "助学款金额（元）",
    ]
    gy, d = "巩义市总工会", Decimal
    dates = [D(2013, 1, 10), D(2013, 1, 20), D(2013, 2, 1)]
    assert rows == [
        [1, "GY-001", gy, "困难农民工", "是", "李大山", mask(sample_id_number(101)), 2, "因病、失业"]
        + [*dates, N, "在档", 2, d("500.00"), 1, d("1500.00")],
        [2, "GY-002", gy, "困难职工", "否", "王大力", mask(sample_id_number(201)), 2, N]
        + [*dates, N, "在档", 0, d("0.00"), 1, d("800.50")],
        [3, "GY-004", gy, "困难职工", "否", N, N, 0, N, D(2014, 10, 1), N, N, N, "申请中", 0, d("0.00"), 0, d("0.00")],
        [4, "GY-005", gy, "困难职工", "否", N, N, 0, N, *dates, D(2014, 5, 1), "已退出", 0, d("0.00"), 0, d("0.00")],
        ["合计", "4户", N, N, N, N, N, 4, N, N, N, N, N, N, 2, d("500.00"), 2, d("2300.50")],
    ]
    assert sheet.cell(row=3, column=10).is_date


def test_household_ledger_of_the_province(client, province_user):
    _sheet, rows = download(client, province_user, "households", org="410000", **YEAR_2014)
    assert [row[1] for row in rows] == ["GY-001", "GY-002", "GY-004", "GY-005", "YS-001", "5户"]
    assert rows[4][5:8] == ["赵大海", mask(sample_id_number(301)), 2]
    assert rows[-1][14:] == [2, Decimal("500.00"), 3, Decimal("3299.50")]


def _more_records(tree, n):
    for i in range(n):
        household = HouseholdFactory(organisation=tree.county_a)
        PersonFactory(household=household, relationship="head", seq=1000 + 2 * i)
        pupil = PersonFactory(household=household, seq=1001 + 2 * i)
        SchoolingFactory(person=pupil, entered_on=D(2012, 9, 1))
        AidGrantFactory(person=pupil, organisation=tree.county_a, granted_on=D(2014, 9, 1))
        AssistanceMeasureFactory(household=household, provided_on=D(2014, 2, 1))
        FundReceiptFactory(organisation=tree.county_a, received_on=D(2014, 9, 1), transferred_from=tree.city_a)
        ExpenditureFactory(organisation=tree.county_a, spent_on=D(2014, 9, 1))


@pytest.mark.parametrize("kind", ["grants", "funds", "households"])
def test_queries_do_not_grow_with_rows(client, records, county_user, django_assert_max_num_queries, kind):
    client.force_login(county_user)
    params = {"org": "410181", **YEAR_2014}
    with CaptureQueriesContext(connection) as first:
        assert client.get(f"/ledgers/{kind}.xlsx", params).status_code == 200
    _more_records(records, 6)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(f"/ledgers/{kind}.xlsx", params).status_code == 200


def test_the_page_links_every_ledger_in_the_menu(client, county_user):
    client.force_login(county_user)
    page = client.get("/ledgers/").content.decode()
    assert '<a href="/ledgers/" aria-current="page">台账</a>' in page
    for kind in ("grants", "funds", "households"):
        assert f'formaction="/ledgers/{kind}.xlsx"' in page
    assert 'value="巩义市总工会（410181）"' in page
    year = datetime.date.today().year
    assert f'name="start" value="{year}-01-01"' in page and f'name="end" value="{year}-12-31"' in page
