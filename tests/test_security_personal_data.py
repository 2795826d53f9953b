"""Personal data in use: the full ID number only to holders of the permission, every reading logged."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from casework.access_log import access_log_for, reveal_id_number
from casework.choices import Role
from casework.models import AccessLog
from tests.factories import PersonFactory

NUMBER = "110101198001010002"


@pytest.fixture
def person(tree):
    return PersonFactory(id_number=NUMBER, name="王小明", organisation=tree.county_a)


def reveal(client, person, purpose="核对身份"):
    return client.get(f"/api/v1/persons/{person.pk}/reveal/", {"purpose": purpose} if purpose is not None else {})


def test_a_reviewer_reads_the_full_number_and_the_reading_is_logged(client, tree, make_user, person):
    reviewer = make_user(tree.city_a, Role.REVIEWER, username="shen")
    client.force_login(reviewer)

    response = reveal(client, person, "年度核实比对身份证")

    assert response.status_code == 200
    assert response.json() == {"id": person.pk, "id_number": NUMBER}
    assert response["Cache-Control"] == "no-store"
    log = AccessLog.objects.get()
    assert (log.user, log.user_name, log.person_id, log.person_name, log.organisation) == (
        reviewer,
        "shen",
        person.pk,
        "王小明",
        tree.county_a,
    )
    assert log.purpose == "年度核实比对身份证"
    assert log.ip_address == "127.0.0.1"


def test_every_reading_writes_its_own_row(client, tree, make_user, person):
    client.force_login(make_user(tree.province, Role.ADMINISTRATOR))
    for _ in range(3):
        assert reveal(client, person).status_code == 200
    assert AccessLog.objects.filter(person_id=person.pk).count() == 3


def test_a_caseworker_is_refused_and_nothing_is_logged(client, tree, make_user, person):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    response = reveal(client, person)
    assert response.status_code == 403
    assert NUMBER not in response.content.decode()
    assert AccessLog.objects.count() == 0


def test_a_statistics_officer_is_refused(client, tree, make_user, person):
    client.force_login(make_user(tree.province, Role.STATISTICS_OFFICER))
    assert reveal(client, person).status_code == 403


def test_the_permission_can_be_granted_to_a_caseworker(client, tree, make_user, person):
    caseworker = make_user(tree.county_a, Role.CASEWORKER)
    caseworker.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(caseworker)
    assert reveal(client, person).json()["id_number"] == NUMBER
    assert AccessLog.objects.filter(user=caseworker).count() == 1


def test_a_reviewer_of_a_sibling_unit_does_not_find_the_person(client, tree, make_user, person):
    client.force_login(make_user(tree.city_b, Role.REVIEWER))
    assert reveal(client, person).status_code == 404
    assert AccessLog.objects.count() == 0


def test_a_purpose_is_required(client, tree, make_user, person):
    client.force_login(make_user(tree.province, Role.REVIEWER))
    response = reveal(client, person, purpose=None)
    assert response.status_code == 400
    assert "purpose" in response.json()
    assert reveal(client, person, purpose="   ").status_code == 400
    assert AccessLog.objects.count() == 0


def test_the_service_checks_permission_and_scope(tree, make_user, person):
    with pytest.raises(PermissionDenied):
        reveal_id_number(person, make_user(tree.province, Role.CASEWORKER), "核对")
    with pytest.raises(PermissionDenied):
        reveal_id_number(person, make_user(tree.city_b, Role.REVIEWER), "核对")
    with pytest.raises(ValidationError):
        reveal_id_number(person, make_user(tree.province, Role.REVIEWER), "")
    assert AccessLog.objects.count() == 0
    assert reveal_id_number(person, make_user(tree.province, Role.REVIEWER), "核对") == NUMBER
    assert AccessLog.objects.count() == 1


def test_lists_and_details_show_only_the_masked_number(client, tree, make_user, person):
    client.force_login(make_user(tree.province, Role.ADMINISTRATOR))
    for url in ["/api/v1/persons/", f"/api/v1/persons/{person.pk}/"]:
        body = client.get(url).content.decode()
        assert NUMBER not in body
        assert person.id_number_masked in body
    assert AccessLog.objects.count() == 0


def test_the_access_log_is_scoped_like_the_persons(tree, make_user, person):
    other = PersonFactory(organisation=tree.county_b)
    admin = make_user(tree.province, Role.ADMINISTRATOR)
    reveal_id_number(person, admin, "核对")
    reveal_id_number(other, admin, "核对")
    assert access_log_for(make_user(tree.city_a, Role.ADMINISTRATOR)).count() == 1
    assert access_log_for(make_user(tree.city_b, Role.ADMINISTRATOR)).get().person_id == other.pk
    assert access_log_for(admin).count() == 2
    assert access_log_for(admin, person_id=person.pk).count() == 1
