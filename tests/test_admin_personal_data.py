"""Personal data in the admin: no page shows a full ID number or phone, whatever the user's permission;
a holder of the personal-data permission reads them on the reveal page, and every reading is logged."""

import re

import pytest
from django.contrib.auth.models import Permission

from beneficiaries.id_numbers import mask
from beneficiaries.services import person_update
from casework.choices import Role
from casework.models import AccessLog
from casework.services import user_set_password
from tests.factories import HouseholdFactory, PersonFactory, SchoolingFactory

NUMBER = "110101198001010002"
NEW_NUMBER = "110101198001010010"
PHONE = "13912345678"
NEW_PHONE = "13687654321"
PERSONS = "/admin/beneficiaries/person/"


@pytest.fixture
def person(tree, make_user):
    household = HouseholdFactory(organisation=tree.county_a, file_no="GY-001")
    person = PersonFactory(
        id_number=NUMBER, phone=PHONE, name="王小明", household=household, relationship="head", seq=1
    )
    # A change of both numbers, so the history pages have something to show.
    person_update(
        person,
        acting_user=make_user(tree.county_a, Role.ADMINISTRATOR, username="fixer"),
        reason="更正号码",
        data={"id_number": NEW_NUMBER, "phone": NEW_PHONE},
    )
    person_update(person, acting_user=None, reason="改名", data={"name": "王晓明"})
    return person


def reveal_url(person):
    return f"{PERSONS}{person.pk}/reveal/"


def admin_pages(person):
    history_ids = list(person.history.order_by("history_id").values_list("history_id", flat=True))
    schooling = SchoolingFactory(person=person)
    return [
        PERSONS,
        f"{PERSONS}?q=王",
        f"{PERSONS}{person.pk}/change/",
        f"{PERSONS}{person.pk}/history/",
        *[f"{PERSONS}{person.pk}/history/{history_id}/" for history_id in history_ids],
        f"/admin/beneficiaries/household/{person.household_id}/change/",
        f"/admin/beneficiaries/schooling/{schooling.pk}/change/",
        f"/admin/beneficiaries/schooling/?q={schooling.ref}",
    ]


def assert_no_personal_data(html, where):
    for secret in (NUMBER, NEW_NUMBER, PHONE, NEW_PHONE):
        assert secret not in html, (where, secret)


@pytest.mark.parametrize(
    ("role", "permitted"),
    [
        (Role.CASEWORKER, False),  # staff who only view: every field read only
        (Role.STATISTICS_OFFICER, False),
        (Role.ADMINISTRATOR, True),  # writes, and holds the permission by role: still masked, reveal on demand
    ],
)
def test_no_admin_page_shows_a_full_number_or_phone(client, tree, make_user, person, role, permitted):
    client.force_login(make_user(tree.city_a, role, is_staff=True))
    for url in admin_pages(person):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_personal_data(response.content.decode(), url)
    change = client.get(f"{PERSONS}{person.pk}/change/").content.decode()
    assert mask(NEW_NUMBER) in change
    assert "*******4321" in change
    assert (reveal_url(person) in change) is permitted
    assert not AccessLog.objects.exists()


def test_a_search_by_full_number_finds_the_person_masked(client, tree, make_user, person):
    client.force_login(make_user(tree.city_a, Role.CASEWORKER, is_staff=True))
    page = client.get(PERSONS, {"q": NEW_NUMBER})
    assert list(page.context["cl"].result_list) == [person]
    html = page.content.decode()
    # The number typed is echoed as typed (the search box, the links' query strings); the row shows it masked.
    assert mask(NEW_NUMBER) in html
    assert_no_personal_data(re.sub(f'(value="|q=|q%3D){NEW_NUMBER}', "", html), "search")


def test_the_history_page_names_a_number_change_without_the_values(client, tree, make_user, person):
    client.force_login(make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True))
    html = client.get(f"{PERSONS}{person.pk}/history/").content.decode()
    assert "更正号码" in html and "王晓明" in html
    assert person.history.earliest("history_id").id_number_encrypted not in html


