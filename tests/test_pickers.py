"""Choosing things: units by name (one scoped search, no capped lists), household files by number and head,
persons by name, by ID number (whole or its last six characters) and by file number."""

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from aid.forms import FundReceiptForm, LedgerForm
from beneficiaries.forms import PersonForm
from beneficiaries.id_numbers import mask, sample_id_number
from beneficiaries.models import Person
from beneficiaries.services import person_update
from casework.choices import Level, Role
from casework.models import AccessLog, Organisation
from casework.selectors import PICKER_LIMIT, organisations_for, unit_from_text
from stats.views import ReturnForm
from tests.factories import HouseholdFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

UNITS = "/units/search/"
HOUSEHOLDS = "/households/search/"


def search(client, url, q, **params):
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200
    return response.json()["results"]


# --- the unit search ----------------------------------------------------------------------------


def test_the_unit_search_finds_by_name_nearest_the_top_first_with_the_full_path(client, tree, make_user):
    grassroots = OrganisationFactory(code="410301001", name="洛阳石化工会", level=Level.GRASSROOTS, parent=tree.city_b)
    client.force_login(make_user(tree.province))
    results = search(client, UNITS, "洛阳")
    assert [row["code"] for row in results] == ["410300", "410301001"]
    city = results[0]
    assert city == {
        "id": tree.city_b.pk,
        "code": "410300",
        "name": "洛阳市总工会",
        "path": "中华全国总工会 › 河南省总工会 › 洛阳市总工会",
        "value": "洛阳市总工会（410300）",
    }
    assert results[1]["path"] == f"中华全国总工会 › 河南省总工会 › 洛阳市总工会 › {grassroots.name}"
    # By the start of a code too; the exact code first.
    assert [row["code"] for row in search(client, UNITS, "4103")] == ["410300", "410301001", "410381"]
    assert search(client, UNITS, "   ") == []


def test_the_unit_search_shows_at_most_the_limit(client, tree, make_user):
    for n in range(PICKER_LIMIT + 5):
        OrganisationFactory(
            code=f"4103010{n:02d}", name=f"洛阳第{n}基层工会", level=Level.GRASSROOTS, parent=tree.city_b
        )
    client.force_login(make_user(tree.province))
    results = search(client, UNITS, "洛阳")
    assert len(results) == PICKER_LIMIT
    assert results[0]["code"] == "410300"


def test_the_unit_search_finds_nothing_outside_the_users_subtree(client, tree, make_user):
    client.force_login(make_user(tree.city_a))
    assert search(client, UNITS, "洛阳") == []
    assert search(client, UNITS, "河南") == []
    assert [row["code"] for row in search(client, UNITS, "巩义")] == ["410181"]
    # The units a fund receipt may name as 上级拨付 include those above; an unknown scope is not found.
    assert [row["code"] for row in search(client, UNITS, "河南", scope="transfer")] == ["410000"]
    assert search(client, UNITS, "洛阳", scope="transfer") == []
    assert client.get(UNITS, {"q": "洛阳", "scope": "everything"}).status_code == 404


def test_the_searches_need_a_signed_in_user(client, tree):
    for url in (UNITS, HOUSEHOLDS):
        response = client.get(url, {"q": "洛阳"})
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_unit_is_named_by_its_code_its_label_or_its_unique_exact_name(tree, make_user):
    units = organisations_for(make_user(tree.province))
    assert unit_from_text(units, "410300") == tree.city_b
    assert unit_from_text(units, "洛阳市总工会（410300）") == tree.city_b
    assert unit_from_text(units, "洛阳市总工会(410300)") == tree.city_b
    assert unit_from_text(units, " 洛阳市总工会 ") == tree.city_b
    OrganisationFactory(code="410302", name="洛阳市总工会", level=Level.COUNTY, parent=tree.city_b)
    assert unit_from_text(units, "洛阳市总工会") is None  # two units bear the name: the code decides
    assert unit_from_text(units, "洛阳市总工会（410302）").code == "410302"
    assert unit_from_text(units, "不存在的工会") is None
    # Outside the choices, a unit answers like an unknown one, however it is named.
    county = organisations_for(make_user(tree.county_a))
    for text in ("410300", "洛阳市总工会（410300）", "河南省总工会"):
        assert unit_from_text(county, text) is None


