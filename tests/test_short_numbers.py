"""Words instead of codes: the short readable numbers of notices and records, choice labels, unit and list names.

The 32-character ``ref`` stays the bundle's interchange key; people read ``PX-00042`` (a training) and
``2014-0007`` (a notice), the label of a choice and the name of a unit or a list.
"""

import csv
import datetime
import io
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from aid.models import AidGrant, FundReceipt
from beneficiaries.models import Schooling
from casework.bundle.spec import describe_path, list_label
from casework.choices import Category, Role
from casework.display import value_label
from casework.listing import registered
from casework.models import Numbered
from employment.models import Certificate, Training
from notices.models import Notice
from tests.factories import (
    AidGrantFactory,
    FundReceiptFactory,
    NoticeFactory,
    PersonFactory,
    TrainingFactory,
)

D = datetime.date


def numbered_models():
    return [model for model in apps.get_models() if issubclass(model, Numbered)]


def test_every_record_with_a_ref_has_a_number_of_its_own_type():
    models = numbered_models()
    with_ref = {
        m
        for m in apps.get_models()
        if any(f.name == "ref" for f in m._meta.fields) and not hasattr(m, "instance_type")  # not a history
    }
    assert set(models) == with_ref  # every record people might name has a short number
    prefixes = [m.number_prefix for m in models if m is not Notice]
    assert all(p.isascii() and p.isupper() for p in prefixes)
    assert len(prefixes) == len(set(prefixes))  # the letters tell the kind of record


def test_the_number_is_the_prefix_and_the_id_and_a_notice_reads_by_its_year(tree):
    training = TrainingFactory(organisation=tree.city_a, ref="a" * 32)
    notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 6, 1), ends_on=D(2014, 6, 7))
    assert training.number == f"PX-{training.pk:05d}" == Training.short_number(training.pk)
    assert str(training) == training.number  # the admin and every select show the number, not the ref
    assert notice.number == f"2014-{notice.pk:04d}" == Notice.short_number(notice.pk, notice.starts_on)
    assert str(notice) == f"金秋助学公示（2014-{notice.pk:04d}）"
    assert AidGrant.short_number(12345678) == "ZX-12345678"  # grows past the padding, stays unique
    assert Schooling.short_number(3) == "JX-00003" and Certificate.short_number(3) == "ZS-00003"
    assert Training.short_number(None) == ""


def test_choice_labels_and_list_names(tree):
    assert value_label(Training, "type", "skills") == "技能培训"
    assert value_label(Training, "category", Category.LAID_OFF) == "下岗失业人员"
    assert value_label(Training, "category", "no_such_code") == "no_such_code"
    assert value_label(Training, "started_on", D(2014, 1, 1)) == D(2014, 1, 1)
    assert value_label(Training, "no_such_field", "x") == "x"
    with translation.override("en"):
        assert value_label(Training, "category", Category.LAID_OFF) != "下岗失业人员"
    assert list_label("aid_grants") == "助学款" and list_label("fund_receipts") == "筹集资金"
    assert list_label("no_such_list") == "no_such_list"


def test_a_refusal_path_in_words():
    assert describe_path("aid_grants[3].id_number") == {"list": "助学款", "row": 4, "field": "受助学生"}
    assert describe_path("fund_receipts[0].received_on") == {"list": "筹集资金", "row": 1, "field": "到账日期"}
    assert describe_path("trainings[9]") == {"list": "培训", "row": 10, "field": ""}
    for path in ("", "format", "no_such_list[0].x", "aid_grants.x"):
        assert describe_path(path) is None


def test_the_drill_down_api_gives_numbers_labels_and_unit_names(tree, make_user):
    person = PersonFactory(organisation=tree.city_a, name="刘洋", seq=11)
    training = TrainingFactory(person=person, organisation=tree.city_a, type="skills", category=Category.LAID_OFF)
    receipt = FundReceiptFactory(organisation=tree.county_a, source="union", received_on=D(2014, 5, 1))
    client = APIClient()
    client.force_authenticate(make_user(tree.city_a, Role.STATISTICS_OFFICER))
    params = {"attachment": 1, "year": 2014, "org": "410100", "cell": "a1.1"}
    data = client.get("/api/v1/returns/drilldown/", params).json()
    assert data["org_name"] == "郑州市总工会"
    (record,) = data["parts"][0]["records"]
    # The stored codes stay for scripts; the number and the words sit beside them.
    assert (record["type"], record["category"], record["organisation"]) == ("skills", "laid_off", "410100")
    assert record["number"] == training.number and record["ref"] == training.ref
    assert record["display"] == {
        "ref": training.number,
        "person": "刘洋",
        "started_on": "2014-03-01",
        "type": "技能培训",
        "category": "下岗失业人员",
        "organisation": "郑州市总工会",
        "organisation_code": "410100",
    }
    client.force_authenticate(make_user(tree.province, Role.STATISTICS_OFFICER))
    params = {"attachment": 3, "year": 2014, "org": "410000", "cell": "a3.1"}
    (listed,) = client.get("/api/v1/returns/drilldown/", params).json()["parts"][0]["records"]
    assert listed["display"]["ref"] == receipt.number == f"CJ-{receipt.pk:05d}"
    assert (listed["display"]["programme"], listed["display"]["source"]) == ("金秋助学", "工会经费")
    assert listed["display"]["organisation"] == "巩义市总工会"


