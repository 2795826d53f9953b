"""Edit forms keep their dates in Chinese: a date input carries an ISO value whatever the language.

Django renders a date in the active locale's format (``2013/03/04`` in Chinese) unless the widget
names one; the browser's date picker shows such a value as empty, and saving the form then failed with
"该字段是必填项". The browser test in ``tests/browser/test_edit_forms.py`` saves a form for real.
"""

import datetime
import re

import pytest
from django.urls import reverse

from casework import listing
from casework.choices import Role
from tests.factories import HouseholdFactory, PersonFactory, SchoolingFactory

DATE_INPUT = re.compile(r'<input type="date" name="(\w+)" value="([^"]*)"')


def _date_inputs(html):
    return dict(DATE_INPUT.findall(html))


@pytest.fixture
def caseworker_client(client, tree, make_user):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    return client


def test_household_edit_form_shows_iso_dates_in_chinese(caseworker_client, tree):
    household = HouseholdFactory(organisation=tree.county_a, applied_on=datetime.date(2012, 3, 4))
    html = caseworker_client.get(reverse("household-edit", args=[household.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert _date_inputs(html.content.decode())["applied_on"] == "2012-03-04"


def test_every_record_edit_form_shows_iso_dates(caseworker_client, tree):
    """Every record type with an edit form: each date input's value is ``YYYY-MM-DD`` or empty."""
    person = PersonFactory(household=HouseholdFactory(organisation=tree.county_a))
    entry = SchoolingFactory(
        person=person, admitted_on=datetime.date(2013, 7, 20), entered_on=datetime.date(2013, 9, 1)
    )
    html = caseworker_client.get(reverse("schooling-edit", args=[entry.pk])).content.decode()
    assert _date_inputs(html) == {"admitted_on": "2013-07-20", "entered_on": "2013-09-01"}
    for record_type in listing.registered().values():
        if not (record_type.form_class and record_type.update):
            continue
        rendered = caseworker_client.get(reverse(f"{record_type.slug}-create")).content.decode()
        for name, value in _date_inputs(rendered).items():
            assert value == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (record_type.slug, name, value)
