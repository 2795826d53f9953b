"""The grade (年级) of a school entry, and the roster columns of 录取日期, 年级, 资金来源, 发放方式 and 上级拨付单位.

Refusing a grade its stage lacks on every route is a case of ``tests/test_write_parity.py``.
"""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from aid.models import AidGrant, FundReceipt
from beneficiaries.choices import GRADES_BY_STAGE, Grade, Stage, grade_of_year
from beneficiaries.models import Schooling
from casework.bundle import export_bundle
from casework.choices import Level
from rosters.models import Status
from rosters.templates import KINDS, template_bytes
from tests.factories import (
    HouseholdFactory,
    NoticeEntryFactory,
    NoticeFactory,
    OrganisationFactory,
    PersonFactory,
    SchoolingFactory,
)
from tests.test_rosters_conversion import xlsx
from tests.test_rosters_import import problems, run

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def user(tree, make_user):
    return make_user(tree.city_a, username="caseworker")


@pytest.fixture
def child(tree):
    household = HouseholdFactory(organisation=tree.city_a, file_no="ZZ-1", filed_on=D(2014, 5, 1))
    child = PersonFactory(name="张小明", household=household, relationship="child")
    notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 8, 1), ends_on=D(2014, 8, 8))
    NoticeEntryFactory(notice=notice, person=child, amount="2000.00")  # the grant the roster pays
    return child


def test_each_stage_has_its_grades_and_the_model_refuses_others(child):
    assert GRADES_BY_STAGE[Stage.JUNIOR_COLLEGE] == (Grade.U1, Grade.U2, Grade.U3)
    assert grade_of_year(Stage.UNDERGRADUATE, 5) == Grade.U5 and grade_of_year(Stage.JUNIOR_COLLEGE, 5) is None
    entry = Schooling(person=child, stage=Stage.UNDERGRADUATE, school="某大学", entered_on=D(2014, 9, 1))
    entry.grade = Grade.U5  # 五年制本科 (medicine)
    entry.full_clean()
    entry.stage = Stage.JUNIOR_COLLEGE
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert refused.value.message_dict["grade"] == ["年级“大五”与学段“大专”不符，可选：大一、大二、大三。"]
    entry.grade = ""  # optional
    entry.full_clean()


ROSTER_HEADER = ["姓名", "身份证号码", "学段", "学校", "入学日期", "年级"]


@pytest.mark.parametrize(
    ("stage", "written", "grade"),
    [
        ("本科", "1", "u1"),
        ("高中", "一年级", "s1"),
        ("研究生", "第2学年", "m2"),
        ("小学", 3, "p3"),
        ("大专", "大三", "u3"),
    ],
)
def test_a_roster_grade_by_year_counts_in_the_rows_stage(user, tree, child, stage, written, grade):
    rows = [ROSTER_HEADER, [child.name, child.id_number, stage, "某学校", D(2014, 9, 1), written]]
    roster_import = run(xlsx({"学生": rows}), "students", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    assert Schooling.objects.get(person=child).grade == grade


def test_a_roster_year_past_the_stage_is_refused_on_its_cell(user, tree, child):
    rows = [ROSTER_HEADER, [child.name, child.id_number, "大专", "某学院", D(2014, 9, 1), "五年级"]]
    roster_import = run(xlsx({"学生": rows}), "students", user, tree.city_a)
    assert roster_import.status == Status.REFUSED
    assert problems(roster_import) == [
        ("学生", 2, "年级", "年级“五年级”与学段“大专”不符，可选：大一、大二、大三。"),
    ]
    assert not Schooling.objects.exists()


def test_the_grade_on_the_file_page_list_export_api_and_history(user, tree, child, client):
    entry = SchoolingFactory(person=child, stage=Stage.SENIOR_SECONDARY, school="巩义一中", grade=Grade.S2)
    client.force_login(user)
    page = client.get(reverse("household-detail", args=[child.household.pk])).content.decode()
    assert "高中 高二" in page
    listing = client.get(reverse("schooling-list")).content.decode()
    assert "<th" in listing and "年级" in listing and "高二" in listing
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("schooling-export", kwargs={"fmt": "csv"})).content.decode("utf-8-sig"))
        )
    )
    assert rows[1][rows[0].index("年级")] == "高二"

    api = APIClient()
    api.force_authenticate(user)
    assert api.get(f"/api/v1/schooling/{entry.pk}/").json()["grade"] == "s2"
    response = api.patch(f"/api/v1/schooling/{entry.pk}/", {"grade": "s3"}, format="json", HTTP_X_CHANGE_REASON="升级")
    assert response.status_code == 200, response.json()
    latest = entry.history.latest()
    assert latest.diff_against(latest.prev_record).changed_fields == ["grade"]
    assert (latest.prev_record.grade, latest.grade, latest.history_change_reason) == ("s2", "s3", "升级")
    assert api.patch(f"/api/v1/schooling/{entry.pk}/", {"grade": "u1"}, format="json").json() == {
        "grade": ["年级“大一”与学段“高中”不符，可选：高一、高二、高三。"]
    }


