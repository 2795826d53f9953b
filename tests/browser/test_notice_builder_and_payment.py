"""From the notice builder to the payment, in headless Chromium and in Chinese: a reviewer builds a 金秋助学
notice from the eligible students (stage, school, standard; filtered, paged), a caseworker pays an ended
notice in one confirmed batch (发放), and a single grant starts at the published standard and the
household's unit, another amount only with a reason."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aid.models import AidGrant
from aid.selectors import standard_for
from casework.choices import Role
from notices.choices import NoticeKind, NoticeStatus
from notices.models import Notice
from notices.services import payment_batch_name
from tests.browser.test_casework_flow import log_in
from tests.factories import HouseholdFactory, NoticeEntryFactory, NoticeFactory, PersonFactory, SchoolingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def family(org, file_no, seq, name, stage, school):
    household = HouseholdFactory(
        organisation=org, file_no=file_no, applied_on=days_ago(800), reviewed_on=days_ago(790), filed_on=days_ago(780)
    )
    head = PersonFactory(household=household, name=f"{name[0]}建国", relationship="head", seq=seq)
    child = PersonFactory(household=household, name=name, relationship="child", seq=seq + 1)
    SchoolingFactory(person=child, stage=stage, school=school, entered_on=days_ago(400))
    return head, child


@pytest.fixture
def county(tree, make_user):
    make_user(tree.city_a, Role.REVIEWER, username="reviewer")
    make_user(tree.city_a, Role.CASEWORKER, username="caseworker")
    return {
        "pupil": family(tree.county_a, "GY-2026-01", 61, "王小明", "primary", "巩义市实验小学"),
        "student": family(tree.county_a, "GY-2026-02", 63, "李小红", "undergraduate", "郑州大学"),
        "senior": family(tree.county_a, "GY-2026-03", 65, "赵小军", "senior_secondary", "巩义市第一中学"),
    }


def test_a_reviewer_builds_a_notice_from_the_eligible_students(page, shot, county, tree):
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    log_in(page, "reviewer")
    page.goto("/notices/new/")
    table = page.locator("table.list")
    # The school children, with stage, school and the standard of their stage; not the heads of household.
    for key, stage_label, school in (
        ("pupil", "小学", "巩义市实验小学"),
        ("student", "本科", "郑州大学"),
        ("senior", "高中", "巩义市第一中学"),
    ):
        head, child = county[key]
        row = table.locator("tr", has_text=child.name)
        assert stage_label in row.inner_text() and school in row.inner_text()
        assert row.locator("input").input_value() == str(standard_for(child_stage(child)))
        assert head.name not in table.inner_text()
    assert "共 3 条" in page.content()

    # Filter by stage group: 大专以上 only.
    page.get_by_label("学段").select_option(label="大专以上")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**stage_group=college_plus**")
    assert "李小红" in table.inner_text() and "王小明" not in table.inner_text()
    shot("notice-builder-filtered")

    page.goto("/notices/new/")
    page.get_by_label("公示地点").fill("巩义市总工会公示栏")
    page.get_by_label("公示开始日期").fill(TODAY.isoformat())
    _head, senior = county["senior"]
    table.locator("tr", has_text=senior.name).locator("input").fill("")  # left out
    shot("notice-builder")
    page.get_by_role("button", name="生成草稿").click()
    page.wait_for_url("**/notices/*/")
    assert "公示草稿已生成，请核对后发布。" in page.content()
    notice = Notice.objects.get()
    listed = {entry.person_id: entry.amount for entry in notice.entries.all()}
    pupil, student = county["pupil"][1], county["student"][1]
    assert listed == {pupil.pk: standard_for("primary"), student.pk: standard_for("undergraduate")}
    assert [m for m in console_errors if "Content Security Policy" in m] == []


def test_the_builder_s_unit_is_picked_by_name_and_a_long_list_is_counted_up_to_its_limit(
    page, shot, county, tree, monkeypatch
):
    monkeypatch.setattr("notices.views.BUILDER_COUNT_LIMIT", 2)
    monkeypatch.setattr("notices.views.BUILDER_PAGE_SIZE", 2)
    log_in(page, "reviewer")
    page.goto("/notices/new/")
    # Three eligible students, counted up to two: a lower bound (the full first page shows one more exists),
    # never "共"; the next page goes on to the third and makes the total exact.
    assert page.locator(".pager-total").inner_text() == "3 条以上"
    assert "第 1 页（2 页以上）" in page.locator("nav.pager").inner_text()
    page.locator("nav.pager").get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2**")
    assert page.locator(".pager-total").inner_text() == "共 3 条"
    assert page.locator("table.list tbody tr").count() == 1

    # The unit is typed and chosen from the subtree's matches, not picked from a list of every unit.
    assert page.locator('select[name="org"]').count() == 0
    unit = page.get_by_role("combobox", name="公示单位")
    unit.fill("巩义")
    option = page.get_by_role("listbox").get_by_role("option").first
    option.wait_for()
    assert "巩义市总工会" in option.inner_text()
    option.click()
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**org=*{tree.county_a.code}*")
    assert tree.county_a.name in page.locator("h1").inner_text()
    shot("notice-builder-unit-picked")
    # Another city's unit is not found, and typed anyway it answers as an unknown one.
    unit = page.get_by_role("combobox", name="公示单位")
    unit.fill("偃师")
    page.wait_for_timeout(500)
    assert page.get_by_role("listbox").get_by_role("option").count() == 0
    assert page.goto(f"/notices/new/?org={tree.county_b.code}").status == 404


def child_stage(person):
    return person.schooling.get().stage


@pytest.fixture
def ended(county, tree):
    notice = NoticeFactory(
        organisation=tree.county_a,
        ref="GS-2026-09",
        title="2026年金秋助学公示",
        status=NoticeStatus.PUBLISHED,
        kind=NoticeKind.STUDENT_AID,
        starts_on=days_ago(20),
        ends_on=days_ago(10),
    )
    for key in ("pupil", "student", "senior"):
        child = county[key][1]
        NoticeEntryFactory(notice=notice, person=child, amount=standard_for(child_stage(child)))
    struck = NoticeEntryFactory(
        notice=notice, person=family(tree.county_a, "GY-2026-04", 67, "钱小丽", "primary", "巩义市第二小学")[1]
    )
    struck.struck_off = True
    struck.save()
    return notice


def test_a_caseworker_pays_an_ended_notice_in_one_confirmed_batch(page, shot, county, ended):
    log_in(page, "caseworker")
    page.goto(f"/notices/{ended.pk}/")
    page.get_by_role("link", name="按公示标准发放助学款").click()
    page.wait_for_url(f"**/notices/{ended.pk}/pay/")
    paid = [county[key][1] for key in ("pupil", "student", "senior")]
    total = sum((standard_for(child_stage(c)) for c in paid), Decimal("0.00"))
    assert f"本次发放 {len(paid)} 人，合计 {total} 元。" in page.content()
    skipped = page.locator("section", has_text="不在本次发放之列的人员")
    assert "钱小丽" in skipped.inner_text() and "异议成立" in skipped.inner_text()
    assert "整批都不发放" in page.content()
    shot("notice-payment-confirmation")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认发放").click()  # not ticked: refused, nothing written
    page.wait_for_load_state()
    assert "请勾选确认后再发放。" in page.content()
    assert not AidGrant.objects.exists()
    page.get_by_label("已核对名单和金额，确认发放").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认发放").click()
    page.wait_for_url(f"**/notices/{ended.pk}/")
    assert f"已发放助学款 {len(paid)} 人，合计 {total} 元" in page.content()
    grants = AidGrant.objects.order_by("person_id")
    assert {g.person_id: g.amount for g in grants} == {c.pk: standard_for(child_stage(c)) for c in paid}
    batch = payment_batch_name(ended, TODAY)
    assert {g.history.get().history_change_reason for g in grants} == {batch}
    assert {g.organisation_id for g in grants} == {ended.organisation_id}


def test_a_single_grant_starts_at_the_standard_and_another_amount_needs_a_reason(page, shot, county, ended, tree):
    pupil = county["pupil"][1]
    standard = standard_for("primary")
    log_in(page, "caseworker")
    page.goto(f"/aid/grants/new/?person={pupil.pk}")
    assert page.get_by_label("金额（元）").input_value() == str(standard)
    assert page.get_by_label("填报单位").input_value().startswith(tree.county_a.name)  # the household's unit
    page.get_by_label("金额（元）").fill("800")
    page.get_by_role("button", name="保存").click()
    message = f"金额 800.00 元与公示 {ended.number} 的帮扶标准 {standard} 元不同，须填写金额调整原因。"
    assert message in page.content()
    assert not AidGrant.objects.exists()
    shot("grant-amount-needs-reason")
    page.get_by_label("金额调整原因").fill("家庭另获社会资助，减半发放")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(lambda url: "/new/" not in url)
    grant = AidGrant.objects.get()
    assert (grant.amount, grant.organisation_id, grant.amount_reason) == (
        Decimal("800.00"),
        tree.county_a.pk,
        "家庭另获社会资助，减半发放",
    )
