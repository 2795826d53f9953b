"""No lost update on any route: the web forms and the admin carry the version they were loaded with, the API
its ``If-Match``; a save from a stale version is refused with one message (``check_version``) saying who
changed which fields since, and when, and nothing is written."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Household, Person, Schooling
from beneficiaries.services import household_update, person_update
from casework.admin import ScopedAdmin
from casework.choices import Role
from casework.listing import registered
from casework.services import current_version, record_update
from tests.factories import HouseholdFactory, PersonFactory, SchoolingFactory, UserFactory
from tests.test_authz_matrix import _records_in


@pytest.fixture
def zhang(tree, make_user):
    """The colleague who saves first."""
    return make_user(tree.city_a, Role.CASEWORKER, username="zhangsan", first_name="张三")


@pytest.fixture
def me(tree, make_user, client):
    user = make_user(tree.city_a, Role.ADMINISTRATOR, username="lisi", is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def household(tree):
    return HouseholdFactory(file_no="ZZ-100", organisation=tree.county_a, address="巩义市新华路1号")


def message(record, fields):
    when = timezone.localtime(record.history.latest("history_id").history_date).strftime("%Y-%m-%d %H:%M")
    return f"该记录已被 张三 于 {when} 修改（{fields}），请刷新后重试。"


def loaded_version(page):
    """The version a web form was loaded with (its hidden ``version`` field)."""
    form = page.context["form"]
    assert form["version"].field.widget.is_hidden
    return form["version"].value()


def test_a_stale_household_form_is_refused_with_who_and_what(client, me, zhang, household):
    url = reverse("household-edit", args=[household.pk])
    page = client.get(url)
    version = loaded_version(page)
    assert f'name="version" value="{version}"' in page.content.decode()
    household_update(household, acting_user=zhang, reason="住址变更", data={"address": "新兴路12号", "kind": "worker"})

    data = {
        "file_no": "ZZ-100",
        "organisation": household.organisation.code,
        "kind": "worker",
        "address": "我的地址",
        "applied_on": "2013-01-10",
        "version": version,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message(household, "家庭住址") in html
    assert Household.objects.get(pk=household.pk).address == "新兴路12号"
    assert household.history.count() == 2

    data["version"] = loaded_version(client.get(url))  # reloaded: the edit goes through
    assert client.post(url, data).status_code == 302
    assert Household.objects.get(pk=household.pk).address == "我的地址"


def test_a_stale_person_form_is_refused_naming_every_changed_field(client, me, zhang, household):
    person = PersonFactory(household=household, relationship="head", name="王建国", seq=5)
    url = reverse("person-edit", args=[person.pk])
    version = loaded_version(client.get(url))
    person_update(person, acting_user=zhang, reason="更正", data={"name": "王建军", "phone": "13911112222"})

    data = {"name": "王国", "id_number": "", "phone": "", "household": household.file_no, "relationship": "head"}
    response = client.post(url, {**data, "version": version})
    assert response.status_code == 200
    assert message(person, "姓名、联系电话") in response.content.decode()
    assert Person.objects.get(pk=person.pk).name == "王建军"


def test_a_stale_generic_record_form_is_refused(client, me, zhang, tree):
    schooling = SchoolingFactory(person=PersonFactory(organisation=tree.county_a, seq=6), school="第一小学")
    url = reverse("schooling-edit", args=[schooling.pk])
    version = loaded_version(client.get(url))
    record_update(schooling, acting_user=zhang, reason="校名更正", data={"school": "第二小学"})

    data = {"person": schooling.person_id, "stage": "primary", "school": "第三小学", "entered_on": "2013-09-01"}
    response = client.post(url, {**data, "version": version})
    assert response.status_code == 200
    assert message(schooling, "学校") in response.content.decode()
    assert Schooling.objects.get(pk=schooling.pk).school == "第二小学"


def test_a_stale_admin_change_is_refused_and_a_fresh_one_saves(client, me, zhang, household):
    url = f"/admin/beneficiaries/household/{household.pk}/change/"
    page = client.get(url)
    version = page.context["record_version"]
    assert f'name="_version" value="{version}"' in page.content.decode()
    household_update(household, acting_user=zhang, reason="住址变更", data={"address": "新兴路12号"})

    data = {
        "file_no": "ZZ-100",
        "organisation": household.organisation_id,
        "kind": "worker",
        "address": "后台地址",
        "applied_on": "2013-01-10",
        "reviewed_on": "2013-01-20",
        "filed_on": "2013-02-01",
        "hardship_reasons": "[]",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "_change_reason": "后台更正",
    }
    response = client.post(url, {**data, "_version": version})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [message(household, "家庭住址")]
    assert message(household, "家庭住址") in response.content.decode()
    assert Household.objects.get(pk=household.pk).address == "新兴路12号"
    # The page sent back keeps the version it was loaded with: the user has to reload.
    assert f'name="_version" value="{version}"' in response.content.decode()

    fresh = client.get(url).context["record_version"]
    assert client.post(url, {**data, "_version": fresh}).status_code == 302
    assert Household.objects.get(pk=household.pk).address == "后台地址"


def test_the_api_refuses_with_the_same_message(client, me, zhang, household):
    url = f"/api/v1/households/{household.pk}/"
    etag = client.get(url)["ETag"]
    household_update(household, acting_user=zhang, reason="住址变更", data={"address": "新兴路12号"})
    response = client.patch(url, {"address": "API地址"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json() == {"version": [message(household, "家庭住址")]}
    unreadable = client.patch(url, {"address": "x"}, content_type="application/json", HTTP_IF_MATCH='"abc"')
    assert unreadable.json() == {"version": ["该记录已被他人修改，请刷新后重试。"]}
    assert Household.objects.get(pk=household.pk).address == "新兴路12号"


def test_several_changes_name_every_user_and_every_field(household, zhang, tree, make_user):
    from django.core.exceptions import ValidationError

    wang = make_user(tree.city_a, Role.REVIEWER, username="wangwu")  # no full name: the username
    version = current_version(household)
    household_update(household, acting_user=zhang, reason="1", data={"address": "甲"})
    household_update(household, acting_user=wang, reason="2", data={"single_parent_female": True})
    household_update(household, acting_user=None, reason="3", data={"address": "乙"})
    with pytest.raises(ValidationError) as refused:
        household_update(household, acting_user=zhang, reason="4", data={"address": "丙"}, expected_version=version)
    when = timezone.localtime(household.history.latest("history_id").history_date).strftime("%Y-%m-%d %H:%M")
    assert refused.value.message_dict["version"] == [
        f"该记录已被 张三、wangwu、他人 于 {when} 修改（困难单亲女职工家庭、家庭住址），请刷新后重试。"
    ]


def test_every_web_edit_form_carries_its_version(client, me, tree, make_user):
    filer = make_user(tree.province, Role.STATISTICS_OFFICER, username="filer")
    records = _records_in(tree.city_a, filer)
    checked = []
    for slug, record_type in registered().items():
        if not (record_type.form_class and record_type.update):
            continue
        record = records[record_type.model._meta.label]
        page = client.get(reverse(f"{slug}-edit", args=[record.pk]))
        assert page.status_code == 200, slug
        assert str(loaded_version(page)) == str(current_version(record)), slug
        checked.append(slug)
    assert {"households", "schooling", "graduates"} <= set(checked)


def test_every_admin_change_page_carries_its_version(client, tree, make_user):
    filer = make_user(tree.province, Role.STATISTICS_OFFICER, username="filer")
    records = _records_in(tree.city_a, filer)
    client.force_login(UserFactory(organisation=None, is_superuser=True, is_staff=True, username="root"))
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedAdmin) or model._meta.label not in records:
            continue
        record = records[model._meta.label]
        page = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk]))
        assert page.status_code == 200, model
        if page.context["has_change_permission"]:
            assert f'name="_version" value="{current_version(record)}"' in page.content.decode(), model
