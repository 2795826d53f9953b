"""At phone width (390 px) the file page and the lists need no sideways scrolling, and the header is compact."""

import datetime

import pytest
from django.urls import reverse

from casework.choices import Role
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_casework_flow import log_in
from tests.factories import (
    AidGrantFactory,
    AssistanceMeasureFactory,
    HouseholdFactory,
    PersonFactory,
    SchoolingFactory,
    TrainingFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sideways_overflow(page):
    """How many pixels the document is wider than the screen (0: nothing to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]


def test_file_page_and_lists_fit_a_phone(phone, tree, make_user):
    household = HouseholdFactory(
        file_no="GY-2013-0042", organisation=tree.county_a, hardship_reasons=["illness", "education"]
    )
    head = PersonFactory(household=household, name="欧阳建国", relationship="head")
    pupil = PersonFactory(household=household, name="欧阳小雨", relationship="child")
    SchoolingFactory(person=pupil, stage="undergraduate", school="郑州大学土木工程学院", entered_on=D(2013, 9, 1))
    AidGrantFactory(person=pupil, organisation=tree.county_a, granted_on=D(2014, 8, 20))
    TrainingFactory(person=head, organisation=tree.county_a)
    AssistanceMeasureFactory(household=household, type="medical", note="住院费用补助（市第一人民医院）")
    make_user(tree.county_a, Role.CASEWORKER, username="caseworker", first_name="王", last_name="建华")
    log_in(phone, "caseworker")

    header = phone.locator("header.topbar").bounding_box()
    assert header["height"] < 160  # brand, user and language on one line, the menu wrapped below

    for url in (
        reverse("household-detail", args=[household.pk]),
        reverse("grants-list"),
        reverse("trainings-list"),
        reverse("measures-list"),
        reverse("households-list"),
    ):
        phone.goto(url)
        assert sideways_overflow(phone) <= 0, url
    phone.goto(reverse("household-detail", args=[household.pk]))
    phone.screenshot(path=str(ARTIFACTS / "phone-file-page.png"), full_page=True)
    phone.goto(reverse("grants-list"))
    # A list row is a card: each value carries its column's label.
    assert phone.locator("td[data-label='姓名']").first.inner_text() == "欧阳小雨"
    phone.screenshot(path=str(ARTIFACTS / "phone-grants-list.png"), full_page=True)
