"""Each role's home shows its own work, each role's menu the pages of its work, and the target
indicators are computed once per unit and day, after the page."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from casework.choices import Role
from portal import selectors
from stats.definitions import DEADLINES
from tests.factories import (
    AidGrantFactory,
    HouseholdFactory,
    NoticeEntryFactory,
    NoticeFactory,
    ObjectionFactory,
    PersonFactory,
    ReturnSubmissionFactory,
)

D = datetime.date


def badge(html, block):
    """The count badge of the work block ``block`` (its id) on the home page."""
    part = html.split(f'id="{block}"', 1)[1]
    return re.search(r'<span class="badge[^"]*">([^<]*)</span>', part).group(1)


def nav(html):
    return re.findall(r"<nav aria-label=\"主导航\">(.*?)</nav>", html, re.S)[0]


@pytest.fixture
def today():
    return timezone.localdate()


def test_a_caseworker_sees_files_to_complete_students_to_pay_and_reviews_due(tree, make_user, client, today):
    client.force_login(make_user(tree.city_a, Role.CASEWORKER))
    returned = [
        HouseholdFactory(
            file_no=f"RET-{n}",
            organisation=unit,
            applied_on=today - datetime.timedelta(days=20),
            returned_on=today - datetime.timedelta(days=n),
            return_reason="缺收入证明",
            reviewed_on=None,
            filed_on=None,
        )
        for n, unit in ((3, tree.county_a), (5, tree.city_a))
    ]
    HouseholdFactory(file_no="RET-OTHER", organisation=tree.city_b, returned_on=today, reviewed_on=None, filed_on=None)
    HouseholdFactory(file_no="APPLIED-1", organisation=tree.city_a, reviewed_on=None, filed_on=None)
    due = HouseholdFactory(file_no="DUE-1", organisation=tree.county_a, filed_on=D(today.year - 1, 3, 1))

    # A Golden Autumn notice of the city that ended ten days ago, and what became of each student on it.
    ended = today - datetime.timedelta(days=10)
    notice = NoticeFactory(
        organisation=tree.city_a, starts_on=ended - datetime.timedelta(days=6), ends_on=ended, title="金秋助学名单"
    )
    outcomes = {}
    for outcome in ("waiting", "paid", "struck_off", "objection_pending", "objection_rejected", "paid_before"):
        person = PersonFactory(household=due, organisation=tree.county_a)
        NoticeEntryFactory(notice=notice, person=person, struck_off=outcome == "struck_off")
        outcomes[person.pk] = outcome
        if outcome == "paid":
            AidGrantFactory(person=person, organisation=tree.county_a, granted_on=ended + datetime.timedelta(days=1))
        if outcome == "paid_before":  # an earlier year's grant does not pay this notice
            AidGrantFactory(person=person, organisation=tree.county_a, granted_on=ended - datetime.timedelta(days=300))
        if outcome.startswith("objection"):
            ObjectionFactory(notice=notice, person=person, upheld=None if outcome == "objection_pending" else False)
    waiting = [pk for pk, outcome in outcomes.items() if outcome in ("waiting", "objection_rejected", "paid_before")]
    # A notice of another city and one that is still running are not the caseworker's to pay.
    NoticeEntryFactory(notice=NoticeFactory(organisation=tree.city_b, ends_on=ended, starts_on=ended))
    NoticeEntryFactory(notice=NoticeFactory(organisation=tree.city_a, starts_on=today, ends_on=today))

    html = client.get(reverse("home")).content.decode()

    assert "我的待办" in html
    assert badge(html, "work-returned") == str(len(returned))
    assert all(household.file_no in html for household in returned) and "RET-OTHER" not in html
    assert f'href="{reverse("households-list")}?status=returned"' in html
    assert badge(html, "work-grants") == f"{len(waiting)} 人"
    assert f'{notice}</a> <span class="muted">{ended:%Y-%m-%d} 结束，{len(waiting)} 人未发放' in html
    assert f'href="{reverse("notices:index")}?period=ended"' in html
    assert badge(html, "work-reviews") == str(selectors.annual_reviews_due(make_user(tree.city_a))) == "1"
    assert "DUE-1" in html.split('id="work-reviews"')[1]
    # Not the reviewer's or the statistics officer's lists.
    assert 'id="work-notice"' not in html and 'id="work-submissions"' not in html


def test_a_reviewer_sees_the_files_waiting_at_each_step(tree, make_user, client, today):
    client.force_login(make_user(tree.city_a, Role.REVIEWER))
    files = {
        "review": [HouseholdFactory(organisation=tree.county_a, reviewed_on=None, filed_on=None) for _ in range(3)],
        "notice": [HouseholdFactory(organisation=tree.city_a, reviewed_on=today, filed_on=None) for _ in range(2)],
        "filing": [HouseholdFactory(organisation=tree.county_a, reviewed_on=today, noticed_on=today, filed_on=None)],
    }
    HouseholdFactory(organisation=tree.city_b, reviewed_on=today, filed_on=None)  # another city's
    HouseholdFactory(organisation=tree.city_a)  # on file: nothing to do

    html = client.get(reverse("home")).content.decode()

    for step, block in (("review", "work-review"), ("notice", "work-notice"), ("filing", "work-filing")):
        assert badge(html, block) == str(len(files[step])), step
        shown = html.split(f'id="{block}"', 1)[1].split("</ul>", 1)[0]
        assert all(household.file_no in shown for household in files[step]), step
    assert f'href="{reverse("households-list")}?status=reviewed"' in html
    assert f'href="{reverse("households-list")}?status=noticed"' in html
    assert 'id="work-returned"' not in html and 'id="work-submissions"' not in html


def test_a_work_list_shows_its_first_rows_and_counts_them_all(tree, make_user, client, today):
    client.force_login(make_user(tree.city_a, Role.REVIEWER))
    total = selectors.WORK_LIMIT + 2
    for _ in range(total):
        HouseholdFactory(organisation=tree.city_a, reviewed_on=today, filed_on=None)
    html = client.get(reverse("home")).content.decode()
    assert badge(html, "work-notice") == str(total)
    shown = html.split('id="work-notice"', 1)[1].split("</ul>", 1)[0]
    assert shown.count("<li>") == selectors.WORK_LIMIT


def test_a_statistics_officer_sees_subordinates_submissions_and_missing_returns(tree, make_user, client, today):
    officer = make_user(tree.city_a, Role.STATISTICS_OFFICER)
    client.force_login(officer)
    ReturnSubmissionFactory(organisation=tree.county_a, attachment=1, version=1, status="returned")
    waiting = ReturnSubmissionFactory(organisation=tree.county_a, attachment=1, version=2)
    ReturnSubmissionFactory(organisation=tree.county_a, attachment=2, version=1, status="accepted")
    ReturnSubmissionFactory(organisation=tree.county_b, attachment=1, version=1)  # submitted to another city

    html = client.get(reverse("home")).content.decode()

    assert badge(html, "work-submissions") == "1"
    assert f'href="{reverse("stats-submission", args=[waiting.pk])}"' in html
    # The county filed nothing this year: every return whose deadline has passed is missing.
    passed = [row for row in DEADLINES if D(today.year, *row[2]) < today]
    assert badge(html, "work-missing") == str(len(passed))
    assert 'id="work-returned"' not in html and 'id="work-notice"' not in html
    year_end = selectors.deadlines(officer, today=D(today.year, 12, 31))["subordinates_missing"]
    assert [(row["org"], row["attachment"]) for row in year_end] == [("410181", row[0]) for row in DEADLINES]


def test_an_administrator_sees_every_role_s_work(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.ADMINISTRATOR))
    html = client.get(reverse("home")).content.decode()
    for block in ("work-returned", "work-grants", "work-reviews", "work-review", "work-submissions"):
        assert f'id="{block}"' in html, block


def test_the_home_page_counts_in_a_fixed_number_of_queries(tree, make_user, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user(tree.city_a, Role.ADMINISTRATOR))

    def add_work():
        household = HouseholdFactory(organisation=tree.county_a, reviewed_on=None, filed_on=None)
        HouseholdFactory(organisation=tree.county_a, reviewed_on=D(2014, 1, 1), filed_on=None)
        HouseholdFactory(organisation=tree.county_a, returned_on=D(2014, 1, 1), reviewed_on=None, filed_on=None)
        NoticeEntryFactory(notice=NoticeFactory(organisation=tree.city_a), person=PersonFactory(household=household))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    add_work()
    client.get(reverse("home"))  # the session and the user once
    few = queries()
    for _ in range(4):
        add_work()
    assert queries() == few


def test_each_role_s_menu_shows_the_pages_of_its_work(tree, make_user, client):
    menus = {}
    for role in Role.values:
        client.force_login(make_user(tree.city_a, role, username=f"menu-{role}"))
        menus[role] = nav(client.get(reverse("home")).content.decode())
    assert "名册导入" in menus[Role.CASEWORKER] and "报表上报" not in menus[Role.CASEWORKER]
    assert "年度核实" in menus[Role.REVIEWER] and "名册导入" not in menus[Role.REVIEWER]
    statistics = menus[Role.STATISTICS_OFFICER]
    assert "报表上报" in statistics and "统计报表" in statistics
    assert "年度核实" not in statistics and "名册导入" not in statistics
    for label in ("年度核实", "报表上报", "名册导入", "数据包导入", "台账"):
        assert label in menus[Role.ADMINISTRATOR], label


# --- the indicators: once per unit and day, after the page -------------------------------------------


def test_the_home_page_itself_never_computes_the_indicators(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.STATISTICS_OFFICER))
    with mock.patch("portal.selectors.indicators_for") as compute:
        html = client.get(reverse("home")).content.decode()
    assert compute.call_count == 0
    assert f'hx-get="{reverse("home-indicators")}"' in html and "目标指标" in html


def test_the_indicators_are_computed_once_per_unit_and_day(tree, make_user, client, today):
    from stats.selectors import indicators_for

    city_user = make_user(tree.city_a, Role.STATISTICS_OFFICER, username="city-one")
    with mock.patch("portal.selectors.indicators_for", wraps=indicators_for) as compute:
        client.force_login(city_user)
        first = client.get(reverse("home-indicators")).content.decode()
        assert compute.call_count == 1 and "目标" in first
        # A second view the same day, by the same user or another of the unit: nothing is computed.
        assert client.get(reverse("home-indicators")).content.decode() == first
        client.force_login(make_user(tree.city_a, Role.CASEWORKER, username="city-two"))
        assert client.get(reverse("home-indicators")).content.decode() == first
        assert compute.call_count == 1
        # Another unit computes its own.
        client.force_login(make_user(tree.county_b, Role.CASEWORKER, username="county"))
        client.get(reverse("home-indicators"))
        assert compute.call_count == 2
        # The next day computes again.
        selectors.indicators(city_user, today=today + datetime.timedelta(days=1))
        assert compute.call_count == 3
        selectors.indicators(city_user, today=today + datetime.timedelta(days=1))
        assert compute.call_count == 3


def test_cached_indicators_speak_the_reader_s_language(tree, make_user, today):
    user = make_user(tree.city_a, Role.STATISTICS_OFFICER)
    with translation.override("zh-hans"):
        chinese = [row["label"] for row in selectors.indicators(user, today=today)]
    with mock.patch("portal.selectors.indicators_for") as compute, translation.override("en"):
        english = [row["label"] for row in selectors.indicators(user, today=today)]
    assert compute.call_count == 0
    assert chinese and len(english) == len(chinese) and english != chinese


def test_the_figures_of_the_indicators_are_those_of_the_unit(tree, make_user, client, today):
    from stats.selectors import indicators_for

    user = make_user(tree.city_a, Role.STATISTICS_OFFICER)
    client.force_login(user)
    html = client.get(reverse("home-indicators")).content.decode()
    for row in indicators_for(user, year=today.year, org_code="410100")["indicators"]:
        assert f"（{row['numerator']} / {row['denominator']}）" in html
