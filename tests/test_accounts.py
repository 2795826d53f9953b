"""Accounts: who may make and change which account (``user_check``, through ``user_create``/``user_update``
and the admin's user forms), and changing one's own password on its page."""

import pytest
from django import forms
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casework.choices import Level, Role
from casework.models import User
from casework.services import user_create, user_update
from tests.factories import OrganisationFactory

USERS = "/admin/casework/user/"


@pytest.fixture
def actors(tree, make_user):
    """A superuser, a national and a province administrator, a city administrator, a province caseworker."""
    return {
        "superuser": make_user(None, Role.ADMINISTRATOR, username="root", is_superuser=True, is_staff=True),
        "national": make_user(tree.national, Role.ADMINISTRATOR, username="quanzong", is_staff=True),
        "province": make_user(tree.province, Role.ADMINISTRATOR, username="henan", is_staff=True),
        "city": make_user(tree.city_a, Role.ADMINISTRATOR, username="zhengzhou", is_staff=True),
        "caseworker": make_user(tree.province, Role.CASEWORKER, username="worker", is_staff=True),
    }


def create(acting, organisation, **fields):
    return user_create(
        username=fields.pop("username", "new_user"),
        password="Xq7-long-pass",
        organisation=organisation,
        role=fields.pop("role", Role.CASEWORKER),
        acting_user=acting,
        reason="开户",
        **fields,
    )


def refusal(call):
    """``(field, kind)`` of a refused call, ``None`` if it went through."""
    try:
        call()
    except PermissionDenied:
        return "denied"
    except ValidationError as exc:
        return sorted(exc.message_dict)
    return None


# (actor, what, expected refusal): None = allowed, "denied" = not this actor's account, [field] = refused there.
CREATE_MATRIX = [
    ("superuser", "county_a", None),
    ("national", "county_a", None),
    ("province", "county_a", None),
    ("city", "county_a", None),
    ("city", "county_b", ["organisation"]),  # outside its subtree
    ("city", "province", ["organisation"]),  # above it
    ("caseworker", "county_a", "denied"),  # only administrators manage accounts
    ("superuser", None, None),  # an account without a unit
    ("national", None, None),
    ("province", None, ["organisation"]),
    ("city", None, ["organisation"]),
]


@pytest.mark.parametrize(("actor", "unit", "expected"), CREATE_MATRIX)
def test_who_may_create_an_account_where(tree, actors, actor, unit, expected):
    organisation = getattr(tree, unit) if unit else None
    assert refusal(lambda: create(actors[actor], organisation)) == expected
    assert User.objects.filter(username="new_user").exists() is (expected is None)


@pytest.mark.parametrize(
    ("actor", "flags", "expected"),
    [
        ("superuser", {"is_superuser": True}, None),
        ("national", {"is_superuser": True}, ["is_superuser"]),  # a national administrator who is not one
        ("province", {"is_superuser": True}, ["is_superuser"]),
        ("province", {"is_staff": True}, None),
        ("province", {"role": Role.ADMINISTRATOR}, None),  # an administrator below it: no more than it holds
    ],
)
def test_nobody_grants_more_than_they_hold(tree, actors, actor, flags, expected):
    assert refusal(lambda: create(actors[actor], tree.county_a, **flags)) == expected


def test_staff_status_only_from_staff(tree, make_user):
    not_staff = make_user(tree.province, Role.ADMINISTRATOR, username="henan2")
    assert refusal(lambda: create(not_staff, tree.county_a, is_staff=True)) == ["is_staff"]
    assert refusal(lambda: create(not_staff, tree.county_a)) is None


def test_permissions_and_groups_only_those_held(tree, actors):
    personal = Permission.objects.get(codename="view_personal_data")
    audit = Permission.objects.get(content_type__app_label="casework", codename="view_accesslog")
    auditors = Group.objects.create(name="审计")
    auditors.permissions.add(audit)
    province = actors["province"]
    # The province administrator reads personal data by its role: it may grant that, and nothing it lacks.
    granted = create(province, tree.county_a, user_permissions=[personal])
    assert granted.has_perm("casework.view_personal_data")
    assert refusal(lambda: create(province, tree.county_a, username="b", user_permissions=[audit])) == [
        "user_permissions"
    ]
    assert refusal(lambda: create(province, tree.county_a, username="c", groups=[auditors])) == ["groups"]
    assert refusal(lambda: create(actors["superuser"], tree.county_a, username="d", groups=[auditors])) is None


@pytest.fixture
def county_b_user(tree, make_user):
    return make_user(tree.county_b, Role.CASEWORKER, username="yanshi")