def test_the_roster_template_has_the_new_columns_with_explanations():
    for kind, sheet, headers in [
        ("students", "学生", ["录取日期", "年级", "资金来源", "发放方式"]),
        ("funds", "筹集资金", ["上级拨付单位"]),
    ]:
        book = load_workbook(io.BytesIO(template_bytes(KINDS[kind])))
        written = [c.value for c in book[sheet][1]]
        assert set(headers) <= set(written), written
        notes = {row[1]: row[3] for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[1]}
        assert all(notes[h] for h in headers)
    assert "大专大一至大三" in notes_of("students")["年级"]


def notes_of(kind):
    book = load_workbook(io.BytesIO(template_bytes(KINDS[kind])))
    return {row[1]: row[3] for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[1]}


def test_roster_in_records_bundle_out_carry_the_same_values(user, tree, child):
    """Round trip: what the roster's new columns say is what the records hold and the bundle export writes."""
    students = [
        [*ROSTER_HEADER, "录取日期", "助学金额（元）", "发放日期", "资金来源", "发放方式"],
        [
            child.name,
            child.id_number,
            "本科",
            "郑州大学",
            "2014-9-1",
            "大二",
            "2014年7月20日",
            2000,
            "2014-9-10",
            "中央财政专项资金",
            "现金",
        ],
    ]
    roster_import = run(xlsx({"学生": students}), "students", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)
    funds = [
        ["项目", "资金来源", "到账日期", "金额", "上级拨付单位"],
        ["金秋助学", "工会经费", "2014-7-1", "50000", "河南省总工会"],  # by name: the unit above
        ["金秋助学", "社会捐助", "2014-7-2", "3000", "410181"],  # by code: a unit of the subtree
        ["金秋助学", "工会经费", "2014-7-3", "800", ""],  # raised by the unit itself
    ]
    roster_import = run(xlsx({"筹集资金": funds}), "funds", user, tree.city_a)
    assert roster_import.status == Status.IMPORTED, problems(roster_import)

    entry = Schooling.objects.get(person=child)
    grant = AidGrant.objects.get(person=child)
    assert (entry.grade, entry.admitted_on) == ("u2", D(2014, 7, 20))
    assert (grant.fund_source, grant.payment_method) == ("central_finance", "cash")
    receipts = FundReceipt.objects.order_by("received_on")
    assert [r.transferred_from for r in receipts] == [tree.province, tree.county_a, None]

    bundle = export_bundle(tree.city_a)
    [schooling] = bundle["schooling"]
    assert (schooling["grade"], schooling["admitted_on"]) == ("u2", "2014-07-20")
    [exported] = bundle["aid_grants"]
    assert (exported["fund_source"], exported["payment_method"]) == ("central_finance", "cash")
    by_date = sorted(bundle["fund_receipts"], key=lambda r: r["received_on"])
    assert [r.get("transferred_from") for r in by_date] == ["410000", "410181", None]


def test_a_transfer_source_outside_the_allowed_units_or_ambiguous_is_refused_on_its_cell(user, tree):
    # Two units of the subtree under one name: the code tells which.
    OrganisationFactory(code="410101", name="某区总工会", level=Level.COUNTY, parent=tree.city_a)
    OrganisationFactory(code="410102", name="某区总工会", level=Level.COUNTY, parent=tree.city_a)
    funds = [
        ["项目", "资金来源", "到账日期", "金额", "上级拨付单位"],
        ["金秋助学", "工会经费", "2014-7-1", "500", "洛阳市总工会"],  # a sibling city: not a source for 郑州
        ["金秋助学", "工会经费", "2014-7-2", "600", "某区总工会"],
    ]
    roster_import = run(xlsx({"筹集资金": funds}), "funds", user, tree.city_a)
    assert roster_import.status == Status.REFUSED
    assert sorted(problems(roster_import)) == [
        ("筹集资金", 2, "上级拨付单位", "引用的记录不存在：洛阳市总工会"),
        ("筹集资金", 3, "上级拨付单位", "“某区总工会”对应多个单位（410101、410102），请填写单位代码。"),
    ]
    assert not FundReceipt.objects.exists()
