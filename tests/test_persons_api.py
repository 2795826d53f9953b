"""Persons through the API: validation errors carry the field path, refusals write nothing,
a duplicate ID names only the unit that holds it, and nobody is in two household files."""

import datetime

import pytest
from rest_framework.test import APIClient

from beneficiaries import services
from beneficiaries.models import Household, Person
from casework.choices import Role
from casework.services import organisation_update
from tests.factories import HouseholdFactory, UserFactory

D = datetime.date
VALID_ID = "11010519491231002X"


@pytest.fixture
def api(tree, make_user):
    client = APIClient()
    user = make_user(tree.county_a, Role.CASEWORKER, username="county_a_worker")
    client.force_authenticate(user)
    client.user = user
    return client


def writes():
    return Person.objects.count(), Person.history.count()


def test_create_returns_the_masked_number_only(api, tree):
    response = api.post(
        "/api/v1/persons/",
        {"id_number": VALID_ID.lower(), "name": "王芳", "organisation": "410181", "phone": "13900000000"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id_number_masked"] == "110105********002X"
    assert (body["gender"], body["birth_year"]) == ("female", 1949)
    assert "birth_date" not in body
    assert VALID_ID not in response.content.decode()
    assert "13900000000" not in response.content.decode()
    row = Person.objects.get().history.get()
    assert (row.history_user_name, row.history_change_reason) == ("county_a_worker", "API create")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "校验位"),
        ("110101199002300014", "出生日期"),
        ("1101051949123100", "18位"),
    ],
)
def test_an_invalid_number_is_refused_with_its_field_path_in_chinese(api, number, message):
    response = api.post(
        "/api/v1/persons/", {"id_number": number, "name": "王芳", "organisation": "410181"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["id_number"]
    assert message in response.json()["id_number"][0]
    assert writes() == (0, 0)


def test_a_birth_date_in_the_future_is_refused(api):
    from beneficiaries.id_numbers import make_id_number

    number = make_id_number("110101", datetime.date.today() + datetime.timedelta(days=2), 1)
    response = api.post("/api/v1/persons/", {"id_number": number, "name": "王芳", "organisation": "410181"})
    assert response.status_code == 400
    assert "晚于今天" in response.json()["id_number"][0]
    assert writes() == (0, 0)


def test_a_duplicate_number_names_the_holding_unit_and_nothing_else(api, tree, make_user):
    other = make_user(tree.county_b)
    services.person_register(
        id_number=VALID_ID, name="偃师的人", phone="13700000000", organisation=tree.county_b, acting_user=other
    )
    before = writes()
    response = api.post("/api/v1/persons/", {"id_number": VALID_ID, "name": "王芳", "organisation": "410181"})
    assert response.status_code == 400
    assert response.json() == {"id_number": ["该身份证号码已由偃师市总工会登记，不能重复登记。"]}
    assert "偃师的人" not in response.content.decode()
    assert writes() == before


def test_changing_to_a_number_someone_else_holds_is_refused(api, tree):
    mine = services.person_register(
        id_number="41010019800101004X", name="甲", organisation=tree.county_a, acting_user=api.user
    )
    services.person_register(id_number=VALID_ID, name="乙", organisation=tree.county_a, acting_user=api.user)
    response = api.patch(f"/api/v1/persons/{mine.pk}/", {"id_number": VALID_ID.lower()}, format="json")
    assert response.status_code == 400
    assert "巩义市总工会" in response.json()["id_number"][0]
    mine.refresh_from_db()
    assert mine.id_number == "41010019800101004X"


def test_a_member_of_one_household_cannot_join_another(api, tree):
    first = HouseholdFactory(organisation=tree.county_a, file_no="410181-A")
    second = HouseholdFactory(organisation=tree.county_a, file_no="410181-B")
    person = services.person_register(
        id_number=VALID_ID,
        name="王芳",
        organisation=tree.county_a,
        household=first,
        relationship="child",
        acting_user=api.user,
    )
    before = writes()
    response = api.patch(f"/api/v1/persons/{person.pk}/", {"household": "410181-B"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["household"]
    assert "须先退出原档案" in response.json()["household"][0]
    assert writes() == before

    # Leaving the first file, then joining the second, is the way.
    services.person_update(person, acting_user=api.user, reason="迁出", data={"household": None})
    response = api.patch(
        f"/api/v1/persons/{person.pk}/", {"household": "410181-B", "relationship": "child"}, format="json"
    )
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert (person.household, person.relationship) == (second, "child")


def test_joining_a_household_needs_a_relationship(api, tree):
    HouseholdFactory(organisation=tree.county_a, file_no="410181-A")
    response = api.post(
        "/api/v1/persons/",
        {"id_number": VALID_ID, "name": "王芳", "organisation": "410181", "household": "410181-A"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["relationship"]
    assert writes() == (0, 0)


def test_a_household_outside_the_users_unit_cannot_be_chosen(api, tree):
    HouseholdFactory(organisation=tree.county_b, file_no="410381-A")
    response = api.post(
        "/api/v1/persons/",
        {
            "id_number": VALID_ID,
            "name": "王芳",
            "organisation": "410381",
            "household": "410381-A",
            "relationship": "child",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"organisation", "household"}
    assert writes() == (0, 0)


def test_household_dates_are_refused_with_their_field_path(api, tree):
    response = api.post(
        "/api/v1/households/",
        {"file_no": "F1", "organisation": "410181", "kind": "worker", "applied_on": "2999-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "晚于今天" in response.json()["applied_on"][0]

    created = api.post(
        "/api/v1/households/",
        {"file_no": "F1", "organisation": "410181", "kind": "worker", "applied_on": "2014-03-01"},
        format="json",
    )
    pk = created.json()["id"]
    # The workflow's steps are a reviewer's (tests/test_workflow.py); a file on record since 2014-03-10:
    Household.objects.filter(pk=pk).update(reviewed_on=D(2014, 3, 5), filed_on=D(2014, 3, 10))
    reviewer = APIClient()
    reviewer.force_authenticate(UserFactory(organisation=tree.county_a, role=Role.REVIEWER))
    closing = {"closing_code": "deceased", "closing_reason": "户主病故", "confirm": True}
    response = reviewer.post(f"/api/v1/households/{pk}/close/", {"day": "2014-03-09", **closing}, format="json")
    assert response.status_code == 400
    assert response.json() == {"closed_on": ["退出日期必须晚于建档日期。"]}


def test_an_organisation_cannot_move_below_itself(tree, make_user):
    from django.core.exceptions import ValidationError

    admin = make_user(tree.province, Role.ADMINISTRATOR)
    before = tree.province.history.count()
    for new_parent in (tree.province, tree.city_a, tree.county_a):
        with pytest.raises(ValidationError) as caught:
            organisation_update(tree.province, acting_user=admin, reason="move", parent=new_parent)
        assert "循环" in caught.value.message_dict["parent"][0]
    tree.province.refresh_from_db()
    assert (tree.province.parent, tree.province.path) == (tree.national, "100000/410000/")
    assert tree.province.history.count() == before

    # A legitimate move rewrites the paths of the whole subtree.
    organisation_update(tree.city_a, acting_user=admin, reason="划转", parent=tree.city_b)
    tree.county_a.refresh_from_db()
    assert tree.county_a.path == "100000/410000/410300/410100/410181/"


def test_the_admin_refuses_an_organisation_cycle_on_the_form(client, tree, make_user):
    from django.urls import reverse

    admin = make_user(tree.national, Role.ADMINISTRATOR, is_staff=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:casework_organisation_change", args=[tree.province.pk]),
        {"code": "410000", "name": "河南省总工会", "level": "province", "parent": tree.county_a.pk},
    )
    assert response.status_code == 200
    assert "循环" in response.context["adminform"].form.errors["parent"][0]
    tree.province.refresh_from_db()
    assert tree.province.parent == tree.national
