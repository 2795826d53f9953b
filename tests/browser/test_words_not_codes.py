"""In Chinese, through headless Chromium: pages show words, names and short numbers, never codes.

A drill-down lists 技能培训 and 下岗失业人员 (not ``skills``, ``laid_off``), the unit's name and each record's
short number; the record list and the notices show short numbers, not 32-character refs; the import page
names its lists and the place of a refusal in Chinese (助学款 第 1 条), not ``aid_grants[0]``.
"""

import json
import re

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from casework.choices import Category, Role
from tests.browser.test_casework_flow import log_in
from tests.factories import NoticeEntryFactory, NoticeFactory, PersonFactory, TrainingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEX_REF = re.compile(r"\b[0-9a-f]{32}\b")


def test_drill_downs_lists_notices_and_the_import_page_show_words(page, shot, tree, make_user, tmp_path):
    make_user(tree.city_a, Role.STATISTICS_OFFICER, username="tongji")
    trainee = PersonFactory(organisation=tree.city_a, name="刘洋", seq=41)
    training = TrainingFactory(
        person=trainee, organisation=tree.city_a, type="skills", category=Category.LAID_OFF, ref="a" * 32
    )
    notice = NoticeFactory(organisation=tree.city_a, title="郑州市金秋助学公示", ref="b" * 32)
    NoticeEntryFactory(notice=notice, person=trainee)
    log_in(page, "tongji")

    # The drill-down behind a1.1: the choice labels, the unit's name, the short number.
    query = urlencode({"attachment": 1, "org": "410100", "year": 2014, "key": "a1.1"})
    page.goto(f"{reverse('stats-return-cell')}?{query}")
    heading = page.locator("p.drill-head").inner_text()
    assert "单位 郑州市总工会" in heading and "410100 ·" not in heading
    records = page.locator("table.records")
    row = records.locator("tbody tr").first.inner_text()
    number = f"PX-{training.pk:05d}"
    for shown in (number, "刘洋", "技能培训", "下岗失业人员", "郑州市总工会"):
        assert shown in row, shown
    body = page.locator("main").inner_text()
    for code in ("skills", "laid_off", training.ref):
        assert code not in body, code
    shot("words-drill-down")
    # The record opened from the drill-down carries the same number in its heading.
    records.get_by_role("link", name="查看/修改").first.click()
    page.wait_for_url(re.compile(rf"/trainings/{training.pk}/edit/"))
    assert page.locator("h1 .number").inner_text() == number

    # The trainings list: the same short number first, no ref.
    page.goto(reverse("trainings-list"))
    first = page.locator("table.list tbody tr").first
    assert first.locator("td").first.inner_text() == number
    assert "技能培训" in first.inner_text() and not HEX_REF.search(page.locator("main").inner_text())

    # Notices by their year and id, on the list and on the page.
    page.goto(reverse("notices:index"))
    assert f"公示 2014-{notice.pk:04d}" in page.locator("table.list").inner_text()
    assert notice.ref not in page.locator("main").inner_text()
    page.get_by_role("link", name="郑州市金秋助学公示").click()
    page.wait_for_url(re.compile(rf"/notices/{notice.pk}/$"))
    assert page.locator("dd.number").inner_text() == f"2014-{notice.pk:04d}"
    # …and found by that number in the list's 编号 filter.
    page.goto(f"{reverse('notices:index')}?ref=2014-{notice.pk:04d}")
    assert page.get_by_role("link", name="郑州市金秋助学公示").is_visible()
    shot("words-notice")

    # The import page: lists and places by name, the path only in small print.
    bundle = {
        "format": "casework-bundle/1",
        "fund_receipts": [
            {"ref": "FR-W-1", "org": "410100", "programme": "student_aid", "source": "union"},
        ],
    }
    upload = tmp_path / "bundle.json"
    upload.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    page.goto(reverse("bundle-import"))
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="上传").click()
    errors = page.locator("table.errors")
    errors.wait_for()
    first_error = errors.locator("tbody tr").first.locator("td").first.inner_text()
    assert "筹集资金 第 1 条" in first_error and "fund_receipts[0]" in first_error
    assert page.locator("table.errors .place").first.inner_text().startswith("筹集资金 第 1 条 · ")
    shot("words-import-refused")

    bundle["fund_receipts"][0].update({"received_on": "2014-05-01", "amount": "300.00"})
    upload.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="上传").click()
    counts = page.locator("table.counts")
    counts.wait_for()
    assert "检查通过" in page.locator(".import-report h2").inner_text()
    assert counts.locator("tbody td").first.inner_text() == "筹集资金"
    assert "fund_receipts" not in counts.inner_text()
