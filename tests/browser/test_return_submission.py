"""A county's return travels up: submitted with its summary, returned by the city with a comment,
submitted again and accepted; the city's board shows each status (headless Chromium, in Chinese)."""

import re

import pytest
from django.utils import timezone

from casework.choices import Role
from stats.models import ReturnSubmission
from tests.browser.test_casework_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Next year's annual return: its deadlines lie ahead, so the board shows submitted, returned and accepted
# rather than late (2014's board shows late).
YEAR = timezone.localdate().year + 1
COUNTY_BOARD = f"/stats/submissions/?attachment=1&org=410181&year={YEAR}&cutoff={YEAR}-11-30"
CITY_BOARD = f"/stats/submissions/?attachment=1&org=410100&year={YEAR}&cutoff={YEAR}-11-30"
LATE_BOARD = "/stats/submissions/?attachment=1&org=410100&year=2014&cutoff=2014-11-30"
SUMMARY = {"name": "巩义市年度总结.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 annual summary"}


def switch_user(page, username):
    page.context.clear_cookies()
    log_in(page, username)


def county_status(page):
    return page.locator('#board tr[data-org="410181"] .badge').inner_text()


def submit_return(page):
    page.goto(COUNTY_BOARD)
    page.get_by_label("填报人").fill("李会计")
    page.get_by_label("联系电话").fill("0371-64000000")
    page.get_by_label("书面总结").set_input_files(SUMMARY)
    page.get_by_role("button", name="上报", exact=True).click()
    page.wait_for_url(re.compile(r"/stats/submissions/\d+/$"))


def test_county_submits_city_returns_county_resubmits_city_accepts(page, shot, tree, make_user):
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())  # "上报后数据将冻结……确定上报吗？"
    make_user(tree.county_a, Role.STATISTICS_OFFICER, username="county_stats")
    make_user(tree.city_a, Role.STATISTICS_OFFICER, username="city_stats")

    # The city's board before anything: the county has not submitted and 2014's deadline is long past.
    log_in(page, "city_stats")
    page.get_by_role("link", name="报表上报").click()
    page.goto(LATE_BOARD)
    assert county_status(page) == "已逾期"
    shot("levels-01-board-late")
    page.goto(CITY_BOARD)
    assert county_status(page) == "未上报"

    # 1. The county's statistics officer submits the annual return with its written summary.
    switch_user(page, "county_stats")
    submit_return(page)
    assert "报表已上报，等待上级单位审核。" in page.content()
    assert page.locator("[data-status]").first.inner_text() == "已上报"
    assert page.get_by_role("link", name=SUMMARY["name"]).is_visible()
    shot("levels-02-submitted")

    # 2. The city sees it on its board and returns it with a comment (required).
    switch_user(page, "city_stats")
    page.goto(CITY_BOARD)
    assert county_status(page) == "已上报待审核"
    page.locator('#board tr[data-org="410181"]').get_by_role("link", name="查看上报").click()
    page.get_by_role("button", name="退回").click()
    assert "退回时必须填写审核意见。" in page.content()
    page.get_by_label("审核意见").fill("a1.3 贷款人数与台账不符，请核对后重报")
    page.get_by_role("button", name="退回").click()
    assert page.locator("#comment").inner_text() == "a1.3 贷款人数与台账不符，请核对后重报"
    page.goto(CITY_BOARD)
    assert county_status(page) == "已退回"
    shot("levels-03-returned")

    # 3. The county reads the comment on its own board and submits again: version 2.
    switch_user(page, "county_stats")
    page.goto(COUNTY_BOARD)
    assert "a1.3 贷款人数与台账不符" in page.locator("#own").inner_text()
    submit_return(page)
    assert "第 2 版" in page.locator("h1 + .card").inner_text()

    # 4. The city accepts it; the board shows it accepted, and both versions stay.
    switch_user(page, "city_stats")
    page.goto(CITY_BOARD)
    assert county_status(page) == "已上报待审核"
    page.locator('#board tr[data-org="410181"]').get_by_role("link", name="查看上报").click()
    page.get_by_role("button", name="接收").click()
    assert "已接收该单位的上报。" in page.content()
    page.goto(CITY_BOARD)
    assert county_status(page) == "已接收"
    shot("levels-04-accepted")
    assert list(ReturnSubmission.objects.order_by("version").values_list("version", "status")) == [
        (1, "returned"),
        (2, "accepted"),
    ]
    assert [error for error in console_errors if "Content Security Policy" in error] == []
