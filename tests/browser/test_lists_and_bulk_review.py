"""In Chinese, through headless Chromium: numbered pages on the notice list and a drill-down, the annual review
of several files in one action, and the filing comparison with its changed rows first."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import AnnualReview, Household
from casework.choices import Role
from stats.services import return_file
from tests.browser.test_casework_flow import log_in
from tests.factories import AidGrantFactory, HouseholdFactory, NoticeFactory, PersonFactory, SchoolingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


def console_errors(page):
    """Script errors and Content-Security-Policy refusals (a missing favicon is neither)."""
    errors = []

    def keep(message):
        if message.type == "error" and "Failed to load resource" not in message.text:
            errors.append(message.text)

    page.on("console", keep)
    return errors


def pupil_with_grant(tree, name, seq, org=None):
    household = HouseholdFactory(organisation=org or tree.city_a, filed_on=D(2013, 2, 1))
    pupil = PersonFactory(household=household, name=name, seq=seq)
    SchoolingFactory(person=pupil, stage="primary", entered_on=D(2013, 9, 1))
    AidGrantFactory(person=pupil, organisation=org or tree.city_a, granted_on=D(2014, 8, 20), amount="1500.00")


def test_the_notice_list_and_a_drill_down_have_numbered_pages(page, tree, make_user, monkeypatch):
    monkeypatch.setattr("notices.views.LIST_PAGE_SIZE", 2)
    monkeypatch.setattr("stats.views.DRILL_PAGE_SIZE", 2)
    errors = console_errors(page)
    make_user(tree.city_a, Role.STATISTICS_OFFICER, username="tongji")
    for n in range(7):
        day = D(2014, 12, 31) - datetime.timedelta(n)
        NoticeFactory(organisation=tree.city_a, title=f"第{n + 1}份公示", starts_on=day, ends_on=day)
    for n in range(5):
        pupil_with_grant(tree, f"学生{n + 1}", 70 + n)
    log_in(page, "tongji")

    page.goto(reverse("notices:index"))
    pager = page.locator("nav.pager")
    assert "第 1 / 4 页" in pager.inner_text() and "共 7 份公示" in page.content()
    pager.get_by_role("link", name="3", exact=True).click()
    page.wait_for_url(re.compile(r"page=3"))
    assert page.locator("nav.pager [aria-current=page]").inner_text() == "3"
    assert page.get_by_role("link", name="第5份公示").is_visible()
    assert page.get_by_role("link", name="第1份公示").count() == 0
    page.locator("nav.pager").get_by_role("link", name="下一页").click()
    page.wait_for_url(re.compile(r"page=4"))
    assert page.get_by_role("link", name="第7份公示").is_visible()

    query = "attachment=3&org=410100&year=2014&cutoff=2014-08-31&key=a3.4"
    page.goto(f"{reverse('stats-return-cell')}?{query}")
    assert "记录 5 条，涉及 5 人。" in page.content()
    assert page.locator("table.persons tbody tr").count() == 2
    page.locator("nav.pager").get_by_role("link", name="3", exact=True).click()
    page.wait_for_url(re.compile(r"key=a3.4.*page=3|page=3.*key=a3.4"))
    assert page.locator("table.persons").inner_text().count("学生5") == 1
    assert "第 3 / 3 页" in page.locator("nav.pager").inner_text()
    assert errors == []


def test_a_reviewer_reviews_the_ticked_files_in_one_action(page, tree, make_user):
    errors = console_errors(page)
    make_user(tree.city_a, Role.REVIEWER, username="shenhe")
    this_year = timezone.localdate().year
    for n in (1, 2, 3):
        HouseholdFactory(file_no=f"ZZ-00{n}", organisation=tree.city_a, filed_on=D(2013, 2, n))
    HouseholdFactory(file_no="ZZ-NEW", organisation=tree.city_a, filed_on=D(this_year, 1, 2))
    log_in(page, "shenhe")
    assert page.locator(".tile", has_text="今年待年度核实").locator(".figure").inner_text() == "3"

    page.get_by_role("link", name="年度核实", exact=True).click()
    assert "ZZ-NEW" not in page.content()  # filed this year: its first review is next year's
    bulk = page.locator("form#bulk-review")
    # Closing without the confirmation: every ticked file is refused by number, none is reviewed.
    page.get_by_label("选择 ZZ-001").check()
    page.get_by_label("选择 ZZ-002").check()
    bulk.get_by_label("核实结果").select_option(label="脱困退出")
    bulk.get_by_label("说明").fill("子女已就业")
    bulk.get_by_label("退出原因类别").select_option(value="out_of_hardship")
    with page.expect_navigation():
        bulk.get_by_role("button", name="提交所选档案").click()
    text = page.locator("body").inner_text()
    assert "没有档案完成核实" in text and "ZZ-001：请确认办理脱困退出" in text and "ZZ-002：请确认办理脱困退出" in text
    assert not AnnualReview.objects.exists()

    # Select all, one outcome, one click.
    page.get_by_label("全选本页").check()
    assert page.get_by_label("选择 ZZ-003").is_checked()
    bulk.get_by_label("核实结果").select_option(label="继续帮扶")
    with page.expect_navigation():
        bulk.get_by_role("button", name="提交所选档案").click()
    assert "3 份档案已完成年度核实：ZZ-001、ZZ-002、ZZ-003。" in page.locator("body").inner_text()
    assert "本单位还有 0 份在档档案今年尚未核实。" in page.locator("body").inner_text()
    assert AnnualReview.objects.filter(outcome="confirmed").count() == 3
    assert errors == []


def test_each_row_gives_the_income_and_level_found_in_bulk_and_alone(page, tree, make_user, shot):
    errors = console_errors(page)
    make_user(tree.city_a, Role.REVIEWER, username="shenhe")
    for n in (1, 2, 3):
        HouseholdFactory(
            file_no=f"ZZ-00{n}", organisation=tree.city_a, filed_on=D(2013, 2, n), hardship_level="general"
        )
    log_in(page, "shenhe")
    page.get_by_role("link", name="年度核实", exact=True).click()
    assert page.get_by_role("columnheader", name="核实家庭月收入（元）").is_visible()
    assert page.get_by_role("columnheader", name="核实困难程度").is_visible()

    # 调整困难程度 for two ticked files, each with the level (and, for one, the income) it was found at.
    page.get_by_label("ZZ-001 核实家庭月收入（元）").fill("1850.5")
    page.get_by_label("ZZ-001 核实困难程度").select_option(label="深度困难")
    page.get_by_label("ZZ-002 核实困难程度").select_option(label="特殊困难")
    page.get_by_label("选择 ZZ-001").check()
    page.get_by_label("选择 ZZ-002").check()
    bulk = page.locator("form#bulk-review")
    bulk.get_by_label("核实结果").select_option(label="调整困难程度")
    shot("annual-review-findings")
    with page.expect_navigation():
        bulk.get_by_role("button", name="提交所选档案").click()
    assert "2 份档案已完成年度核实：ZZ-001、ZZ-002。" in page.locator("body").inner_text()
    found = {r.household.file_no: (r.outcome, r.income_found, r.level_found) for r in AnnualReview.objects.all()}
    assert found == {
        "ZZ-001": ("level_changed", Decimal("1850.50"), "deep"),
        "ZZ-002": ("level_changed", None, "special"),
    }
    levels = dict(Household.objects.values_list("file_no", "hardship_level"))
    assert levels == {"ZZ-001": "deep", "ZZ-002": "special", "ZZ-003": "general"}

    # The last file alone, with its row's own button: its findings go with it.
    page.get_by_label("ZZ-003 核实家庭月收入（元）").fill("2400")
    with page.expect_navigation():
        page.get_by_role("button", name="提交 ZZ-003").click()
    assert "档案 ZZ-003 已完成年度核实。" in page.locator("body").inner_text()
    review = AnnualReview.objects.get(household__file_no="ZZ-003")
    assert (review.outcome, review.income_found, review.level_found) == ("confirmed", Decimal("2400.00"), "")
    assert Household.objects.get(file_no="ZZ-003").monthly_income == Decimal("2400.00")
    assert errors == []


def test_the_filing_comparison_shows_the_changed_rows_first(page, tree, make_user):
    errors = console_errors(page)
    officer = make_user(tree.province, Role.STATISTICS_OFFICER, username="tongji")
    pupil_with_grant(tree, "刘小华", 31)
    filing = return_file(
        organisation=tree.province,
        attachment=3,
        year=2014,
        cutoff=D(2014, 8, 31),
        preparer="赵统计",
        phone="0371-1234567",
        acting_user=officer,
        reason="报送",
    )
    pupil_with_grant(tree, "刘小丽", 32, org=tree.county_a)
    log_in(page, "tongji")

    page.goto(reverse("stats-filing", args=[filing.pk]))
    rows = page.locator("table.comparison tbody tr")
    changed = rows.count()
    assert changed >= 1 and page.locator("table.comparison tbody tr.changed").count() == changed
    assert page.locator("table.comparison thead th").first.inner_text() == "项目"
    page.get_by_role("link", name=re.compile(r"显示全部 \d+ 项")).click()
    page.wait_for_url(re.compile(r"all=1"))
    classes = [row.get_attribute("class") or "" for row in rows.all()]
    assert len(classes) > changed and classes == sorted(classes, key=lambda c: c != "changed")
    with page.expect_navigation():
        page.get_by_role("link", name="只看有变化的项目").click()
    assert rows.count() == changed
    assert errors == []