def test_a_city_administrator_changes_only_accounts_of_its_subtree(tree, actors, county_b_user, make_user):
    city = actors["city"]
    own = make_user(tree.county_a, Role.CASEWORKER, username="gongyi")
    assert refusal(lambda: user_update(county_b_user, acting_user=city, reason="x", data={"first_name": "改"})) == (
        "denied"
    )
    assert refusal(lambda: user_update(own, acting_user=city, reason="x", data={"organisation": tree.county_b})) == [
        "organisation"
    ]
    assert refusal(lambda: user_update(own, acting_user=city, reason="x", data={"organisation": None})) == [
        "organisation"
    ]
    user_update(own, acting_user=city, reason="升为审核人员", data={"role": Role.REVIEWER, "first_name": "李"})
    own.refresh_from_db()
    assert (own.role, own.first_name) == (Role.REVIEWER, "李")
    row = own.history.latest("history_id")
    assert (row.history_user_name, row.history_change_reason) == ("zhengzhou", "升为审核人员")
    assert User.objects.get(pk=county_b_user.pk).first_name == ""


def test_nobody_escalates_their_own_account(tree, actors):
    province = actors["province"]
    for data, field in [
        ({"is_superuser": True}, "is_superuser"),
        ({"role": Role.REVIEWER}, "role"),
        ({"organisation": tree.national}, "organisation"),
        ({"organisation": tree.city_a}, "organisation"),
        ({"user_permissions": [Permission.objects.get(codename="view_personal_data")]}, "user_permissions"),
    ]:
        assert field in refusal(lambda data=data: user_update(province, acting_user=province, reason="x", data=data))
    user_update(province, acting_user=province, reason="改名", data={"first_name": "河南管理员"})
    province.refresh_from_db()
    assert (province.role, province.organisation, province.is_superuser) == (Role.ADMINISTRATOR, tree.province, False)


def test_a_superusers_account_is_changed_only_by_a_superuser(tree, actors, make_user):
    boss = make_user(tree.county_a, Role.ADMINISTRATOR, username="boss", is_superuser=True, is_staff=True)
    for actor in ("national", "province", "city"):
        assert refusal(lambda a=actor: user_update(boss, acting_user=actors[a], reason="x", data={"is_active": False}))
    user_update(boss, acting_user=actors["superuser"], reason="停用", data={"is_active": False})
    assert not User.objects.get(pk=boss.pk).is_active


def test_a_command_on_the_server_is_not_checked(tree):
    assert create(None, None, is_superuser=True).is_superuser


# --- the admin's user forms go through the same rules ------------------------------------------------


def add_data(organisation, **extra):
    return {
        "username": "admin_made",
        "usable_password": "true",
        "password1": "Xq7-long-pass",
        "password2": "Xq7-long-pass",
        "organisation": organisation.pk if organisation else "",
        "role": Role.CASEWORKER,
        "_change_reason": "新开账号",
        **extra,
    }


def change_data(client, url, **changes):
    """The admin change form as loaded (every field's current value, the version), with ``changes``."""
    page = client.get(url)
    assert page.status_code == 200, url
    form = page.context["adminform"].form
    data = {"_version": page.context["record_version"]}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, forms.MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else part
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


def test_a_province_administrator_opens_an_account_in_its_subtree_through_the_admin(client, tree, actors):
    client.force_login(actors["province"])
    response = client.post(f"{USERS}add/", add_data(tree.county_a))
    assert response.status_code == 302, response.content.decode()[:3000]
    made = User.objects.get(username="admin_made")
    assert (made.organisation, made.role, made.is_superuser) == (tree.county_a, Role.CASEWORKER, False)
    assert made.check_password("Xq7-long-pass")
    row = made.history.get()
    assert (row.history_user_name, row.history_change_reason) == ("henan", "新开账号")


@pytest.mark.parametrize(("actor", "unit", "field"), [("province", None, "organisation"), ("city", "county_b", None)])
def test_the_admin_refuses_an_account_out_of_reach_on_the_form(client, tree, actors, actor, unit, field):
    client.force_login(actors[actor])
    response = client.post(f"{USERS}add/", add_data(getattr(tree, unit) if unit else None))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "organisation" in errors
    if field:
        assert errors["organisation"] == ["只有全国总工会管理员可以创建或保留不属于任何单位的账号。"]
    assert not User.objects.filter(username="admin_made").exists()


def test_a_national_administrator_opens_an_account_without_a_unit(client, actors):
    client.force_login(actors["national"])
    assert client.post(f"{USERS}add/", add_data(None)).status_code == 302
    assert User.objects.get(username="admin_made").organisation is None