def test_an_administrator_reads_the_numbers_on_the_reveal_page_and_the_reading_is_logged(
    client, tree, make_user, person
):
    admin_user = make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True, username="auditor")
    client.force_login(admin_user)

    form = client.get(reveal_url(person))
    assert form.status_code == 200
    assert_no_personal_data(form.content.decode(), "reveal form")
    assert not AccessLog.objects.exists()

    shown = client.post(reveal_url(person), {"purpose": "核对银行卡开户信息"}, REMOTE_ADDR="10.0.0.7")
    assert shown.status_code == 200
    html = shown.content.decode()
    assert NEW_NUMBER in html and NEW_PHONE in html
    assert "no-store" in shown["Cache-Control"]
    log = AccessLog.objects.get()
    assert (log.user, log.person_id, log.person_name, log.purpose, log.ip_address, log.organisation) == (
        admin_user,
        person.pk,
        "王晓明",
        "核对银行卡开户信息",
        "10.0.0.7",
        tree.county_a,
    )
    client.post(reveal_url(person), {"purpose": "再次核对"})
    assert AccessLog.objects.count() == 2


def test_a_reveal_without_a_purpose_shows_nothing_and_logs_nothing(client, tree, make_user, person):
    client.force_login(make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True))
    response = client.post(reveal_url(person), {"purpose": "  "})
    assert response.status_code == 200
    assert "请填写查看目的。" in response.content.decode()
    assert_no_personal_data(response.content.decode(), "no purpose")
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.STATISTICS_OFFICER])
def test_staff_without_the_permission_are_refused_the_reveal_page(client, tree, make_user, person, role):
    client.force_login(make_user(tree.city_a, role, is_staff=True))
    assert client.get(reveal_url(person)).status_code == 403
    assert client.post(reveal_url(person), {"purpose": "想看看"}).status_code == 403
    assert not AccessLog.objects.exists()


def test_the_permission_granted_to_a_caseworker_opens_the_reveal_page(client, tree, make_user, person):
    caseworker = make_user(tree.city_a, Role.CASEWORKER, is_staff=True)
    caseworker.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(caseworker)
    assert reveal_url(person) in client.get(f"{PERSONS}{person.pk}/change/").content.decode()
    response = client.post(reveal_url(person), {"purpose": "入户核查"})
    assert NEW_NUMBER in response.content.decode()
    assert AccessLog.objects.get().user == caseworker


def test_a_person_of_another_unit_cannot_be_revealed(client, tree, make_user, person):
    client.force_login(make_user(tree.city_b, Role.ADMINISTRATOR, is_staff=True))
    assert client.post(reveal_url(person), {"purpose": "核对"}).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_change_form_keeps_the_numbers_when_left_empty_and_changes_them_when_typed(client, tree, make_user, person):
    client.force_login(make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True))
    url = f"{PERSONS}{person.pk}/change/"
    version = client.get(url).context["record_version"]
    base = {
        "name": "王晓明",
        "organisation": tree.county_a.pk,
        "household": person.household_id,
        "relationship": "head",
        "_version": version,
    }
    kept = client.post(url, {**base, "id_number": "", "phone": "", "_change_reason": "只改原因"})
    assert kept.status_code == 302, kept.content.decode()[:3000]
    person.refresh_from_db()
    assert (person.id_number, person.phone) == (NEW_NUMBER, NEW_PHONE)

    version = client.get(url).context["record_version"]
    changed = client.post(url, {**base, "id_number": NUMBER, "phone": PHONE, "_version": version})
    assert changed.status_code == 302
    person.refresh_from_db()
    assert (person.id_number, person.phone) == (NUMBER, PHONE)

    version = client.get(url).context["record_version"]
    cleared = client.post(url, {**base, "id_number": "", "phone": "", "clear_phone": "on", "_version": version})
    assert cleared.status_code == 302
    person.refresh_from_db()
    assert (person.id_number, person.phone) == (NUMBER, "")


def test_a_users_history_shows_a_password_change_but_not_the_hash(client, tree, make_user):
    account = make_user(tree.county_a, Role.CASEWORKER, username="li")
    old_hash = account.password
    user_set_password(account, password="another-pass-456", acting_user=None, reason="重置密码")
    account.refresh_from_db()
    client.force_login(make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True))
    html = client.get(f"/admin/casework/user/{account.pk}/history/").content.decode()
    assert "重置密码" in html and "***" in html
    assert old_hash not in html and account.password not in html
