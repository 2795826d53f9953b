"""Each role's home in headless Chromium (Chinese, the default language): a caseworker, a reviewer and a
statistics officer each see their own work and menu, the target indicators arrive after the page;
the household file prints as its registration and approval form, as a PDF and from the page itself."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from beneficiaries import services
from beneficiaries.id_numbers import mask
from casework.choices import Role
from tests.browser.test_casework_flow import log_in
from tests.browser.test_lists_and_bulk_review import console_errors
from tests.factories import AssistanceMeasureFactory, PersonFactory, ReturnSubmissionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture
def unit(tree, make_user):
    caseworker = make_user(tree.city_a, Role.CASEWORKER, username="caseworker", first_name="王经办", last_name="")
    reviewer = make_user(tree.city_a, Role.REVIEWER, username="reviewer", first_name="李审核", last_name="")
    make_user(tree.city_a, Role.STATISTICS_OFFICER, username="statistician")
    returned = services.household_apply(
        file_no="ZZ-2014-021",
        organisation=tree.county_a,
        kind="worker",
        applied_on=D(2014, 3, 1),
        acting_user=caseworker,
    )
    services.household_return(returned, acting_user=reviewer, return_reason="缺少家庭收入证明")
    waiting = services.household_apply(
        file_no="ZZ-2014-022",
        organisation=tree.city_a,
        kind="worker",
        applied_on=D(2014, 3, 2),
        acting_user=caseworker,
        address="郑州市金水路8号",
        monthly_income=Decimal("2400.00"),
        income_members=4,
        hardship_reasons=["illness"],
    )
    members = [
        PersonFactory(household=waiting, name="孙大伟", relationship="head", seq=61),
        PersonFactory(household=waiting, name="孙小雨", relationship="child", seq=62),
    ]
    measure = AssistanceMeasureFactory(household=waiting, provided_on=D(2014, 4, 1), amount=Decimal("800.00"))
    submission = ReturnSubmissionFactory(organisation=tree.county_a, attachment=1)
    return {"returned": returned, "waiting": waiting, "members": members, "measure": measure, "submission": submission}


def nav_text(page):
    return page.get_by_role("navigation", name="主导航").inner_text()


def test_each_role_s_home_shows_its_own_work_and_menu(page, shot, unit):
    errors = console_errors(page)  # the htmx fragment of the indicators runs under the strict CSP

    # The caseworker: the file returned for correction, with a link to the file and to the full list.
    log_in(page, "caseworker")
    work = page.locator("#work")
    assert work.get_by_role("heading", name="我的待办").is_visible()
    returned = page.locator("#work-returned")
    assert returned.locator(".badge").inner_text() == "1"
    assert "缺少家庭收入证明" in returned.inner_text()
    assert page.locator("#work-reviews").is_visible() and page.locator("#work-grants").is_visible()
    assert page.locator("#work-notice").count() == 0 and page.locator("#work-submissions").count() == 0
    menu = nav_text(page)
    assert "名册导入" in menu and "年度核实" in menu and "报表上报" not in menu
    # The indicators arrive after the page, from the fragment.
    page.locator("#indicators ul.bars").wait_for()
    assert "每天计算一次" in page.locator("#indicators").inner_text()
    shot("home-caseworker")
    returned.get_by_role("link", name="ZZ-2014-021").click()
    page.wait_for_url(f"**/households/{unit['returned'].pk}/")
    assert "缺少家庭收入证明" in page.locator("#return-note").inner_text()

    # The reviewer: the applications waiting for review, notice and filing.
    page.context.clear_cookies()
    log_in(page, "reviewer")
    review = page.locator("#work-review")
    assert review.locator(".badge").inner_text() == "2"
    assert "ZZ-2014-021" in review.inner_text() and "ZZ-2014-022" in review.inner_text()
    assert page.locator("#work-notice").is_visible() and page.locator("#work-filing").is_visible()
    assert page.locator("#work-returned").count() == 0
    shot("home-reviewer")

    # The statistics officer: the county's return waiting for the city's decision, and the menu of returns.
    page.context.clear_cookies()
    log_in(page, "statistician")
    submissions = page.locator("#work-submissions")
    assert submissions.locator(".badge").inner_text() == "1"
    assert "巩义市总工会" in submissions.inner_text()
    menu = nav_text(page)
    assert "报表上报" in menu and "统计报表" in menu and "年度核实" not in menu and "名册导入" not in menu
    page.locator("#indicators ul.bars").wait_for()
    shot("home-statistics-officer")
    submissions.get_by_role("link", name=re.compile("巩义市总工会")).click()
    page.wait_for_url(f"**/stats/submissions/{unit['submission'].pk}/")
    assert errors == [], errors


def test_the_file_prints_as_its_registration_and_approval_form(page, shot, unit, tmp_path):
    household, members, measure = unit["waiting"], unit["members"], unit["measure"]
    log_in(page, "caseworker")
    page.goto(f"/households/{household.pk}/")

    # Printing the page itself prints the file without menus, buttons or forms.
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.get_by_role("link", name="修改档案").is_visible()
    assert not page.get_by_role("link", name="打印登记审批表").is_visible()
    assert page.locator("h1").is_visible() and page.get_by_text("孙大伟").first.is_visible()
    shot("file-printed-page")
    page.emulate_media(media="screen")

    # The form in the browser.
    page.get_by_role("link", name="打印登记审批表").click()
    page.wait_for_url(f"**/households/{household.pk}/print/")
    assert page.locator("h1").inner_text() == "困难职工家庭建档登记审批表"
    members_table = page.locator("#form-members").inner_text()
    for person in members:
        assert person.name in members_table and mask(person.id_number) in members_table
    assert "2400.00" in page.locator("#form-household").inner_text()
    assert "王经办" in page.locator("#form-steps").inner_text()
    assert "审核人签字" in page.locator("#form-signatures").inner_text()
    shot("file-form")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印").is_visible()
    page.emulate_media(media="screen")

    # The PDF, opened and read.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载PDF").click()
    download = download_info.value
    assert re.search(r"ZZ-2014-022\.pdf$", download.suggested_filename)
    path = tmp_path / "form.pdf"
    download.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(page_.extract_text() for page_ in reader.pages).replace("\n", " ")
    per_capita = household.per_capita_income
    for fact in ("ZZ-2014-022", "郑州市金水路8号", "2400.00", str(per_capita), str(measure.amount), "王经办"):
        assert fact in text, fact
    for person in members:
        assert person.name in text and mask(person.id_number) in text and person.id_number not in text
