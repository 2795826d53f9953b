"""A caseworker's day and a statistics officer's return, driven through headless Chromium."""

import datetime
import re

import pytest
from django.db import connection

from aid.models import AidGrant
from beneficiaries.id_numbers import mask, sample_id_number
from casework.choices import Role
from tests.browser.conftest import ARTIFACTS
from tests.factories import HouseholdFactory, NoticeEntryFactory, NoticeFactory, PersonFactory, SchoolingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date
PASSWORD = "pass-word-123"


@pytest.fixture
def setting(tree, make_user):
    """An on-file household in city A with a pupil whose schooling is in force and whose public notice
    ended cleanly before the grant date: everything the grant rules ask for."""
    household = HouseholdFactory(
        file_no="ZZ-2014-001", organisation=tree.city_a, applied_on=D(2013, 1, 5), filed_on=D(2013, 2, 1)
    )
    PersonFactory(household=household, name="陈大山", relationship="head", seq=41)
    pupil = PersonFactory(household=household, name="陈小雨", relationship="child", seq=42)
    SchoolingFactory(person=pupil, stage="junior_secondary", school="郑州八中", entered_on=D(2013, 9, 1))
    notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 7, 1), ends_on=D(2014, 7, 7))
    NoticeEntryFactory(notice=notice, person=pupil, amount="1500.00")
    make_user(tree.city_a, Role.CASEWORKER, username="caseworker", first_name="王", last_name="")
    make_user(tree.province, Role.STATISTICS_OFFICER, username="statistician")
    return {"household": household, "pupil": pupil}


def log_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))


def test_caseworker_and_statistics_officer(page, shot, setting):
    # The Content-Security-Policy allows no inline script or style: any violation is a console error.
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

    # 1. A caseworker logs in and sees the unit's home page.
    log_in(page, "caseworker")
    assert page.locator("h1").inner_text() == "郑州市总工会"
    assert page.locator(".tile", has_text="在档户数").locator(".figure").inner_text() == "1"
    shot("01-home-caseworker")

    # 2. Finds the household by a member's name (htmx swaps the results in); the ID number is masked.
    page.get_by_role("link", name="档案", exact=True).click()
    page.get_by_label("姓名、身份证号码（或后六位）或档案编号").fill("陈小雨")
    page.evaluate("window.stillHere = true")
    page.get_by_role("button", name="查询").click()
    # The search is posted; the file list was there before: wait for the URL of the search's own results.
    page.wait_for_url(re.compile(r"/files/\?s=[\w-]+$"))
    row = page.locator("#results tbody tr", has_text="ZZ-2014-001")
    row.wait_for()
    # htmx swapped the results in (no page load) and pushed their URL, with a token, not what was typed.
    assert page.evaluate("window.stillHere") is True
    assert "陈小雨" not in page.url and "%E9%99%88" not in page.url
    assert mask(sample_id_number(42)) in row.inner_text()
    assert sample_id_number(42) not in page.content()
    shot("02-search")
    row.get_by_role("link", name="ZZ-2014-001").click()
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    assert "在档" in page.locator("h1").inner_text()
    shot("03-file")

    # 3. Adds a member with a wrong check digit: the Chinese message is next to the field.
    page.get_by_role("link", name="添加成员").click()
    number = sample_id_number(43)
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    page.get_by_label("姓名").fill("陈小风")
    page.get_by_label("身份证号码").fill(wrong)
    page.get_by_label("与户主关系").select_option("child")
    page.get_by_role("button", name="保存").click()
    error = page.locator("#id_id_number_errors")
    assert error.inner_text() == "身份证号码校验位不正确。"
    shot("04-member-invalid-id")
    # Corrected, the member joins the file.
    page.get_by_label("身份证号码").fill(number)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    assert page.locator("table.list tbody tr", has_text="陈小风").count() == 1

    # 4. Adds a student-aid grant for the pupil (on file, schooling in force, notice ended cleanly).
    page.locator("tr", has_text="陈小雨").get_by_role("link", name="助学款").click()
    assert "陈小雨" in page.locator(".preset").inner_text()
    page.get_by_label("发放日期").fill("2014-08-20")
    page.get_by_label("金额（元）").fill("1500")
    shot("05-grant-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    assert "已保存。" in page.locator(".messages").inner_text()
    grants = page.locator("section", has=page.locator("h3", has_text="助学款"))
    assert "1500.00" in grants.inner_text()
    connection.close()
    assert AidGrant.objects.get().person_id == setting["pupil"].pk
    shot("06-file-with-grant")

    # Lists: grants filtered, sortable, exportable.
    page.goto("/aid/grants/")
    assert "共 1 条" in page.locator(".list-tools").inner_text()
    shot("07-grant-list")
    page.goto("/annual-review/")
    assert page.locator("tbody tr", has_text="ZZ-2014-001").count() == 1
    shot("08-annual-review")

    # 5. A statistics officer logs in and generates Attachment 3.
    page.get_by_role("button", name="退出登录").click()
    log_in(page, "statistician")
    shot("09-home-statistics")
    page.get_by_role("link", name="统计报表").click()
    page.get_by_label("报表").select_option("3")
    page.get_by_label("填报单位").fill("河南省总工会")
    page.get_by_label("年度").fill("2014")
    page.get_by_label("统计截止日期").fill("2014-08-31")
    page.get_by_role("button", name="生成报表").click()
    sheet = page.locator(".return-sheet")
    sheet.wait_for()
    assert "各地工会金秋助学情况统计表" in sheet.inner_text()
    assert page.locator('a.value[data-key="a3.4"]').inner_text() == "1"
    assert page.locator('a.value[data-key="a3.2"]').inner_text() == "0.15"
    assert page.locator('a.value[data-key="a3.2.primary_junior"]').inner_text() == "0.15"
    shot("10-return-a3")

    # 6. Clicks a figure through to its records.
    page.locator('a.value[data-key="a3.4"]').click()
    page.wait_for_url(re.compile(r"/stats/returns/cell/"))
    assert "记录 1 条，涉及 1 人。" in page.content()
    assert page.locator("table.persons tbody tr").inner_text().startswith("陈小雨")
    shot("11-drilldown")

    # 7. Opens the print view.
    page.get_by_role("link", name="返回报表").click()
    with page.expect_popup() as popup:
        page.get_by_role("link", name="打印视图").click()
    printable = popup.value
    printable.wait_for_load_state()
    assert "各地工会金秋助学情况统计表" in printable.locator("h1").inner_text()
    assert printable.locator('.blank[data-key="a3.4"]').inner_text() == "1"
    printable.screenshot(path=str(ARTIFACTS / "12-print.png"), full_page=True)

    # 8. Switches the interface to English with the language selector (a script file, no inline handler).
    page.get_by_label("语言").select_option("en")
    page.wait_for_load_state()
    page.get_by_role("link", name="Returns", exact=True).wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    shot("13-drilldown-english")
    assert [error for error in console_errors if "Content Security Policy" in error] == []