# --- the unit fields on forms, filters, the returns page and the ledgers -------------------------


def test_a_record_form_takes_a_unit_by_name_within_the_users_subtree_and_shows_its_label(tree, make_user):
    user = make_user(tree.city_a)
    data = {"programme": "student_aid", "source": "union", "received_on": "2014-05-01", "amount": "100"}
    form = FundReceiptForm({**data, "organisation": "巩义市总工会", "transferred_from": "河南省总工会"}, user=user)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["organisation"], form.cleaned_data["transferred_from"]) == (tree.county_a, tree.province)
    refused = FundReceiptForm({**data, "organisation": "410300", "transferred_from": "洛阳市总工会"}, user=user)
    assert not refused.is_valid()
    assert set(refused.errors) == {"organisation", "transferred_from"}
    assert "没有找到该单位（或不在您的管辖范围内）" in refused.errors["organisation"][0]
    # An add form starts from the user's own unit, shown by name; the 上级拨付 picker searches its own choices.
    html = str(FundReceiptForm(user=user))
    assert 'value="郑州市总工会（410100）"' in html
    assert 'data-picker="/units/search/?scope=transfer"' in html
    assert "<select" not in html.split('name="organisation"')[0].rsplit("<", 1)[-1]


def test_the_returns_page_takes_any_unit_of_a_large_province_by_name(tree, make_user):
    # More units than the old list of 500 held, all sorting before 洛阳市 (410300).
    Organisation.objects.bulk_create(
        Organisation(
            code=f"4101{n:04d}",
            name=f"郑州基层工会{n}",
            level=Level.GRASSROOTS,
            parent=tree.city_a,
            path=f"{tree.city_a.path}4101{n:04d}/",
        )
        for n in range(600)
    )
    user = make_user(tree.province, Role.STATISTICS_OFFICER)
    form = ReturnForm({"attachment": 3, "org": "洛阳市总工会（410300）", "year": 2014}, user=user)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org"] == "410300"
    assert ReturnForm({"attachment": 3, "org": "洛阳市总工会", "year": 2014}, user=user).is_valid()
    county = make_user(tree.county_a, Role.STATISTICS_OFFICER)
    assert not ReturnForm({"attachment": 3, "org": "410300", "year": 2014}, user=county).is_valid()
    assert "<select" not in str(ReturnForm(user=user)["org"])


def test_the_ledgers_take_a_unit_by_name(tree, make_user):
    user = make_user(tree.city_b)
    form = LedgerForm.with_defaults({"org": "偃师市总工会"}, user=user)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org"] == tree.county_b
    assert 'value="洛阳市总工会（410300）"' in str(LedgerForm.with_defaults({}, user=user)["org"])
    assert not LedgerForm.with_defaults({"org": "巩义市总工会"}, user=user).is_valid()


def test_a_list_filters_by_a_unit_named_or_coded_in_the_users_subtree_only(client, tree, make_user):
    PersonFactory(name="洛阳人", organisation=tree.county_b)
    PersonFactory(name="郑州人", organisation=tree.city_a)
    client.force_login(make_user(tree.province))
    for value in ("洛阳市总工会", "410300", "洛阳市总工会（410300）"):
        html = client.get("/persons/", {"org": value}).content.decode()
        assert "洛阳人" in html and "郑州人" not in html
    # A code given in a link is shown by the unit's name in the filter's picker.
    assert 'value="洛阳市总工会（410300）"' in client.get("/persons/", {"org": "410300"}).content.decode()
    client.force_login(make_user(tree.city_a))
    html = client.get("/persons/", {"org": "410300"}).content.decode()
    assert "洛阳人" not in html and "郑州人" not in html and 'value="410300"' in html


# --- household files --------------------------------------------------------------------------------


