"""A county caseworker opens 台账 from the menu, chooses the period and downloads the Golden Autumn ledger."""

import datetime
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from beneficiaries.id_numbers import mask, sample_id_number
from casework.choices import Role
from tests.factories import AidGrantFactory, HouseholdFactory, PersonFactory, SchoolingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture
def setting(tree, make_user):
    household = HouseholdFactory(file_no="GY-2014-007", organisation=tree.county_a)
    PersonFactory(household=household, name="孙大河", relationship="head", seq=61)
    pupil = PersonFactory(household=household, name="孙小溪", relationship="child", seq=62)
    SchoolingFactory(person=pupil, stage="junior_secondary", school="巩义五中", entered_on=D(2013, 9, 1))
    AidGrantFactory(
        person=pupil,
        organisation=tree.county_a,
        granted_on=D(2014, 8, 20),
        amount=Decimal("1200.00"),
        fund_source="union",
        payment_method="cash",
    )
    make_user(tree.county_a, Role.CASEWORKER, username="gongyi")


def test_caseworker_downloads_the_golden_autumn_ledger(page, shot, setting, tmp_path):
    page.goto("/login/")
    page.get_by_label("用户名").fill("gongyi")
    page.get_by_label("密码").fill("pass-word-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))

    page.get_by_role("link", name="台账", exact=True).click()
    page.wait_for_url(re.compile(r"/ledgers/$"))
    assert page.locator("h1").inner_text() == "台账"
    assert page.get_by_label("单位", exact=True).input_value() == "巩义市总工会（410181）"
    this_year = datetime.date.today().year
    assert page.get_by_label("开始日期").input_value() == f"{this_year}-01-01"
    page.get_by_label("开始日期").fill("2014-01-01")
    page.get_by_label("结束日期").fill("2014-12-31")
    shot("ledgers")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载金秋助学发放台账").click()
    download = download_info.value
    assert download.suggested_filename == "ledger-grants-410181-20140101-20141231.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    sheet = load_workbook(target).active
    assert sheet["A1"].value == "金秋助学发放台账（巩义市总工会，2014-01-01 至 2014-12-31）"
    row = [cell.value for cell in sheet[3]]
    assert row[:9] == [
        1,
        "孙小溪",
        mask(sample_id_number(62)),
        "巩义五中",
        "初中",
        "孙大河",
        "GY-2014-007",
        "困难职工",
        "否",
    ]
    assert row[9] == 1200 and row[11] == datetime.datetime(2014, 8, 20)
    assert [cell.value for cell in sheet[4]][:2] == ["合计", "1笔"]

    # A period that ends before it starts: the page says so, in Chinese, next to the field.
    page.get_by_label("开始日期").fill("2014-12-31")
    page.get_by_label("结束日期").fill("2014-01-01")
    page.get_by_role("button", name="下载资金台账").click()
    page.get_by_text("结束日期不能早于开始日期。").wait_for()
