"""The household file (issue 15): economics, members' details, 帮扶责任人, the annual review's findings and
outcome, and the 脱困率 indicator, through every route (forms, API, bundle, admin), with history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from beneficiaries import services
from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import AnnualReview, Household, Person
from casework.bundle import export_bundle, import_bundle
from casework.choices import Role
from portal.selectors import out_of_hardship_rate
from tests.factories import HouseholdFactory, PersonFactory

D = datetime.date


@pytest.fixture
def worker(tree, make_user):
    return make_user(tree.county_a, Role.CASEWORKER, username="zhang", first_name="张", last_name="")


@pytest.fixture
def reviewer(tree, make_user):
    return make_user(tree.county_a, Role.REVIEWER, username="reviewer")


def economics(**extra):
    return {
        "monthly_income": Decimal("2000.00"),
        "income_members": 3,
        "income_sources": ["wages", "social_assistance"],
        "dibao": True,
        "dibao_no": "DB-410181-0042",
        "housing": "rented",
        "hardship_level": "deep",
        "hardship_reasons": ["enterprise_shutdown"],
        **extra,
    }


def test_per_capita_income_is_derived_from_income_and_members(tree, worker):
    household = services.household_apply(
        file_no="F1",
        organisation=tree.county_a,
        kind="worker",
        applied_on=D(2014, 3, 1),
        acting_user=worker,
        **economics(),
    )
    # 2000 / 3 = 666.666… → 666.67 yuan, to the fen.
    assert household.per_capita_income == Decimal("666.67")
    household = services.household_update(household, acting_user=worker, reason="人口变化", data={"income_members": 4})
    assert household.per_capita_income == Decimal("500.00")
    household = services.household_update(household, acting_user=worker, reason="未核实", data={"monthly_income": None})
    assert household.per_capita_income is None


def test_unknown_words_and_a_dibao_number_without_dibao_are_refused_by_field(tree, worker):
    with pytest.raises(ValidationError) as error:
        services.household_apply(
            file_no="F2",
            organisation=tree.county_a,
            kind="worker",
            applied_on=D(2014, 3, 1),
            acting_user=worker,
            **economics(income_sources=["lottery"], dibao=False, housing="castle"),
        )
    messages = error.value.message_dict
    assert "未知的收入来源：lottery" in messages["income_sources"]
    assert "未享受低保的家庭不填写低保证号。" in messages["dibao_no"]
    assert "housing" in messages
    assert not Household.objects.exists()


def test_the_responsible_user_is_of_the_files_unit_or_above(tree, worker, make_user):
    household = services.household_apply(
        file_no="F3", organisation=tree.county_a, kind="worker", applied_on=D(2014, 3, 1), acting_user=worker
    )
    above = make_user(tree.city_a, username="city_cadre")
    household = services.household_update(
        household, acting_user=worker, reason="指定责任人", data={"responsible_user": above}
    )
    assert household.responsible_user == above
    elsewhere = make_user(tree.county_b, username="stranger")
    with pytest.raises(ValidationError) as error:
        services.household_update(household, acting_user=worker, reason="x", data={"responsible_user": elsewhere})
    assert "帮扶责任人须为本档案建档单位或其上级单位的用户。" in error.value.message_dict["responsible_user"]


def test_household_form_writes_economics_and_the_file_page_shows_them(tree, worker, client):
    client.force_login(worker)
    response = client.post(
        reverse("household-create"),
        {
            "file_no": "F4",
            "organisation": tree.county_a.code,
            "kind": "worker",
            "applied_on": "2014-03-01",
            "hardship_reasons": ["enterprise_shutdown", "illness"],
            "hardship_level": "special",
            "monthly_income": "1500",
            "income_members": "3",
            "income_sources": ["wages", "pension"],
            "dibao": "on",
            "dibao_no": "DB-0001",
            "housing": "borrowed",
            "responsible_name": "李书记",
            "responsible_phone": "13912345678",
            "reason": "建档申请",
        },
    )
    assert response.status_code == 302, response.content.decode()
    household = Household.objects.get(file_no="F4")
    assert household.income_sources == ["wages", "pension"] and household.hardship_level == "special"
    assert household.history.get().history_change_reason == "建档申请"
    PersonFactory(
        household=household,
        relationship="head",
        name="王师傅",
        health="ill",
        work_unit="郑州纺织厂",
        work_unit_type="state",
        employment_status="laid_off",
        union_member=True,
        disabled=True,
        disability_level="2",
    )
    html = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    for text in (
        "家庭经济状况",
        "1500.00",
        "人均月收入（元）",
        "500.00",
        "工资性收入、养老金",
        "DB-0001",
        "借住",
        "特殊困难",
        "企业停产半停产",
        "李书记（13912345678）",
        "患病（残疾二级）",
        "郑州纺织厂（国有）",
        "下岗失业",
    ):
        assert text in html, text
    # A user as the person responsible: named by their full name.
    services.household_update(household, acting_user=worker, reason="责任人", data={"responsible_user": worker})
    html = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    assert '<dd id="responsible">张（13912345678）</dd>' in html


def test_person_form_writes_and_shows_the_members_details(tree, worker, client):
    household = HouseholdFactory(organisation=tree.county_a)
    client.force_login(worker)
    details = {
        "health": "disabled",
        "disabled": "on",
        "disability_level": "3",
        "work_unit": "巩义铝厂",
        "work_unit_type": "collective",
        "union_member": "on",
        "employment_status": "employed",
    }
    response = client.post(
        reverse("person-create"),
        {
            "name": "赵大",
            "id_number": sample_id_number(30),
            "household": household.file_no,
            "relationship": "head",
            "organisation": tree.county_a.code,
            **details,
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="赵大")
    assert (person.health, person.disabled, person.disability_level, person.work_unit_type) == (
        "disabled",
        True,
        "3",
        "collective",
    )
    assert person.union_member and person.employment_status == "employed"
    # The edit form starts from the stored details; a change is in the history.
    form_html = client.get(reverse("person-edit", args=[person.pk])).content.decode()
    assert 'value="巩义铝厂"' in form_html
    response = client.post(
        reverse("person-edit", args=[person.pk]),
        {
            "name": "赵大",
            "household": household.file_no,
            "relationship": "head",
            **details,
            "employment_status": "retired",
            "reason": "已退休",
        },
    )
    assert response.status_code == 302, response.content.decode()
    row = Person.objects.get(pk=person.pk).history.first()
    assert (row.employment_status, row.history_change_reason) == ("retired", "已退休")
    assert row.prev_record.employment_status == "employed"
    # A disability level without a disability is refused by the field, in Chinese.
    response = client.post(
        reverse("person-edit", args=[person.pk]),
        {"name": "赵大", "household": household.file_no, "relationship": "head", "disability_level": "1"},
    )
    assert "未残疾的人员不填写残疾等级。" in response.content.decode()


def test_api_carries_the_new_fields(tree, worker):
    api = APIClient()
    api.force_authenticate(worker)
    body = {
        "file_no": "F5",
        "organisation": "410181",
        "kind": "worker",
        "applied_on": "2014-03-01",
        "monthly_income": "1800.00",
        "income_members": 4,
        "income_sources": ["wages"],
        "dibao": False,
        "housing": "owned",
        "hardship_level": "general",
        "hardship_reasons": ["enterprise_shutdown"],
        "responsible_user": worker.pk,
        "responsible_phone": "13700000000",
    }
    response = api.post("/api/v1/households/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["per_capita_income"], data["responsible_user"], data["housing"]) == ("450.00", worker.pk, "owned")
    refused = api.patch(f"/api/v1/households/{data['id']}/", {"income_sources": ["lottery"]}, format="json")
    assert refused.status_code == 400 and "income_sources" in refused.json()
    person = api.post(
        "/api/v1/persons/",
        {
            "id_number": sample_id_number(31),
            "name": "钱二",
            "organisation": "410181",
            "household": "F5",
            "relationship": "head",
            "work_unit": "新密煤矿",
            "work_unit_type": "private",
            "union_member": True,
            "health": "ill",
            "employment_status": "laid_off",
        },
        format="json",
    )
    assert person.status_code == 201, person.json()
    assert person.json()["work_unit_type"] == "private" and person.json()["union_member"] is True
    bad = api.patch(f"/api/v1/persons/{person.json()['id']}/", {"employment_status": "astronaut"}, format="json")
    assert bad.status_code == 400 and "employment_status" in bad.json()


def test_bundle_round_trip_carries_the_new_fields(tree, worker):
    household = services.household_apply(
        file_no="F6",
        organisation=tree.county_a,
        kind="worker",
        applied_on=D(2014, 3, 1),
        acting_user=worker,
        responsible_name="孙主席",
        responsible_phone="13600000000",
        **economics(),
    )
    PersonFactory(
        household=household,
        relationship="head",
        health="ill",
        disabled=True,
        disability_level="1",
        work_unit="巩义电厂",
        work_unit_type="public_service",
        union_member=True,
        employment_status="other",
    )
    bundle = export_bundle(tree.county_a)
    [record] = bundle["households"]
    assert record["monthly_income"] == "2000.00" and record["income_sources"] == ["wages", "social_assistance"]
    assert record["dibao_no"] == "DB-410181-0042" and record["responsible_name"] == "孙主席"
    [member] = bundle["persons"]
    assert (member["work_unit_type"], member["disability_level"], member["union_member"]) == (
        "public_service",
        "1",
        True,
    )
    # Unchanged on re-import: nothing written.
    assert import_bundle(bundle, reason="re-import").ok
    assert Household.history.count() == 1 and Person.history.count() == 1
    # An update carries the whole record: a changed field is written with history, a field left out is cleared.
    record["income_members"] = 4
    del record["responsible_phone"]
    member["employment_status"] = "retired"
    assert import_bundle(bundle, reason="bundle 2").ok
    household.refresh_from_db()
    assert household.per_capita_income == Decimal("500.00") and household.responsible_phone == ""
    assert household.history.first().history_change_reason == "bundle 2"
    assert Person.objects.get().employment_status == "retired"
    # A bundle without the new fields still imports; a bad word names its path.
    bundle = export_bundle(tree.county_a)
    bundle["households"][0]["housing"] = "castle"
    result = import_bundle(bundle, reason="bad")
    assert not result.ok and any("households[0].housing" in str(error) for error in result.errors)


def test_annual_review_records_its_findings_and_changes_the_level(tree, worker, reviewer):
    household = HouseholdFactory(organisation=tree.county_a, hardship_level="general", monthly_income=Decimal("900"))
    with pytest.raises(ValidationError) as error:
        services.annual_review_record(household, outcome="level_changed", level_found="general", acting_user=worker)
    assert "level_found" in error.value.message_dict
    review = services.annual_review_record(
        household,
        outcome="level_changed",
        income_found=Decimal("600"),
        level_found="deep",
        acting_user=worker,
        reason="年度核实",
    )
    assert (review.income_found, review.level_found) == (Decimal("600"), "deep")
    household.refresh_from_db()
    assert (household.monthly_income, household.hardship_level) == (Decimal("600.00"), "deep")
    row = household.history.first()
    assert (row.hardship_level, row.history_change_reason, row.history_user_name) == ("deep", "年度核实", "zhang")
    assert review.history.get().level_found == "deep"


def test_annual_review_through_the_api_with_outcome_closed_still_needs_a_code_and_note(tree, reviewer):
    household = HouseholdFactory(organisation=tree.county_a)
    api = APIClient()
    api.force_authenticate(reviewer)
    url = "/api/v1/annual-reviews/"
    body = {
        "household": household.pk,
        "reviewed_on": timezone.localdate().isoformat(),
        "outcome": "closed",
        "income_found": "5000.00",
    }
    refused = api.post(url, body, format="json")
    assert refused.status_code == 400 and {"closing_code", "note", "confirm"} <= set(refused.json())
    assert not AnnualReview.objects.exists()
    body.update(closing_code="out_of_hardship", note="收入超过标准", confirm=True)
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    household.refresh_from_db()
    assert household.closed_on == timezone.localdate() and household.monthly_income == Decimal("5000.00")


def test_out_of_hardship_rate_by_hand(tree, worker, reviewer, make_user, client):
    today = timezone.localdate()
    year = today.year
    last_year = D(year - 1, 6, 1)
    # On file on 1 January in county A: four files; one more in county B (outside the city's subtree).
    files = [
        HouseholdFactory(organisation=tree.county_a, applied_on=last_year, reviewed_on=last_year, filed_on=last_year)
        for _ in range(4)
    ]
    HouseholdFactory(organisation=tree.county_b, applied_on=last_year, reviewed_on=last_year, filed_on=last_year)
    # Filed after 1 January: not counted below the line.
    jan2 = D(year, 1, 2)
    HouseholdFactory(organisation=tree.county_a, applied_on=jan2, reviewed_on=jan2, filed_on=jan2)
    closing = {"closing_code": "out_of_hardship", "note": "收入已超标准", "confirm": True}
    services.annual_review_record(files[0], outcome="closed", acting_user=reviewer, day=today, **closing)
    services.annual_review_record(files[1], outcome="confirmed", acting_user=reviewer, day=today)
    # Closed by the workflow (not the review): not counted.
    services.household_close(
        files[2], acting_user=reviewer, closing_code="deceased", closing_reason="病故", confirm=True, day=today
    )
    # 1 closed by review / 4 on file on 1 January = 25.0 %.
    city_user = make_user(tree.city_a, username="city")
    assert out_of_hardship_rate(city_user, year) == {"closed": 1, "on_file": 4, "percent": 25.0}
    assert out_of_hardship_rate(make_user(tree.county_b, username="b"), year) == {
        "closed": 0,
        "on_file": 1,
        "percent": 0.0,
    }
    assert out_of_hardship_rate(city_user, year - 5) == {"closed": 0, "on_file": 0, "percent": None}
    client.force_login(city_user)
    html = client.get(reverse("home")).content.decode()
    assert "25.0%</span>今年脱困率" in html


def test_the_admin_writes_the_members_details_and_the_reviews_findings_through_the_services(tree, make_user, client):
    household = HouseholdFactory(organisation=tree.county_a, hardship_level="general")
    person = PersonFactory(household=household, relationship="head", name="周五")
    client.force_login(make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True, username="admin_a"))
    response = client.post(
        f"/admin/beneficiaries/person/{person.pk}/change/",
        {
            "id_number": "",
            "name": "周五",
            "phone": "",
            "organisation": tree.county_a.pk,
            "household": household.pk,
            "relationship": "head",
            "health": "ill",
            "work_unit": "巩义纸厂",
            "work_unit_type": "foreign",
            "union_member": "on",
            "employment_status": "employed",
        },
    )
    assert response.status_code == 302, response.content.decode()
    person.refresh_from_db()
    assert (person.work_unit, person.work_unit_type, person.union_member) == ("巩义纸厂", "foreign", True)
    assert person.history.first().work_unit == "巩义纸厂"
    response = client.post(
        "/admin/beneficiaries/annualreview/add/",
        {
            "household": household.pk,
            "reviewed_on": timezone.localdate().isoformat(),
            "outcome": "level_changed",
            "income_found": "700",
            "level_found": "special",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    household.refresh_from_db()
    assert (household.hardship_level, household.monthly_income) == ("special", Decimal("700.00"))