@pytest.fixture
def files(tree):
    own = HouseholdFactory(file_no="豫0101-000123", organisation=tree.county_a)
    PersonFactory(household=own, name="张三", relationship="head", seq=501)
    PersonFactory(household=own, name="张小三", relationship="child", seq=502)
    other = HouseholdFactory(file_no="豫0301-000007", organisation=tree.county_b)
    PersonFactory(household=other, name="张三", relationship="head", seq=503)
    return own, other


def test_the_household_search_names_files_by_number_and_head_in_scope(client, tree, make_user, files):
    own, other = files
    client.force_login(make_user(tree.city_a))
    for q in ("张三", "000123", "豫0101"):
        results = search(client, HOUSEHOLDS, q)
        assert [row["value"] for row in results] == ["豫0101-000123 张三户"], q
    assert results[0] == {
        "id": own.pk,
        "file_no": "豫0101-000123",
        "head": "张三",
        "value": "豫0101-000123 张三户",
        "detail": "巩义市总工会",
    }
    assert search(client, HOUSEHOLDS, "豫0301") == []  # the other city's file answers like none
    client.force_login(make_user(tree.province))
    assert [row["file_no"] for row in search(client, HOUSEHOLDS, "张三")] == ["豫0101-000123", "豫0301-000007"]
    assert [row["file_no"] for row in search(client, HOUSEHOLDS, "豫0301-000007")] == ["豫0301-000007"]


def test_the_person_form_takes_a_file_by_label_number_or_head_and_shows_the_head(tree, make_user, files):
    own, other = files
    user = make_user(tree.city_a)
    base = {"name": "张四", "id_number": sample_id_number(510), "relationship": "child", "organisation": "410181"}
    for value in ("豫0101-000123 张三户", "豫0101-000123", "张三"):
        form = PersonForm({**base, "household": value}, user=user)
        assert form.is_valid(), (value, form.errors)
        assert form.cleaned_data["household"] == own
    refused = PersonForm({**base, "household": "豫0301-000007"}, user=user)
    assert not refused.is_valid() and "没有找到该档案（或不在您的管辖范围内）" in refused.errors["household"][0]
    # From the file page (?household=<pk>), the field shows the file's number and head.
    html = str(PersonForm(user=user, initial={"household": str(own.pk)})["household"])
    assert 'value="豫0101-000123 张三户"' in html and 'data-picker="/households/search/"' in html


# --- finding a person -------------------------------------------------------------------------------


def test_the_last_six_characters_are_indexed_where_the_number_is_set(tree, make_user):
    person = PersonFactory(organisation=tree.county_a, seq=520)
    number = sample_id_number(520)
    assert person.id_tail_digest == Person.tail_digest(number[-6:]) == Person.tail_digest(number.lower())
    assert person.id_tail_digest not in (Person.digest(number[-6:]), person.id_number_digest)
    changed = person_update(
        person, acting_user=make_user(tree.county_a), reason="改号", data={"id_number": sample_id_number(521)}
    )
    changed.refresh_from_db()
    assert changed.id_tail_digest == Person.tail_digest(sample_id_number(521))


def test_the_migration_fills_the_index_of_persons_already_on_record(tree):
    people = [PersonFactory(organisation=tree.county_a, seq=530 + n) for n in range(3)]
    Person.objects.update(id_tail_digest="")
    migration = import_module("beneficiaries.migrations.0009_pickers_id_tail_digest")
    migration.fill_tail_digests(django_apps, None)
    stored = dict(Person.objects.values_list("pk", "id_tail_digest"))
    assert stored == {p.pk: Person.tail_digest(sample_id_number(530 + n)) for n, p in enumerate(people)}


def find(client, q):
    """The file search as the page sends it (posted); the results page it is sent on to."""
    response = client.post(reverse("household-search"), {"q": q})
    assert response.status_code == 303
    location = response["Location"]
    assert q not in location
    return client.get(location).content.decode()


