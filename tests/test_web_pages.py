"""The caseworker's web pages through Django's test client: search, file page, forms, worklist, lists, exports."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aid.models import AidGrant
from beneficiaries.id_numbers import mask, sample_id_number
from beneficiaries.models import AnnualReview, Household, Person
from casework.choices import Role
from casework.models import ExportLog
from tests.factories import (
    AidGrantFactory,
    HouseholdFactory,
    NoticeEntryFactory,
    NoticeFactory,
    PersonFactory,
    SchoolingFactory,
)

D = datetime.date


@pytest.fixture
def worker(tree, make_user, client):
    user = make_user(tree.city_a, Role.CASEWORKER, username="zhang")
    client.force_login(user)
    return user


@pytest.fixture
def files(tree):
    """Two files in the caseworker's subtree (city A, county A) and one outside it (city B)."""
    own = HouseholdFactory(file_no="ZZ-001", organisation=tree.city_a)
    below = HouseholdFactory(file_no="ZZ-002", organisation=tree.county_a)
    other = HouseholdFactory(file_no="LY-001", organisation=tree.city_b)
    head = PersonFactory(household=own, name="王建国", relationship="head", seq=1)
    child = PersonFactory(household=own, name="王小明", relationship="child", seq=2)
    PersonFactory(household=below, name="李四", relationship="head", seq=3)
    PersonFactory(household=other, name="王外地", relationship="head", seq=4)
    return {"own": own, "below": below, "other": other, "head": head, "child": child}


def test_every_main_page_renders_for_a_caseworker(worker, files, client):
    pages = [
        reverse("home"),
        reverse("household-search"),
        reverse("household-create"),
        reverse("household-detail", args=[files["own"].pk]),
        reverse("household-edit", args=[files["own"].pk]),
        reverse("household-history", args=[files["own"].pk]),
        reverse("person-create"),
        reverse("person-edit", args=[files["head"].pk]),
        reverse("annual-review"),
        reverse("records"),
    ]
    from casework.listing import registered

    for slug, record_type in registered().items():
        pages.append(reverse(f"{slug}-list"))
        if record_type.form_class and record_type.create and slug not in ("households", "persons"):
            pages.append(reverse(f"{slug}-create"))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "困难职工帮扶管理" in response.content.decode()


def search(client, q, **headers):
    """The file search as the page sends it: posted, then the results at the URL it answers with."""
    response = client.post(reverse("household-search"), {"q": q}, **headers)
    assert response.status_code == 303 and q not in response["Location"]
    return client.get(response["Location"], **headers).content.decode()


def test_search_by_name_id_number_and_file_number_is_scoped_and_masked(worker, files, client):
    by_name = search(client, "王")
    assert "ZZ-001" in by_name and "LY-001" not in by_name  # 王外地 is in city B, outside the scope
    assert sample_id_number(1) not in by_name and mask(sample_id_number(1)) in by_name

    by_id = search(client, sample_id_number(3))
    assert "ZZ-002" in by_id and "ZZ-001" not in by_id

    outside = search(client, sample_id_number(4))
    assert "LY-001" not in outside

    by_file = search(client, "zz-00")
    assert "ZZ-001" in by_file and "ZZ-002" in by_file


def test_file_page_of_another_unit_is_not_found(worker, files, client):
    assert client.get(reverse("household-detail", args=[files["other"].pk])).status_code == 404


