"""The returns pages: Attachment 3 laid out with linked figures, drill-down, XLSX, print, filing, comparison."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries.id_numbers import mask, sample_id_number
from casework.choices import Role
from stats.models import ReturnFiling
from tests.factories import AidGrantFactory, FundReceiptFactory, HouseholdFactory, PersonFactory, SchoolingFactory

D = datetime.date
QUERY = {"attachment": 3, "org": "410000", "year": 2014, "cutoff": "2014-08-31"}


@pytest.fixture
def aid(tree):
    """One primary pupil of an on-file household with a 1,500 yuan grant in the period (and one after the
    cut-off, 999 yuan), and 20,000 yuan raised from government in county A."""
    household = HouseholdFactory(organisation=tree.city_a, filed_on=D(2013, 2, 1))
    pupil = PersonFactory(household=household, name="刘小华", seq=31)
    SchoolingFactory(person=pupil, stage="primary", entered_on=D(2013, 9, 1))
    AidGrantFactory(person=pupil, organisation=tree.city_a, granted_on=D(2014, 8, 20), amount="1500.00")
    AidGrantFactory(person=pupil, organisation=tree.city_a, granted_on=D(2014, 9, 5), amount="999.00")
    FundReceiptFactory(
        organisation=tree.county_a,
        programme="student_aid",
        source="government",
        received_on=D(2014, 5, 1),
        amount="20000.00",
    )
    return pupil


@pytest.fixture
def officer(tree, make_user, client):
    user = make_user(tree.province, Role.STATISTICS_OFFICER, username="tongji")
    client.force_login(user)
    return user


def figure(html, key):
    match = re.search(rf'data-key="{re.escape(key)}"[^>]*>([^<]*)<', html)
    return match.group(1) if match else None


def test_attachment_3_is_laid_out_with_each_figure_linked_to_its_records(officer, aid, client):
    html = client.get(reverse("stats-returns"), QUERY).content.decode()
    assert "各地工会金秋助学情况统计表" in html
    # 20,000 yuan = 2.00 万元; the grant of 1,500 yuan = 0.15 万元; one pupil, in primary/junior.
    assert figure(html, "a3.1") == "2.00" and figure(html, "a3.1.government") == "2.00"
    assert figure(html, "a3.2") == "0.15" and figure(html, "a3.2.primary_junior") == "0.15"
    assert figure(html, "a3.4") == "1" and figure(html, "a3.4.college_plus") == "0"
    link = re.search(r'href="([^"]+)"[^>]*data-key="a3.4"', html).group(1).replace("&amp;", "&")
    drill = client.get(link).content.decode()
    assert "刘小华" in drill and mask(sample_id_number(31)) in drill and sample_id_number(31) not in drill
    assert "记录 1 条，涉及 1 人。" in drill


def test_xlsx_and_print_view(officer, aid, client):
    response = client.get(reverse("stats-return-xlsx"), QUERY)
    data = load_workbook(io.BytesIO(response.content)).worksheets[1]
    values = {row[0]: row[3] for row in data.iter_rows(min_row=2, values_only=True)}
    assert values["a3.4"] == 1 and str(values["a3.2"]) == "0.15"
    page = client.get(reverse("stats-return-print"), QUERY).content.decode()
    assert "css/print.css" in page and "<style" not in page
    assert figure(page, "a3.1") == "2.00"


def test_filing_freezes_figures_and_compares_them_with_today(officer, aid, tree, client):
    response = client.post(reverse("stats-return-file"), {**QUERY, "preparer": "赵统计", "phone": "0371-1234567"})
    filing = ReturnFiling.objects.get()
    assert response["Location"] == reverse("stats-filing", args=[filing.pk])
    assert filing.figures["cells"]["a3.4"]["value"] == 1 and filing.preparer == "赵统计"

    sibling = PersonFactory(household=aid.household, name="刘小丽", seq=32)
    SchoolingFactory(person=sibling, stage="senior_secondary", entered_on=D(2014, 3, 1))
    AidGrantFactory(person=sibling, organisation=tree.county_a, granted_on=D(2014, 8, 25), amount="2000.00")

    page = client.get(reverse("stats-filing", args=[filing.pk])).content.decode()
    row = re.search(r'<tr class="changed"><td>[^<]*</td><td><small class="muted">a3.4</small>.*?</tr>', page, re.S)
    assert "<td>1</td>" in row.group(0) and ">2</a>" in row.group(0)  # filed 1 person, now 2
    assert "a3.1" not in re.findall(r'<tr class="changed"><td>[^<]*</td><td><small class="muted">([^<]+)<', page)
    assert "<h3>助学款</h3>" in page and "aid_grants" not in page  # the list by its name, not its key


def test_a_caseworker_sees_returns_but_cannot_file(tree, make_user, client, aid):
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    html = client.get(reverse("stats-returns"), {**QUERY, "org": "410100"}).content.decode()
    assert figure(html, "a3.4") == "1" and "报送报表" not in html
    assert client.post(reverse("stats-return-file"), {**QUERY, "preparer": "x", "phone": "1"}).status_code == 403
    refused = client.get(reverse("stats-returns"), QUERY).content.decode()  # the province is above city A
    assert "没有找到该单位（或不在您的管辖范围内）" in refused