def test_a_person_is_found_by_name_whole_number_last_six_and_file_number(client, tree, make_user, files):
    own, other = files
    loner = PersonFactory(name="李独立", organisation=tree.county_a, seq=540)
    client.force_login(make_user(tree.city_a))
    number = sample_id_number(502)  # 张小三, a member of the file
    for q in ("张小三", number, number[-6:], number[-6:].lower(), "豫0101-000123"):
        html = find(client, q)
        assert "豫0101-000123" in html and mask(number) in html, q
        assert "豫0301-000007" not in html
    # The last six of the other city's head find nothing here; at the province they do.
    assert "豫0301-000007" not in find(client, sample_id_number(503)[-6:])
    # A person in no file is listed under the files.
    html = find(client, sample_id_number(540)[-6:])
    assert "未加入档案的人员" in html and "李独立" in html and mask(loner.id_number) in html
    client.force_login(make_user(tree.province))
    assert "豫0301-000007" in find(client, sample_id_number(503)[-6:])


def test_a_search_by_id_number_is_written_to_the_access_log(client, tree, make_user, files):
    user = make_user(tree.city_a)
    client.force_login(user)
    find(client, "张小三")
    assert AccessLog.objects.count() == 0  # a name is no ID number
    find(client, sample_id_number(502)[-6:])
    find(client, sample_id_number(501))
    find(client, sample_id_number(503)[-6:])  # out of scope: found nobody, logs nobody
    rows = list(AccessLog.objects.order_by("id").values_list("user_name", "person_name", "purpose"))
    assert rows == [
        (user.username, "张小三", "档案查询：按身份证号码后六位查找"),
        (user.username, "张三", "档案查询：按身份证号码查找"),
    ]


def test_the_last_six_never_go_into_a_url(client, tree, make_user, files):
    client.force_login(make_user(tree.city_a))
    tail = sample_id_number(502)[-6:]
    response = client.get(reverse("household-search"), {"q": tail})  # typed into the address by hand
    assert response.status_code == 303 and tail not in response["Location"]
    assert re.search(r"\?s=[\w-]+$", response["Location"])
    assert AccessLog.objects.filter(person_name="张小三").count() == 1


# --- the admin: accounts and every record choose units and files by search -----------------------


def test_the_admin_searches_units_in_scope_instead_of_listing_them(client, tree, make_user):
    admin_user = make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True)
    client.force_login(admin_user)
    html = client.get("/admin/casework/user/add/").content.decode()
    assert "admin-autocomplete" in html and "洛阳市总工会" not in html
    params = {"app_label": "casework", "model_name": "user", "field_name": "organisation"}
    found = client.get("/admin/autocomplete/", {**params, "term": "巩义"}).json()["results"]
    assert [row["text"] for row in found] == ["巩义市总工会（410181）"]
    assert client.get("/admin/autocomplete/", {**params, "term": "洛阳"}).json()["results"] == []
    params = {"app_label": "beneficiaries", "model_name": "person", "field_name": "household"}
    HouseholdFactory(file_no="YS-9", organisation=tree.county_b)
    assert client.get("/admin/autocomplete/", {**params, "term": "YS"}).json()["results"] == []


def test_the_searches_take_the_same_queries_for_two_results_or_twenty(client, tree, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user(tree.province))

    def queries(url, q):
        with CaptureQueriesContext(connection) as captured:
            count = len(search(client, url, q))
        return count, len(captured)

    few_units = queries(UNITS, "洛阳")
    for n in range(PICKER_LIMIT):
        OrganisationFactory(code=f"4103020{n:02d}", name=f"洛阳第{n}工会", level=Level.GRASSROOTS, parent=tree.city_b)
        household = HouseholdFactory(file_no=f"LY-{n:03d}", organisation=tree.county_b)
        PersonFactory(household=household, name=f"刘{n}", relationship="head", seq=700 + n)
    many_units = queries(UNITS, "洛阳")
    assert (few_units[0], many_units[0]) == (1, PICKER_LIMIT)
    assert few_units[1] == many_units[1]
    assert queries(HOUSEHOLDS, "LY-000")[1] == queries(HOUSEHOLDS, "LY")[1]
    assert queries(HOUSEHOLDS, "LY")[0] == PICKER_LIMIT
