"""Choosing things, in Chinese, in headless Chromium: a unit by name on the returns page of a large province
and in a list's filter, a household file by its head's name, a person by the last six characters of an ID."""

import re

import pytest
from django.db import connection

from beneficiaries.id_numbers import mask, sample_id_number
from beneficiaries.models import Person
from casework.choices import Level, Role
from casework.models import AccessLog, Organisation
from tests.factories import HouseholdFactory, OrganisationFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
OLD_CAP = 500  # the returns page used to list this many units, in code order, and no more


@pytest.fixture
def setting(tree, make_user):
    # A province with more units than the old list held, every one sorting before 洛阳市 (410300).
    Organisation.objects.bulk_create(
        Organisation(
            code=f"4101{n:04d}",
            name=f"郑州第{n}基层工会",
            level=Level.GRASSROOTS,
            parent=tree.city_a,
            path=f"{tree.city_a.path}4101{n:04d}/",
        )
        for n in range(OLD_CAP + 20)
    )
    OrganisationFactory(code="410301001", name="洛阳石化工会", level=Level.GRASSROOTS, parent=tree.city_b)
    household = HouseholdFactory(file_no="豫0101-000123", organisation=tree.county_a)
    PersonFactory(household=household, name="张三", relationship="head", seq=301)
    PersonFactory(household=household, name="张小三", relationship="child", seq=302)
    PersonFactory(name="洛阳人", organisation=tree.county_b, seq=303)
    make_user(tree.province, Role.STATISTICS_OFFICER, username="tongji")
    make_user(tree.city_a, Role.CASEWORKER, username="zhengzhou")
    return household


def log_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))


def test_units_files_and_persons_are_chosen_by_name(page, shot, setting):
    # The Content-Security-Policy allows no inline script or style: the pickers' script is a file.
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    # 1. The province's statistics officer picks 洛阳 on the returns page: typed, found, chosen.
    log_in(page, "tongji")
    page.get_by_role("link", name="统计报表").click()
    unit = page.get_by_role("combobox", name="填报单位")
    assert unit.input_value() == "河南省总工会（410000）"
    unit.fill("洛阳")
    options = page.get_by_role("listbox").get_by_role("option")
    options.first.wait_for()
    found = [(option.locator("span").inner_text(), option.locator("small").inner_text()) for option in options.all()]
    assert found == [
        ("中华全国总工会 › 河南省总工会 › 洛阳市总工会", "410300"),
        ("中华全国总工会 › 河南省总工会 › 洛阳市总工会 › 洛阳石化工会", "410301001"),
    ]
    shot("pickers-01-returns-unit-search")
    options.first.click()
    assert unit.input_value() == "洛阳市总工会（410300）"
    assert unit.get_attribute("aria-expanded") == "false"
    page.get_by_label("报表").select_option("3")
    page.get_by_label("年度").fill("2014")
    page.get_by_role("button", name="生成报表").click()
    page.locator(".return-sheet").wait_for()
    assert "填报单位：洛阳市总工会" in page.locator(".return-head").inner_text()
    assert "org=410300" in page.get_by_role("link", name="下载 Excel").get_attribute("href")
    shot("pickers-02-return-of-luoyang")
    page.get_by_role("button", name="退出登录").click()

    # 2. A city caseworker filters the persons by a unit of the city, chosen with the keyboard; 洛阳 is
    #    outside the city and is not found.
    log_in(page, "zhengzhou")
    page.goto("/persons/")
    org = page.get_by_role("combobox", name="单位（含下级）")
    org.fill("洛阳")
    page.locator(".picker-empty").wait_for()
    assert page.locator(".picker-empty").inner_text() == "您管辖范围内没有名称或代码与此相符的单位。"
    org.fill("巩义")
    page.get_by_role("listbox").get_by_role("option").first.wait_for()
    org.press("ArrowDown")
    org.press("Enter")
    assert org.input_value() == "巩义市总工会（410181）"
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/persons/\?.*org="))
    rows = page.locator("#results tbody tr")
    rows.first.wait_for()
    texts = rows.all_inner_texts()
    assert len(texts) == 2 and all("巩义市总工会" in text for text in texts), texts
    assert page.get_by_role("combobox", name="单位（含下级）").input_value() == "巩义市总工会（410181）"
    shot("pickers-03-persons-by-unit")

    # 3. A new member's file is chosen by the head's name and shown as 档案编号 户主户.
    page.goto("/persons/new/")
    page.get_by_label("姓名").fill("张小四")
    page.get_by_label("身份证号码").fill(sample_id_number(304))
    household = page.get_by_role("combobox", name="所属档案")
    household.fill("张三")
    page.get_by_role("listbox").get_by_role("option").filter(has_text="豫0101-000123 张三户").click()
    assert household.input_value() == "豫0101-000123 张三户"
    page.get_by_label("与户主关系").select_option("child")
    shot("pickers-04-member-file-by-head")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    assert page.locator("table.list tbody tr", has_text="张小四").count() == 1

    # 4. 张小三 is found by the last six characters of the ID number; they never reach the address bar.
    page.get_by_role("link", name="档案", exact=True).click()
    tail = sample_id_number(302)[-6:]
    page.get_by_label("姓名、身份证号码（或后六位）或档案编号").fill(tail)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"/files/\?s=[\w-]+$"))
    row = page.locator("#results tbody tr", has_text="豫0101-000123")
    row.wait_for()
    assert mask(sample_id_number(302)) in row.inner_text()
    assert tail not in page.url
    shot("pickers-05-found-by-last-six")

    connection.close()
    logged = list(AccessLog.objects.values_list("user_name", "person_name", "purpose"))
    assert logged == [("zhengzhou", "张小三", "档案查询：按身份证号码后六位查找")]
    assert Person.objects.get(name="张小四").household_id == setting.pk
    assert [error for error in console_errors if "Content Security Policy" in error] == []