def test_the_admin_refuses_making_a_superuser_and_writes_nothing(client, tree, actors, make_user):
    account = make_user(tree.county_a, Role.CASEWORKER, username="gongyi")
    client.force_login(actors["province"])
    url = f"{USERS}{account.pk}/change/"
    before = account.history.count()
    response = client.post(url, change_data(client, url, is_superuser=True))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_superuser"] == ["只有超级用户可以授予超级用户权限。"]
    assert not User.objects.get(pk=account.pk).is_superuser
    assert account.history.count() == before

    saved = client.post(url, change_data(client, url, first_name="巩义", role=Role.REVIEWER))
    assert saved.status_code == 302
    account.refresh_from_db()
    assert (account.first_name, account.role) == ("巩义", Role.REVIEWER)


def test_the_admin_refuses_a_change_to_ones_own_role(client, actors):
    province = actors["province"]
    client.force_login(province)
    url = f"{USERS}{province.pk}/change/"
    response = client.post(url, change_data(client, url, role=Role.REVIEWER, is_superuser=True))
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) >= {"role", "is_superuser"}
    assert User.objects.get(pk=province.pk).role == Role.ADMINISTRATOR


def test_accounts_of_another_subtree_stay_out_of_reach_in_the_admin(client, tree, actors, county_b_user, make_user):
    client.force_login(actors["city"])
    listing = client.get(USERS).content.decode()
    assert "yanshi" not in listing
    response = client.get(f"{USERS}{county_b_user.pk}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    boss = make_user(tree.county_a, Role.ADMINISTRATOR, username="boss", is_superuser=True, is_staff=True)
    assert client.get(f"{USERS}{boss.pk}/password/").status_code == 403
    page = client.get(f"{USERS}{boss.pk}/change/")
    assert page.status_code == 200 and page.context["has_change_permission"] is False


def test_a_caseworker_on_the_staff_cannot_add_accounts(client, actors):
    client.force_login(actors["caseworker"])
    assert client.post(f"{USERS}add/", add_data(None)).status_code == 403
    assert not User.objects.filter(username="admin_made").exists()


def test_another_province_is_out_of_reach(client, tree, actors):
    hubei = OrganisationFactory(code="420000", name="湖北省总工会", level=Level.PROVINCE, parent=tree.national)
    client.force_login(actors["province"])
    response = client.post(f"{USERS}add/", add_data(hubei))
    assert response.status_code == 200 and "organisation" in response.context["adminform"].form.errors
    assert refusal(lambda: create(actors["province"], hubei)) == ["organisation"]
    assert refusal(lambda: create(actors["national"], hubei)) is None


# --- one's own password -----------------------------------------------------------------------------


PASSWORD_PAGE = "/password/"


@pytest.fixture
def worker(tree, make_user, client):
    user = make_user(tree.county_a, Role.CASEWORKER, username="gongyi_worker", first_name="王芳")
    client.force_login(user)
    return user


def test_the_header_links_to_the_password_page(client, worker):
    home = client.get(reverse("home")).content.decode()
    assert f'href="{PASSWORD_PAGE}"' in home and "修改密码" in home
    page = client.get(PASSWORD_PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "旧密码" in html and "新密码" in html


def test_a_user_changes_their_password_and_stays_signed_in(client, worker):
    response = client.post(
        PASSWORD_PAGE,
        {"old_password": "pass-word-123", "new_password1": "Huang-he-2026", "new_password2": "Huang-he-2026"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    worker.refresh_from_db()
    assert worker.check_password("Huang-he-2026")
    row = worker.history.latest("history_id")
    assert (row.history_user_name, row.history_change_reason) == ("gongyi_worker", "本人修改密码")
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "密码已修改。" in home.content.decode()


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("wrong-password", "Huang-he-2026", "old_password"),
        ("pass-word-123", "12345678", "new_password2"),  # common and entirely numeric
        ("pass-word-123", "Hh-1", "new_password2"),  # too short
        ("pass-word-123", "gongyi_worker", "new_password2"),  # like the username
    ],
)
def test_the_password_validators_refuse_in_chinese(client, worker, old, new, field):
    before = worker.password
    response = client.post(PASSWORD_PAGE, {"old_password": old, "new_password1": new, "new_password2": new})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors and all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in errors), errors
    assert User.objects.get(pk=worker.pk).password == before


def test_the_password_page_needs_a_sign_in(client):
    response = client.get(PASSWORD_PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]
