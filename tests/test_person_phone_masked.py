"""The web person edit page shows the phone masked, like the ID number and like the admin; an empty field keeps it."""

import pytest
from django.urls import reverse

from beneficiaries.id_numbers import sample_id_number
from beneficiaries.models import Person
from casework.choices import Role
from casework.models import AccessLog
from tests.factories import HouseholdFactory, PersonFactory

PHONE = "13903715678"


@pytest.fixture
def head(tree):
    household = HouseholdFactory(file_no="GY-001", organisation=tree.county_a)
    person = PersonFactory(household=household, name="李建国", relationship="head", seq=7)
    person.phone = PHONE
    person.save(update_fields=["phone_encrypted"])
    return person


def form_data(person, **changes):
    return {
        "name": person.name,
        "id_number": "",
        "phone": "",
        "household": person.household.file_no,
        "relationship": person.relationship,
        **changes,
    }


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ADMINISTRATOR])
def test_the_edit_page_shows_the_phone_masked_to_everyone(tree, make_user, client, head, role):
    # Even a holder of the reveal permission (an administrator) reads the full number only on the
    # reveal page, where the reading is logged; the form writes no access log.
    client.force_login(make_user(tree.county_a, role, username="user"))
    page = client.get(reverse("person-edit", args=[head.pk])).content.decode()
    assert PHONE not in page
    assert head.phone_masked in page and head.phone_masked == "*******5678"
    assert 'name="phone"' in page and f'value="{PHONE}"' not in page
    assert 'name="clear_phone"' in page
    assert not AccessLog.objects.exists()


def test_saving_without_typing_a_phone_keeps_it_and_typing_one_replaces_it(tree, make_user, client, head):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER, username="user"))
    url = reverse("person-edit", args=[head.pk])

    assert client.post(url, form_data(head, name="李建军")).status_code == 302
    saved = Person.objects.get(pk=head.pk)
    assert (saved.name, saved.phone) == ("李建军", PHONE)
    # The history row of that save names the name, not the phone: the phone did not change.
    latest, before = saved.history.order_by("-history_id")[:2]
    assert latest.phone_encrypted == before.phone_encrypted

    assert client.post(url, form_data(saved, phone="0371-64391234")).status_code == 302
    assert Person.objects.get(pk=head.pk).phone == "0371-64391234"

    assert client.post(url, form_data(saved, clear_phone="on")).status_code == 302
    assert Person.objects.get(pk=head.pk).phone == ""
    # Nothing stored, nothing to clear: the box is gone.
    assert 'name="clear_phone"' not in client.get(url).content.decode()


def test_registering_a_person_still_takes_the_phone_typed(tree, make_user, client, head):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER, username="user"))
    url = reverse("person-create")
    assert 'name="clear_phone"' not in client.get(url).content.decode()
    data = {**form_data(head, name="赵秀英", relationship="spouse", phone="0371-64350318")}
    data.update(id_number=sample_id_number(51), organisation=tree.county_a.code)
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(name="赵秀英").phone == "0371-64350318"
