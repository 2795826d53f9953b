"""Lists that page instead of ending silently, the annual review taken for several files at once with the one
rule of which files are due, and the filing comparison with its changed rows first."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import AnnualReview
from beneficiaries.selectors import annual_reviews_due
from casework.choices import Role
from portal.selectors import annual_reviews_due as home_count
from stats.engine import attachment_of
from stats.models import ReturnFiling
from tests.factories import (
    AidGrantFactory,
    HouseholdFactory,
    NoticeFactory,
    PersonFactory,
    SchoolingFactory,
)

D = datetime.date
QUERY = {"attachment": 3, "org": "410000", "year": 2014, "cutoff": "2014-08-31"}
CLOSING = {"outcome": "closed", "note": "子女已就业", "closing_code": "out_of_hardship", "confirm": "on"}


def pupils(tree, count):
    """``count`` primary pupils of one on-file household, each with a grant in 2014 (cell a3.4 counts them)."""
    household = HouseholdFactory(organisation=tree.city_a, filed_on=D(2013, 2, 1))
    for n in range(count):
        pupil = PersonFactory(household=household, name=f"学生{n + 1:02d}", seq=60 + n)
        SchoolingFactory(person=pupil, stage="primary", entered_on=D(2013, 9, 1))
        AidGrantFactory(person=pupil, organisation=tree.city_a, granted_on=D(2014, 8, 20), amount="1500.00")


# --- paging ---------------------------------------------------------------------------------------


def test_notice_list_pages_by_200_with_numbered_pages_and_the_total(tree, make_user, client):
    client.force_login(make_user(tree.city_a))
    start = D(2014, 12, 31)
    for n in range(201):  # the newest notice first: the 201st is the oldest
        starts_on = start - datetime.timedelta(n)
        NoticeFactory(organisation=tree.city_a, title=f"第{n + 1:03d}份公示", starts_on=starts_on, ends_on=starts_on)
    first = client.get(reverse("notices:index")).content.decode()
    assert "共 201 份公示" in first and "第200份公示" in first and "第201份公示" not in first
    assert re.search(r'<strong aria-current="page">1</strong>', first) and 'href="?page=2"' in first
    second = client.get(reverse("notices:index"), {"page": 2}).content.decode()
    assert "第201份公示" in second and "第200份公示" not in second
    assert "共 201 份公示" in second and "第 2 / 2 页" in second and 'href="?page=1"' in second


def test_record_list_pager_numbers_the_pages_and_keeps_the_filters(tree, make_user, client, monkeypatch):
    monkeypatch.setattr("casework.listing.PAGE_SIZE", 1)
    client.force_login(make_user(tree.city_a))
    for day in (1, 2, 3, 4, 5, 6, 7):
        AidGrantFactory(organisation=tree.city_a, granted_on=D(2014, 8, day))
    html = client.get(reverse("grants-list"), {"sort": "granted_on", "page": 4}).content.decode()
    assert "共 7 条" in html and '<strong aria-current="page">4</strong>' in html
    pages = re.findall(r'<a href="\?sort=granted_on&amp;page=(\d+)">\d+</a>', html)
    assert pages == ["1", "2", "3", "5", "6", "7"]
    assert "上一页" in html and "下一页" in html


def test_drill_down_pages_its_persons_and_records(tree, make_user, client, monkeypatch):
    monkeypatch.setattr("stats.views.DRILL_PAGE_SIZE", 2)
    client.force_login(make_user(tree.province, Role.STATISTICS_OFFICER))
    pupils(tree, 3)
    url = reverse("stats-return-cell")
    first = client.get(url, {**QUERY, "key": "a3.4"}).content.decode()
    assert "记录 3 条，涉及 3 人。" in first and "第 1 / 2 页" in first
    assert "学生01" in first and "学生02" in first and "学生03" not in first
    second = client.get(url, {**QUERY, "key": "a3.4", "page": 2}).content.decode()
    assert "学生03" in second and "学生01" not in second and "第 2 / 2 页" in second
    past_the_end = client.get(url, {**QUERY, "key": "a3.4", "page": 9}).content.decode()
    assert "学生03" in past_the_end and '<strong aria-current="page">2</strong>' in past_the_end


# --- the annual review: who is due, several at once -------------------------------------------------


def test_a_file_filed_this_year_is_not_due_on_the_worklist_nor_on_the_home_page(tree, make_user, client):
    today = timezone.localdate()
    user = make_user(tree.city_a)
    client.force_login(user)
    old = HouseholdFactory(file_no="ZZ-OLD", organisation=tree.city_a, filed_on=D(today.year - 1, 12, 31))
    HouseholdFactory(file_no="ZZ-NEW", organisation=tree.city_a, filed_on=D(today.year, 1, 1))
    HouseholdFactory(file_no="ZZ-TODAY", organisation=tree.city_a, applied_on=today, reviewed_on=today, filed_on=today)
    reviewed = HouseholdFactory(file_no="ZZ-DONE", organisation=tree.city_a, filed_on=D(2013, 2, 1))
    AnnualReview.objects.create(household=reviewed, reviewed_on=today, outcome="confirmed")
    HouseholdFactory(file_no="ZZ-CLOSED", organisation=tree.city_a, filed_on=D(2013, 2, 1), closed_on=D(2014, 1, 1))

    assert list(annual_reviews_due(user)) == [old]
    assert home_count(user) == 1
    page = client.get(reverse("annual-review")).content.decode()
    assert "ZZ-OLD" in page and "ZZ-NEW" not in page and "ZZ-TODAY" not in page and "ZZ-DONE" not in page
    assert "本单位还有 1 份在档档案今年尚未核实。" in page
    home = client.get(reverse("home")).content.decode()
    assert re.search(r'<span class="figure">1</span>今年待年度核实', home)
    # The rule is the calendar year's: on 1 January next year the file filed this year falls due.
    assert annual_reviews_due(user, today=D(today.year + 1, 1, 1)).count() == 4


def test_two_files_reviewed_in_one_action_each_with_its_history(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.REVIEWER, username="reviewer"))
    first = HouseholdFactory(file_no="ZZ-101", organisation=tree.city_a)
    second = HouseholdFactory(file_no="ZZ-102", organisation=tree.county_a)
    untouched = HouseholdFactory(file_no="ZZ-103", organisation=tree.city_a)
    response = client.post(reverse("annual-review-bulk"), {**CLOSING, "households": [first.pk, second.pk]}, follow=True)
    assert "2 份档案已完成年度核实：ZZ-101、ZZ-102。" in response.content.decode()
    for household in (first, second):
        household.refresh_from_db()
        review = household.reviews.get()
        assert review.outcome == "closed" and review.note == "子女已就业" and review.reviewed_by.username == "reviewer"
        assert household.closed_on == timezone.localdate() and household.closing_code == "out_of_hardship"
        assert review.history.get().history_change_reason == "年度核实"
        assert household.history.latest().history_change_reason == "年度核实"
    assert not untouched.reviews.exists()


def test_one_refusal_leaves_every_chosen_file_unreviewed_and_names_the_file(tree, make_user, client):
    reviewer = make_user(tree.city_a, Role.REVIEWER, username="reviewer")
    first = HouseholdFactory(file_no="ZZ-201", organisation=tree.city_a)
    closed = HouseholdFactory(file_no="ZZ-202", organisation=tree.city_a, closed_on=D(2014, 5, 1))
    with pytest.raises(ValidationError) as refused:
        services.annual_review_bulk([first, closed], outcome="confirmed", acting_user=reviewer)
    assert refused.value.messages == ["ZZ-202：只有在档的档案才能进行年度核实。"]
    assert not AnnualReview.objects.exists()

    # On the page: a caseworker may not close files; every file is named, none is reviewed.
    client.force_login(make_user(tree.city_a, username="caseworker"))
    second = HouseholdFactory(file_no="ZZ-203", organisation=tree.city_a)
    html = client.post(
        reverse("annual-review-bulk"), {**CLOSING, "households": [first.pk, second.pk]}, follow=True
    ).content.decode()
    assert "没有档案完成核实" in html and "ZZ-201：只有审核人员" in html and "ZZ-203：只有审核人员" in html
    # A missing part of the closing is refused for each file, the closing untouched.
    client.force_login(reviewer)
    html = client.post(
        reverse("annual-review-bulk"), {**CLOSING, "confirm": "", "households": [first.pk, second.pk]}, follow=True
    ).content.decode()
    assert "ZZ-201：请确认办理脱困退出" in html and "ZZ-203：请确认办理脱困退出" in html
    # A file reviewed meanwhile (by someone else) is named, and the other one is not reviewed either.
    AnnualReview.objects.create(household=second, reviewed_on=timezone.localdate(), outcome="confirmed")
    html = client.post(
        reverse("annual-review-bulk"), {"outcome": "confirmed", "households": [first.pk, second.pk]}, follow=True
    ).content.decode()
    assert "ZZ-203：该档案今年已经核实或已不在档" in html
    assert not first.reviews.exists() and first.history.count() == 1
    first.refresh_from_db()
    assert first.closed_on is None


def test_bulk_review_needs_a_choice_and_treats_a_file_outside_the_subtree_as_unknown(tree, make_user, client):
    client.force_login(make_user(tree.county_a, Role.REVIEWER))
    above = HouseholdFactory(file_no="ZZ-301", organisation=tree.city_a)
    html = client.post(reverse("annual-review-bulk"), {"outcome": "confirmed"}, follow=True).content.decode()
    assert "请先勾选要核实的档案。" in html
    html = client.post(
        reverse("annual-review-bulk"), {"outcome": "confirmed", "households": [above.pk]}, follow=True
    ).content.decode()
    assert "所选档案不存在。" in html and "ZZ-301" not in html
    assert not above.reviews.exists()


# --- the filing comparison --------------------------------------------------------------------------


def test_filing_comparison_lists_the_changed_rows_first_and_all_on_request(tree, make_user, client):
    client.force_login(make_user(tree.province, Role.STATISTICS_OFFICER))
    pupils(tree, 1)
    client.post(reverse("stats-return-file"), {**QUERY, "preparer": "赵统计", "phone": "0371-1234567"})
    filing = ReturnFiling.objects.get()
    household = HouseholdFactory(organisation=tree.county_a, filed_on=D(2013, 2, 1))
    sibling = PersonFactory(household=household, name="刘小丽", seq=91)
    SchoolingFactory(person=sibling, stage="primary", entered_on=D(2013, 9, 1))
    AidGrantFactory(person=sibling, organisation=tree.county_a, granted_on=D(2014, 8, 25), amount="2000.00")

    url = reverse("stats-filing", args=[filing.pk])
    changed = client.get(url).content.decode()
    rows = re.findall(r"<tr( class=\"changed\")?><td>([^<]*)</td><td><small class=\"muted\">([^<]+)</small>", changed)
    assert rows and all(row[0] for row in rows)  # only the changed rows
    keys = [row[2] for row in rows]
    assert "a3.4" in keys and "a3.1" not in keys
    assert rows[keys.index("a3.4")][1] == str(attachment_of(3).cell("a3.4").label)  # the label before the key
    assert 'href="?all=1"' in changed and "显示全部" in changed

    everything = client.get(url, {"all": "1"}).content.decode()
    rows = re.findall(r"<tr( class=\"changed\")?><td>[^<]*</td><td><small class=\"muted\">([^<]+)</small>", everything)
    flags = [bool(row[0]) for row in rows]
    assert len(rows) > len(keys) and flags == sorted(flags, reverse=True)  # changed first, then the others
    assert [row[1] for row in rows][: len(keys)] == keys and "a3.1" in [row[1] for row in rows]
    assert "只看有变化的项目" in everything


def test_the_filings_under_the_return_are_paged_with_their_total(tree, make_user, client, monkeypatch):
    monkeypatch.setattr("stats.views.FILINGS_PAGE_SIZE", 1)
    client.force_login(make_user(tree.province, Role.STATISTICS_OFFICER))
    for preparer in ("赵统计", "钱统计"):
        client.post(reverse("stats-return-file"), {**QUERY, "preparer": preparer, "phone": "0371-1234567"})
    first = client.get(reverse("stats-returns")).content.decode()
    assert "共 2 条" in first and "钱统计" in first and "赵统计" not in first  # newest first
    second = client.get(reverse("stats-returns"), {**QUERY, "page": 2}).content.decode()
    assert "赵统计" in second and "钱统计" not in second and "第 2 / 2 页" in second


# --- what the review found, row by row ----------------------------------------------------------------


def test_the_worklist_asks_each_row_for_the_income_and_level_found(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.REVIEWER, username="reviewer"))
    one = HouseholdFactory(file_no="ZZ-401", organisation=tree.city_a, hardship_level="general")
    two = HouseholdFactory(file_no="ZZ-402", organisation=tree.city_a, hardship_level="general")
    page = client.get(reverse("annual-review")).content.decode()
    for household in (one, two):
        assert f'name="{household.pk}-income_found"' in page and f'name="{household.pk}-level_found"' in page

    # One outcome for both; each file's own findings, the second file's left open.
    data = {"outcome": "confirmed", "households": [one.pk, two.pk]}
    data |= {f"{one.pk}-income_found": "1850.50", f"{one.pk}-level_found": "deep"}
    response = client.post(reverse("annual-review-bulk"), data, follow=True)
    assert "2 份档案已完成年度核实：ZZ-401、ZZ-402。" in response.content.decode()
    one.refresh_from_db()
    two.refresh_from_db()
    review = one.reviews.get()
    assert (review.income_found, review.level_found) == (Decimal("1850.50"), "deep")
    assert (one.monthly_income, one.hardship_level) == (Decimal("1850.50"), "deep")
    latest = one.history.latest()
    assert latest.history_change_reason == "年度核实"
    assert sorted(latest.diff_against(latest.prev_record).changed_fields) == ["hardship_level", "monthly_income"]
    assert (two.reviews.get().income_found, two.reviews.get().level_found) == (None, "")
    assert (two.monthly_income, two.hardship_level, two.history.count()) == (None, "general", 1)


def test_findings_refused_in_one_row_leave_every_file_unreviewed(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.REVIEWER, username="reviewer"))
    one = HouseholdFactory(file_no="ZZ-411", organisation=tree.city_a, hardship_level="general")
    two = HouseholdFactory(file_no="ZZ-412", organisation=tree.city_a, hardship_level="general")
    data = {"outcome": "confirmed", "households": [one.pk, two.pk], f"{two.pk}-income_found": "-5"}
    html = client.post(reverse("annual-review-bulk"), data, follow=True).content.decode()
    assert "没有档案完成核实" in html and "ZZ-412：核实家庭月收入（元）：" in html
    # 调整困难程度 needs, in every file, a level other than the file's: the service says which file lacks it.
    data = {"outcome": "level_changed", "households": [one.pk, two.pk], f"{one.pk}-level_found": "special"}
    html = client.post(reverse("annual-review-bulk"), data, follow=True).content.decode()
    assert "ZZ-412：调整困难程度须填写与档案不同的核实困难程度。" in html and "ZZ-411：" not in html
    assert not AnnualReview.objects.exists()
    assert one.history.count() == two.history.count() == 1


def test_a_rows_own_button_reviews_that_file_with_its_findings(tree, make_user, client):
    client.force_login(make_user(tree.city_a, Role.REVIEWER, username="reviewer"))
    one = HouseholdFactory(file_no="ZZ-421", organisation=tree.city_a, hardship_level="general")
    two = HouseholdFactory(file_no="ZZ-422", organisation=tree.city_a, hardship_level="general")
    # The row's button sends the whole list's form (every row's fields, the ticks, the bulk outcome).
    data = {"outcome": "closed", "households": [two.pk]}
    data |= {f"{one.pk}-outcome": "level_changed", f"{one.pk}-level_found": "special", f"{one.pk}-income_found": ""}
    data |= {f"{two.pk}-outcome": "confirmed", f"{two.pk}-level_found": "deep"}
    response = client.post(reverse("annual-review-submit", args=[one.pk]), data, follow=True)
    assert "档案 ZZ-421 已完成年度核实。" in response.content.decode()
    review = one.reviews.get()
    assert (review.outcome, review.level_found, review.income_found) == ("level_changed", "special", None)
    one.refresh_from_db()
    assert one.hardship_level == "special"
    assert not two.reviews.exists()
