"""The household file as a printable registration and approval form (登记审批表): HTML and PDF."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from beneficiaries.id_numbers import mask
from casework.choices import Role
from casework.models import ExportLog
from tests.factories import AnnualReviewFactory, AssistanceMeasureFactory, HouseholdFactory, PersonFactory

D = datetime.date


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def form(tree, make_user):
    applicant = make_user(tree.county_a, Role.CASEWORKER, username="jingban", first_name="王", last_name="")
    reviewer = make_user(tree.city_a, Role.REVIEWER, username="shenhe", first_name="李", last_name="")
    household = HouseholdFactory(
        file_no="ZZ-2014-007",
        organisation=tree.county_a,
        address="巩义市新华路1号",
        monthly_income=Decimal("1800.00"),
        income_members=3,
        hardship_level="special",
        dibao=True,
        dibao_no="DB-410181-77",
        applied_on=D(2014, 1, 5),
        applied_by=applicant,
        reviewed_on=D(2014, 1, 12),
        reviewed_by=reviewer,
        noticed_on=D(2014, 1, 15),
        notice_ref="GS-2014-01",
        filed_on=D(2014, 1, 25),
        filed_by=reviewer,
        responsible_name="赵干部",
    )
    members = [
        PersonFactory(household=household, name="周建国", relationship="head"),
        PersonFactory(household=household, name="周小红", relationship="child"),
    ]
    measures = [
        AssistanceMeasureFactory(household=household, provided_on=D(2014, 2, 1), amount=Decimal("500.00")),
        AssistanceMeasureFactory(household=household, provided_on=D(2014, 3, 1), amount=Decimal("1200.50")),
    ]
    return household, members, measures, applicant, reviewer


def test_the_pdf_is_the_file_with_its_figures_steps_and_signature_lines(form, client, make_user, tree):
    household, members, measures, applicant, reviewer = form
    user = make_user(tree.city_a, Role.CASEWORKER, username="city")
    client.force_login(user)

    response = client.get(reverse("household-pdf", args=[household.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "ZZ-2014-007.pdf" in response["Content-Disposition"]
    reader, text = pdf_text(response.content)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    flat = text.replace("\n", " ")
    for fact in (
        "困难职工家庭建档登记审批表",
        household.file_no,
        household.organisation.name,
        household.address,
        str(household.monthly_income),
        str(household.per_capita_income),  # 1800 / 3
        household.dibao_no,
        "赵干部",
        "2014-01-05",
        "2014-01-12",
        "2014-01-25",
        "GS-2014-01",
        applicant.get_full_name(),
        reviewer.get_full_name(),
        "申请人（户主）签字",
        "审核人签字",
    ):
        assert fact in flat, fact
    for person in members:
        assert person.name in flat and mask(person.id_number) in flat
        assert person.id_number not in flat and person.phone not in flat
    total = sum(measure.amount for measure in measures)
    assert f"合计 {len(measures)} 项 {total:.2f}" in flat


def test_the_pdf_download_is_logged_and_the_print_view_is_not(form, client, make_user, tree):
    household, members, *_ = form
    user = make_user(tree.city_a, Role.CASEWORKER, username="city")
    client.force_login(user)
    assert client.get(reverse("household-print", args=[household.pk])).status_code == 200
    assert not ExportLog.objects.exists()
    client.get(reverse("household-pdf", args=[household.pk]))
    log = ExportLog.objects.get()
    assert (log.user, log.file_format, log.rows) == (user, "pdf", len(members))
    assert log.filters == {"file_no": household.file_no}


def test_the_print_view_shows_what_the_file_page_shows(form, client, make_user, tree):
    household, members, measures, *_ = form
    AnnualReviewFactory(household=household, reviewed_on=D(2014, 12, 1), note="收入未变")  # recorded by nobody
    client.force_login(make_user(tree.city_a, Role.CASEWORKER, username="city"))
    html = client.get(reverse("household-print", args=[household.pk])).content.decode()
    page = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    for person in members:
        assert f'<td class="id">{person.id_number_masked}</td>' in html
        assert person.id_number_masked in page and person.id_number not in html
    assert "2014-12-01" in html and "收入未变" in html
    assert "data-print" in html and reverse("household-pdf", args=[household.pk]) in html
    # The file page links to both.
    assert reverse("household-print", args=[household.pk]) in page
    assert reverse("household-pdf", args=[household.pk]) in page


def test_a_file_of_another_unit_answers_like_an_unknown_one(form, client, make_user, tree):
    household, *_ = form
    client.force_login(make_user(tree.city_b, Role.CASEWORKER, username="luoyang"))
    for name in ("household-print", "household-pdf"):
        assert client.get(reverse(name, args=[household.pk])).status_code == 404
        assert client.get(reverse(name, args=[household.pk + 1000])).status_code == 404
    assert not ExportLog.objects.exists()


def test_a_returned_and_closed_file_shows_those_steps(tree, make_user, client):
    household = HouseholdFactory(
        organisation=tree.city_a,
        returned_on=D(2013, 1, 15),
        return_reason="缺收入证明",
        filed_on=D(2013, 2, 1),
        closed_on=D(2014, 6, 1),
        closing_code="out_of_hardship",
        closing_reason="再就业",
    )
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    html = client.get(reverse("household-print", args=[household.pk])).content.decode()
    steps = html.split('id="form-steps"', 1)[1]
    assert "退回修改" in steps and "缺收入证明" in steps and "2013-01-15" in steps
    assert "脱困退出" in steps and "再就业" in steps and "2014-06-01" in steps
