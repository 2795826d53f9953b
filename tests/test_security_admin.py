"""The access log in the admin: administrators audit who read whose full ID number; nobody edits it.

Rows are written by ``reveal_id_number`` (the one way a full number leaves the database) and
scoped by the person's unit, like every other admin list.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from casework.access_log import reveal_id_number
from casework.choices import Role
from casework.models import AccessLog
from tests.factories import PersonFactory
from tests.test_authz_matrix import ADMIN_RULE, rule_for, served_routes

CHANGELIST = "/admin/casework/accesslog/"


def change_url(row):
    return f"{CHANGELIST}{row.pk}/change/"


@pytest.fixture
def readings(tree, make_user):
    """One reading of a person in county A (by a city-A reviewer) and one in county B (by a city-B reviewer)."""
    own = PersonFactory(id_number="110101198001010002", name="王小明", organisation=tree.county_a)
    sibling = PersonFactory(id_number="110101198001010010", name="李大海", organisation=tree.county_b)
    reader_a = make_user(tree.city_a, Role.REVIEWER, username="reader_a")
    reader_b = make_user(tree.city_b, Role.REVIEWER, username="reader_b")
    reveal_id_number(own, reader_a, "年度核实比对身份证", ip_address="10.1.2.3")
    reveal_id_number(sibling, reader_b, "银行发放核对")
    return AccessLog.objects.get(person_id=own.pk), AccessLog.objects.get(person_id=sibling.pk)


@pytest.fixture
def superuser(tree, make_user):
    return make_user(None, Role.ADMINISTRATOR, username="root", is_staff=True, is_superuser=True)


def test_a_superuser_lists_every_reading_with_who_whose_and_why(client, superuser, readings):
    own, sibling = readings
    client.force_login(superuser)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    html = page.content.decode()
    for text in [
        "reader_a",
        "王小明",
        "年度核实比对身份证",
        "10.1.2.3",
        "巩义市总工会",
        "reader_b",
        "李大海",
        "银行发放核对",
    ]:
        assert text in html, text
    assert page.context["cl"].result_count == 2


def test_an_administrator_sees_only_readings_about_persons_of_their_subtree(client, tree, make_user, readings):
    own, sibling = readings
    client.force_login(make_user(tree.city_a, Role.ADMINISTRATOR, is_staff=True))
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [own]
    assert "李大海" not in page.content.decode()
    # The user filter offers only the readers found in the user's own rows, not every account.
    assert "reader_b" not in page.content.decode()
    assert client.get(change_url(own)).status_code == 200
    # Django's admin answers an object outside the queryset with a redirect to the index.
    response = client.get(change_url(sibling))
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_view_page_is_read_only(client, superuser, readings):
    own, _sibling = readings
    client.force_login(superuser)
    page = client.get(change_url(own))
    assert page.status_code == 200
    html = page.content.decode()
    assert "年度核实比对身份证" in html and "王小明" in html
    assert 'name="_save"' not in html and 'name="purpose"' not in html
    assert f"{CHANGELIST}{own.pk}/delete/" not in html
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False


def test_nobody_adds_changes_or_deletes_a_reading_not_even_a_superuser(client, superuser, readings):
    own, _sibling = readings
    client.force_login(superuser)
    listing = client.get(CHANGELIST)
    assert f"{CHANGELIST}add/" not in listing.content.decode()
    assert "action-checkbox" not in listing.content.decode()  # no bulk actions, so no bulk delete
    before = list(AccessLog.objects.order_by("pk").values())

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    posted = {"user_name": "forger", "person_id": own.person_id, "person_name": "x", "purpose": "x"}
    assert client.post(f"{CHANGELIST}add/", {**posted, "organisation": own.organisation_id}).status_code == 403
    assert client.post(change_url(own), {**posted, "organisation": own.organisation_id}).status_code == 403
    assert client.get(f"{CHANGELIST}{own.pk}/delete/").status_code == 403
    assert client.post(f"{CHANGELIST}{own.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"}
    client.post(CHANGELIST, bulk)

    assert list(AccessLog.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.REVIEWER, Role.STATISTICS_OFFICER])
def test_staff_who_are_not_administrators_cannot_see_it(client, tree, make_user, readings, role):
    own, _sibling = readings
    client.force_login(make_user(tree.province, role, is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(own)).status_code == 403
    index = client.get("/admin/")
    assert index.status_code == 200
    assert CHANGELIST not in index.content.decode()


def test_an_administrator_who_is_not_staff_is_sent_to_the_admin_log_in(client, tree, make_user, readings):
    client.force_login(make_user(tree.province, Role.ADMINISTRATOR))
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_explicit_grant_opens_it_read_only_to_other_staff(client, tree, make_user, readings):
    own, _sibling = readings
    auditor = make_user(tree.city_a, Role.CASEWORKER, is_staff=True)
    auditor.user_permissions.add(Permission.objects.get(content_type__app_label="casework", codename="view_accesslog"))
    client.force_login(auditor)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [own]
    assert client.get(f"{CHANGELIST}add/").status_code == 403


def test_an_administrator_finds_readings_by_date_reader_person_and_purpose(client, superuser, readings):
    own, sibling = readings
    AccessLog.objects.filter(pk=sibling.pk).update(accessed_at=own.accessed_at - datetime.timedelta(days=40))
    client.force_login(superuser)

    def found(**query):
        page = client.get(CHANGELIST, query)
        assert page.status_code == 200, query
        return {row.pk for row in page.context["cl"].result_list}

    assert found(q="王小明") == {own.pk}
    assert found(q=str(sibling.person_id)) == {sibling.pk}
    assert found(q="银行") == {sibling.pk}
    assert found(q="reader_a") == {own.pk}
    assert found(user__id__exact=own.user_id) == {own.pk}
    assert found(organisation__id__exact=sibling.organisation_id) == {sibling.pk}
    when = timezone.localtime(own.accessed_at)
    assert found(accessed_at__year=when.year, accessed_at__month=when.month) == {own.pk}
    # The date filter's own parameters (what its "past 7 days" choice sends).
    week_ago = (when - datetime.timedelta(days=7)).isoformat()
    assert found(accessed_at__gte=week_ago, accessed_at__lt=(when + datetime.timedelta(days=1)).isoformat()) == {own.pk}


def test_the_authorization_matrix_covers_the_access_log_admin():
    routes = [route for route in served_routes() if route.startswith("admin/casework/accesslog/")]
    assert "admin/casework/accesslog/" in routes
    assert "admin/casework/accesslog/<object_id>/change/" in routes
    assert all(rule_for(route) is ADMIN_RULE for route in routes), routes
