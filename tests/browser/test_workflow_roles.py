"""The file workflow's roles in headless Chromium: a reviewer returns an application with a reason (退回),
the caseworker sees why on the file, and a statistics officer sees no workflow button."""

import datetime

import pytest

from beneficiaries import services
from casework.choices import Role
from tests.browser.test_casework_flow import log_in
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def application(tree, make_user):
    caseworker = make_user(tree.city_a, Role.CASEWORKER, username="caseworker")
    make_user(tree.city_a, Role.REVIEWER, username="reviewer")
    make_user(tree.province, Role.STATISTICS_OFFICER, username="statistician")
    household = services.household_apply(
        file_no="ZZ-2014-009",
        organisation=tree.city_a,
        kind="worker",
        applied_on=datetime.date(2014, 3, 1),
        acting_user=caseworker,
    )
    PersonFactory(household=household, name="赵春生", relationship="head", seq=51)
    return household


def test_a_reviewer_returns_a_file_and_a_statistics_officer_sees_no_workflow(page, shot, application):
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    url = f"/households/{application.pk}/"

    log_in(page, "reviewer")
    page.goto(url)
    workflow = page.get_by_label("办理流程")
    assert workflow.get_by_role("button", name="审核通过").is_visible()
    workflow.get_by_label("退回原因").fill("缺少家庭收入证明")
    workflow.get_by_role("button", name="退回修改").click()
    page.wait_for_url(f"**{url}")
    assert "已办理：退回修改。" in page.content()
    assert "已退回修改" in page.locator("h1").inner_text()
    assert "缺少家庭收入证明" in page.locator("#return-note").inner_text()
    shot("workflow-returned-reviewer")
    application.refresh_from_db()
    assert (application.status, application.return_reason, application.returned_by.username) == (
        "returned",
        "缺少家庭收入证明",
        "reviewer",
    )

    page.context.clear_cookies()
    log_in(page, "caseworker")
    page.goto(url)
    assert "缺少家庭收入证明" in page.locator("#return-note").inner_text()
    assert page.locator(".workflow").count() == 0

    page.context.clear_cookies()
    log_in(page, "statistician")
    page.goto(url)
    assert page.locator("h1").inner_text().startswith("档案 ZZ-2014-009")
    assert page.locator(".workflow").count() == 0
    for label in ("审核通过", "退回修改", "登记公示", "建档", "脱困退出"):
        assert page.get_by_role("button", name=label).count() == 0
    shot("workflow-statistics-officer")
    # The Content-Security-Policy allows no inline script: none of these pages needs one.
    assert [message for message in console_errors if "Content Security Policy" in message] == []