def test_notices_are_found_by_their_number(tree, make_user):
    wanted = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 6, 1), ends_on=D(2014, 6, 7), ref="c" * 32)
    other = NoticeFactory(organisation=tree.city_a, starts_on=D(2013, 6, 1), ends_on=D(2013, 6, 7))
    client = APIClient()
    client.force_authenticate(make_user(tree.city_a))

    def found(value):
        return {row["id"] for row in client.get("/api/v1/notices/", {"ref": value}).json()["results"]}

    assert found(wanted.number) == {wanted.pk}
    assert found(f"2013-{wanted.pk:04d}") == set()  # the year is part of the number
    assert found("ccccc") == {wanted.pk}  # a part of the interchange ref still finds it
    assert other.pk not in found(wanted.number)


def test_the_household_page_helper_names_its_notice_by_number(tree):
    notice = NoticeFactory(organisation=tree.city_a, starts_on=D(2014, 6, 1), ends_on=D(2014, 6, 7))
    template = Template("{% load notices_ui %}{{ ref|notice_number }}")
    assert template.render(Context({"ref": notice.ref})) == notice.number
    assert template.render(Context({"ref": "UNKNOWN"})) == "UNKNOWN"
    assert template.render(Context({"ref": ""})) == ""


def test_lists_exports_and_the_admin_show_the_number_not_the_ref(tree, make_user, client):
    grant = AidGrantFactory(organisation=tree.city_a, ref="d" * 32)
    user = make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True)
    client.force_login(user)
    assert all(
        record_type.columns[0].value == "number"
        for record_type in registered().values()
        if issubclass(record_type.model, Numbered)
    )
    page = client.get(reverse("grants-list")).content.decode()
    assert f'<td data-label="编号">{grant.number}</td>' in page and grant.ref not in page

    response = client.get(reverse("grants-export", kwargs={"fmt": "csv"}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "编号" and rows[1][0] == grant.number
    # The file is named after the list (助学款-….csv), not its slug.
    name = unquote(response["Content-Disposition"].split("filename*=UTF-8''", 1)[1])
    assert name.startswith("助学款-") and name.endswith(".csv")

    admin_page = client.get("/admin/aid/aidgrant/").content.decode()
    assert grant.number in admin_page and f">{grant.ref}<" not in admin_page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_import_page_names_lists_and_places(tree, make_user, client, language):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user(tree.city_a))
    bundle = {"format": "casework-bundle/1", "fund_receipts": [{"ref": "R-1", "org": "410100"}]}
    upload = SimpleUploadedFile("b.json", json.dumps(bundle).encode(), content_type="application/json")
    with translation.override(language):
        expected_list = str(FundReceipt._meta.verbose_name_plural)
        page = client.post(
            reverse("bundle-import"), {"file": upload, "dry_run": "on"}, HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
    assert "fund_receipts[0].programme" in page  # the path stays, in small print, to find it in the file
    assert f"<td>{expected_list}</td>" in page  # the counts by the list's name
    if language == "zh-hans":
        assert "筹集资金 第 1 条 · 项目" in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_drill_down_page_in_either_language(tree, make_user, client, language):
    person = PersonFactory(organisation=tree.city_a, name="刘洋", seq=12)
    training = TrainingFactory(person=person, organisation=tree.city_a, type="skills", category=Category.LAID_OFF)
    client.force_login(make_user(tree.city_a, Role.STATISTICS_OFFICER))
    query = {"attachment": 1, "org": "410100", "year": 2014, "key": "a1.1"}
    with translation.override(language):
        labels = [value_label(Training, "type", "skills"), value_label(Training, "category", Category.LAID_OFF)]
        page = client.get(reverse("stats-return-cell"), query, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    row = page[page.index('<table class="list compact records">') :]
    for shown in (training.number, "刘洋", *labels, "郑州市总工会"):
        assert f"<td>{shown}" in row, shown
    for code in (">skills<", ">laid_off<", training.ref, "<td>410100</td>"):
        assert code not in row, code
    assert '<small class="muted">410100</small>' in row  # the unit's code beside its name, in small print


def test_a_duplicate_in_a_bundle_names_the_earlier_record_as_people_count(tree, make_user):
    from casework.bundle import import_bundle

    receipt = {"org": "410100", "programme": "student_aid", "source": "union", "received_on": "2014-05-01"}
    bundle = {
        "format": "casework-bundle/1",
        "fund_receipts": [{**receipt, "ref": "R-1", "amount": "1.00"}, {**receipt, "ref": "R-1", "amount": "2.00"}],
    }
    result = import_bundle(bundle, acting_user=make_user(tree.city_a), reason="test", dry_run=True)
    assert ("fund_receipts[1].ref", "与筹集资金第 1 条重复。") in result.errors