def test_invalid_id_number_shows_the_chinese_message_next_to_the_field(worker, files, client):
    bad = sample_id_number(9)[:-1] + ("0" if sample_id_number(9)[-1] != "0" else "1")
    response = client.post(
        reverse("person-create"),
        {
            "name": "王小红",
            "id_number": bad,
            "household": files["own"].file_no,
            "relationship": "child",
            "organisation": worker.organisation.code,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "身份证号码校验位不正确。" in html
    assert 'id="id_id_number_errors"' in html
    assert not Person.objects.filter(name="王小红").exists()


def test_member_added_through_the_form_joins_the_file_with_history(worker, files, client):
    response = client.post(
        reverse("person-create"),
        {
            "name": "王小红",
            "id_number": sample_id_number(20),
            "household": files["own"].file_no,
            "relationship": "child",
            "organisation": worker.organisation.code,
            "reason": "新增成员",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("household-detail", args=[files["own"].pk])
    person = Person.objects.get(name="王小红")
    assert person.household == files["own"] and person.organisation == files["own"].organisation
    row = person.history.get()
    assert row.history_change_reason == "新增成员" and row.history_user_name == "zhang"


def test_workflow_buttons_call_the_services(worker, tree, client, make_user):
    household = HouseholdFactory(
        file_no="NEW-1", organisation=tree.city_a, reviewed_on=None, filed_on=None, applied_on=D(2014, 1, 5)
    )
    head = PersonFactory(household=household, relationship="head", seq=7)
    notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 1, 12), ends_on=D(2014, 1, 18))
    NoticeEntryFactory(notice=notice, person=head)
    step = lambda name, **data: client.post(reverse("household-step", args=[household.pk, name]), data)  # noqa: E731

    # A caseworker sees no workflow button, and a step posted anyway is refused.
    page = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    assert 'class="workflow"' not in page
    refused = step("review", day="2014-01-10")
    assert household.history.count() == 1
    assert "只有审核人员" in client.get(refused["Location"]).content.decode()

    client.force_login(make_user(tree.city_a, Role.REVIEWER, username="reviewer"))
    step("file", day="2014-02-01")
    household.refresh_from_db()
    assert household.filed_on is None  # must be reviewed first
    step("review", day="2014-01-10")
    step("notice", notice=notice.ref)
    step("file", day="2014-02-01")
    household.refresh_from_db()
    assert (household.reviewed_on, household.noticed_on, household.filed_on) == (
        D(2014, 1, 10),
        D(2014, 1, 12),
        D(2014, 2, 1),
    )
    assert household.reviewed_by.username == "reviewer" and household.filed_by.username == "reviewer"
    page = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    assert "在档" in page and "脱困退出" in page and f"公示 {notice.number}" in page and notice.ref not in page


def test_annual_review_worklist_lists_unreviewed_files_and_takes_each_outcome(worker, files, client, tree, make_user):
    this_year = datetime.date.today().year
    AnnualReview.objects.create(household=files["below"], reviewed_on=datetime.date.today(), outcome="confirmed")
    page = client.get(reverse("annual-review")).content.decode()
    assert "ZZ-001" in page and "ZZ-002" not in page and "LY-001" not in page

    submit = reverse("annual-review-submit", args=[files["own"].pk])
    closing = {"outcome": "closed", "note": "已就业脱困", "closing_code": "out_of_hardship", "confirm": "on"}
    refused = client.post(submit, closing, follow=True)
    assert "ZZ-001：只有审核人员可以办理" in refused.content.decode()  # closing is a reviewer's

    client.force_login(make_user(tree.city_a, Role.REVIEWER, username="reviewer"))
    for missing, message in (
        ("note", "ZZ-001：脱困退出须填写说明。"),
        ("closing_code", "ZZ-001：请选择退出原因类别。"),
        ("confirm", "ZZ-001：请确认办理脱困退出"),
    ):
        refused = client.post(submit, {k: v for k, v in closing.items() if k != missing}, follow=True)
        assert message in refused.content.decode(), missing
    assert not files["own"].reviews.exists()
    done = client.post(submit, closing, follow=True)
    assert "档案 ZZ-001 已完成年度核实。" in done.content.decode()
    review = files["own"].reviews.get()
    assert review.reviewed_on.year == this_year and review.outcome == "closed"
    files["own"].refresh_from_db()
    assert (files["own"].closed_on, files["own"].closing_code) == (datetime.date.today(), "out_of_hardship")
    assert "本单位还有 0 份在档档案今年尚未核实。" in client.get(reverse("annual-review")).content.decode()


def test_grant_list_filters_sorts_paginates_and_exports_masked_and_logged(worker, files, tree, client):
    AidGrantFactory(person=files["head"], organisation=tree.city_a, granted_on=D(2014, 8, 1), amount="1000.00")
    AidGrantFactory(person=files["child"], organisation=tree.county_a, granted_on=D(2014, 8, 3), amount="500.00")
    AidGrantFactory(organisation=tree.city_b, granted_on=D(2014, 8, 2), amount="700.00")

    page = client.get(reverse("grants-list"), {"sort": "amount"}).content.decode()
    assert "共 2 条" in page
    assert page.index("500.00") < page.index("1000.00")
    assert "700.00" not in page

    response = client.get(reverse("grants-export", kwargs={"fmt": "csv"}), {"org": "410181", "sort": "amount"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "姓名", "身份证号码"]  # the short number first, as on the page
    grant = AidGrant.objects.get(organisation=tree.county_a)
    assert len(rows) == 2 and rows[1][:2] == [f"ZX-{grant.pk:05d}", "王小明"]
    assert grant.ref not in response.content.decode()
    assert rows[1][2] == mask(sample_id_number(2)) and sample_id_number(2) not in response.content.decode()

    response = client.get(reverse("grants-export", kwargs={"fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3  # header + the two grants in scope

    logs = list(ExportLog.objects.order_by("id").values("user_name", "model", "file_format", "rows", "filters"))
    assert logs == [
        {
            "user_name": "zhang",
            "model": "aid.AidGrant",
            "file_format": "csv",
            "rows": 1,
            "filters": {"org": "410181", "sort": "amount"},
        },
        {"user_name": "zhang", "model": "aid.AidGrant", "file_format": "xlsx", "rows": 2, "filters": {}},
    ]
    assert ExportLog.history.count() == 2


def test_list_pages_have_fifty_rows_a_page(worker, tree, client):
    household = HouseholdFactory(organisation=tree.city_a)
    PersonFactory.create_batch(51, household=household)
    first = client.get(reverse("persons-list")).content.decode()
    assert "共 51 条" in first and "第 1 / 2 页" in first
    second = client.get(reverse("persons-list"), {"page": 2}).content.decode()
    assert second.count("<tr>") == 2  # header row + the 51st person


def test_grant_form_finds_the_person_by_id_number_within_scope(worker, files, tree, client):
    SchoolingFactory(person=files["child"], entered_on=D(2013, 9, 1))
    data = {"organisation": tree.city_a.code, "granted_on": "2014-08-20", "amount": "800"}
    response = client.post(reverse("grants-create"), {**data, "person_id_number": sample_id_number(4)})
    assert "本单位范围内没有该身份证号码的人员" in response.content.decode()
    response = client.post(reverse("grants-create"), {**data, "amount": "-5", "person": files["child"].pk})
    assert response.status_code == 200 and not AidGrant.objects.exists()


def test_household_form_errors_are_in_chinese(worker, client):
    response = client.post(
        reverse("household-create"),
        {"file_no": "", "organisation": worker.organisation.code, "kind": "worker", "applied_on": "2999-01-01"},
    )
    html = response.content.decode()
    assert "该字段是必填项。" in html and "日期不能晚于今天。" in html
    assert not Household.objects.exists()


def test_home_lists_what_waits_in_the_unit(worker, tree, client):
    from tests.factories import NoticeFactory

    today = datetime.date.today()
    HouseholdFactory(file_no="WAIT-1", organisation=tree.county_a, reviewed_on=None, filed_on=None)
    HouseholdFactory(file_no="WAIT-2", organisation=tree.city_b, reviewed_on=None, filed_on=None)
    NoticeFactory(
        title="金秋助学名单", organisation=tree.city_a, starts_on=today - datetime.timedelta(days=3), ends_on=today
    )
    NoticeFactory(title="外地名单", organisation=tree.city_b, starts_on=today, ends_on=today)
    html = client.get(reverse("home")).content.decode()
    assert "WAIT-1" in html and "WAIT-2" not in html
    assert "金秋助学名单" in html and "即将结束" in html and "外地名单" not in html
    assert f"附件3 金秋助学情况统计表</a></td><td>{today.year}-08-31</td><td>{today.year}-09-15</td>" in html
    assert f"?attachment=3&amp;org=410100&amp;year={today.year}&amp;cutoff={today.year}-08-31" in html
    assert "stats-first" not in html


def test_a_statistics_officer_sees_returns_first(tree, make_user, client):
    client.force_login(make_user(tree.province, Role.STATISTICS_OFFICER))
    html = client.get(reverse("home")).content.decode()
    assert 'class="home-grid stats-first"' in html and "目标指标" in html


def test_english_is_one_switch_away(worker, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Households on file" in html and "在档户数" not in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert "在档户数" in client.get(reverse("home")).content.decode()


def test_the_export_log_is_a_list_of_its_own(worker, files, tree, client, make_user):
    client.get(reverse("households-export", kwargs={"fmt": "csv"}), {"file_no": "ZZ"})
    other = make_user(tree.city_b, Role.CASEWORKER, username="luoyang")
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(other)
    elsewhere.get(reverse("households-export", kwargs={"fmt": "xlsx"}))
    html = client.get(reverse("export-log-list")).content.decode()
    # The list exported is named as people call it (困难职工档案), not by the model's label.
    assert "共 1 条" in html and "file_no=ZZ" in html and '<td data-label="数据类型">困难职工档案</td>' in html
    assert "beneficiaries.Household" not in html
    assert "luoyang" not in html
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("households-export", kwargs={"fmt": "csv"})).content.decode("utf-8-sig"))
        )
    )
    assert [row[0] for row in rows] == ["档案编号", "ZZ-001", "ZZ-002"]


def test_editing_a_person_keeps_the_id_number_when_left_empty(worker, files, client):
    head = files["head"]
    response = client.post(
        reverse("person-edit", args=[head.pk]),
        {
            "name": "王建军",
            "id_number": "",
            "phone": "13900000000",
            "household": files["own"].file_no,
            "relationship": "head",
        },
    )
    assert response.status_code == 302
    head.refresh_from_db()
    assert (head.name, head.id_number, head.phone) == ("王建军", sample_id_number(1), "13900000000")
    page = client.get(reverse("person-edit", args=[head.pk])).content.decode()
    assert mask(sample_id_number(1)) in page and sample_id_number(1) not in page


def test_a_grant_refused_by_a_guard_rule_says_why_on_the_form(worker, tree, client):
    closed = HouseholdFactory(file_no="CL-1", organisation=tree.city_a, filed_on=D(2013, 2, 1), closed_on=D(2014, 3, 1))
    pupil = PersonFactory(household=closed, name="赵小军", seq=60)
    SchoolingFactory(person=pupil, entered_on=D(2013, 9, 1))
    response = client.post(
        reverse("grants-create"),
        {"person": pupil.pk, "organisation": tree.city_a.code, "granted_on": "2014-08-20", "amount": "800"},
    )
    html = response.content.decode()
    assert "依档帮扶：受助学生所在档案 CL-1 在发放日期 2014-08-20 不在档。" in html
    assert 'class="errorlist nonfield"' in html
    assert not AidGrant.objects.exists()


@pytest.mark.parametrize("slug", ["grants", "trainings", "persons", "households"])
def test_list_pages_cost_the_same_queries_for_two_rows_or_twenty(worker, tree, client, slug):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from employment.models import Training
    from tests.factories import TrainingFactory

    model, make = {
        "grants": (AidGrant, lambda: AidGrantFactory(organisation=tree.city_a)),
        "trainings": (Training, lambda: TrainingFactory(organisation=tree.city_a)),
        "persons": (Person, lambda: PersonFactory(household=HouseholdFactory(organisation=tree.city_a))),
        "households": (Household, lambda: HouseholdFactory(organisation=tree.city_a)),
    }[slug]
    counts = []
    for rows in (2, 20):
        while model.objects.count() < rows:
            make()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"{slug}-list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_htmx_requests_get_only_the_results(worker, files, client):
    partial = search(client, "李四", HTTP_HX_REQUEST="true")
    assert "<html" not in partial and "ZZ-002" in partial and "ZZ-001" not in partial
    table = client.get(reverse("households-list"), {"file_no": "ZZ-001"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in table and "共 1 条" in table


def test_a_person_outside_the_scope_cannot_be_slipped_into_a_form(worker, files, tree, client):
    outsider = files["other"].members.get()
    response = client.post(
        reverse("grants-create"),
        {"person": outsider.pk, "organisation": tree.city_a.pk, "granted_on": "2014-08-20", "amount": "800"},
    )
    assert "受助学生：" in response.content.decode() and not AidGrant.objects.exists()
