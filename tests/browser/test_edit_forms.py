"""Edit forms in Chinese keep their dates: Chromium shows them and saves them unchanged."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Household, Schooling
from casework.choices import Role
from tests.browser.test_casework_flow import log_in
from tests.factories import HouseholdFactory, PersonFactory, SchoolingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


def test_household_and_schooling_edit_forms_keep_their_dates(page, shot, tree, make_user):
    household = HouseholdFactory(file_no="GY-2012-007", organisation=tree.county_a, applied_on=D(2012, 3, 4))
    pupil = PersonFactory(household=household, name="王小雨", relationship="child")
    entry = SchoolingFactory(person=pupil, stage="undergraduate", admitted_on=D(2013, 7, 20), entered_on=D(2013, 9, 1))
    make_user(tree.county_a, Role.CASEWORKER, username="caseworker")
    log_in(page, "caseworker")

    page.goto(reverse("household-edit", args=[household.pk]))
    assert page.get_by_label("申请日期").input_value() == "2012-03-04"
    shot("edit-household-dates")
    page.get_by_label("修改原因").fill("核对家庭信息")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**{reverse('household-detail', args=[household.pk])}")
    assert "该字段是必填项" not in page.content()
    assert Household.objects.get(pk=household.pk).applied_on == D(2012, 3, 4)

    page.goto(reverse("schooling-edit", args=[entry.pk]))
    assert page.get_by_label("录取日期").input_value() == "2013-07-20"
    assert page.get_by_label("入学日期").input_value() == "2013-09-01"
    page.get_by_label("学校").fill("郑州大学")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=已保存")
    entry = Schooling.objects.get(pk=entry.pk)
    assert (entry.school, entry.admitted_on, entry.entered_on) == ("郑州大学", D(2013, 7, 20), D(2013, 9, 1))
