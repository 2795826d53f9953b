"""API tokens: a script's key, acting as one account; scoped like it, refused once revoked or expired,
stored as a hash only, listed and revoked in the admin through the services, documented in the schema."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from casework.choices import Role
from casework.models import ApiToken
from casework.services import API_TOKEN_TOUCH_SECONDS, api_token_create, api_token_digest, api_token_revoke
from tests.factories import PersonFactory


def bearer(secret, keyword="Bearer"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {secret}")
    return client


@pytest.fixture
def admin_a(tree, make_user):
    return make_user(tree.city_a, Role.ADMINISTRATOR, username="admin_a", is_staff=True)


@pytest.fixture
def script_a(tree, make_user):
    return make_user(tree.county_a, Role.CASEWORKER, username="script_a")


@pytest.fixture
def token_a(admin_a, script_a):
    return api_token_create(name="county A sync", user=script_a, acting_user=admin_a)


def test_only_the_hash_is_stored_and_the_secret_is_shown_once(token_a):
    token, secret = token_a
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == api_token_digest(secret)
    assert secret not in {getattr(stored, f.attname) for f in ApiToken._meta.fields}
    assert len(secret) > 40 and secret.startswith(stored.prefix)
    row = stored.history.get()
    assert (row.history_user_name, row.history_change_reason) == ("admin_a", "create API token")


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_a_token_acts_as_its_account_in_its_subtree_only(tree, token_a, keyword):
    _token, secret = token_a
    own = PersonFactory(organisation=tree.county_a)
    sibling = PersonFactory(organisation=tree.county_b)
    api = bearer(secret, keyword)
    listed = api.get("/api/v1/persons/").json()["results"]
    assert [row["id"] for row in listed] == [own.pk]
    assert api.get(f"/api/v1/persons/{own.pk}/").status_code == 200
    outside = api.get(f"/api/v1/persons/{sibling.pk}/")
    unknown = api.get(f"/api/v1/persons/{10**9}/")
    assert (outside.status_code, outside.json()) == (unknown.status_code, unknown.json()) == (404, unknown.json())


def test_writes_record_the_tokens_account_in_the_history(tree, token_a):
    _token, secret = token_a
    person = PersonFactory(organisation=tree.county_a)
    response = bearer(secret).patch(
        f"/api/v1/persons/{person.pk}/", {"name": "李四"}, format="json", HTTP_X_CHANGE_REASON="sync"
    )
    assert response.status_code == 200, response.json()
    row = person.history.order_by("-history_id").first()
    assert (row.history_user_name, row.history_change_reason) == ("script_a", "sync")


def test_revoked_expired_unknown_and_inactive_are_refused_alike(tree, admin_a, script_a, token_a, make_user):
    token, secret = token_a
    assert bearer(secret).get("/api/v1/persons/").status_code == 200
    refused = []
    refused.append(bearer("cw_not-a-token").get("/api/v1/persons/"))
    api_token_revoke(token, acting_user=admin_a)
    refused.append(bearer(secret).get("/api/v1/persons/"))
    _expired, expired_secret = api_token_create(
        name="old", user=script_a, acting_user=admin_a, expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    refused.append(bearer(expired_secret).get("/api/v1/persons/"))
    idle = make_user(tree.county_a, Role.CASEWORKER, username="idle")
    _idle_token, idle_secret = api_token_create(name="idle", user=idle, acting_user=admin_a)
    idle.is_active = False
    idle.save()
    refused.append(bearer(idle_secret).get("/api/v1/persons/"))
    # 403 like a wrong password over Basic: the first authentication class (the session's) sets no challenge
    assert {r.status_code for r in refused} == {403}
    assert len({r.content for r in refused}) == 1
    revoked = ApiToken.objects.get(pk=token.pk)
    assert revoked.revoked_at is not None
    assert revoked.history.order_by("-history_id").first().history_change_reason == "revoke API token"


def test_last_used_moves_at_most_once_a_minute(token_a):
    token, secret = token_a
    assert token.last_used_at is None
    history_rows = token.history.count()
    bearer(secret).get("/api/v1/persons/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    bearer(secret).get("/api/v1/persons/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=first - datetime.timedelta(seconds=API_TOKEN_TOUCH_SECONDS + 1)
    )
    bearer(secret).get("/api/v1/persons/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first
    assert token.history.count() == history_rows  # bookkeeping, not a change of the token


def test_tokens_are_issued_only_by_those_who_manage_the_account(tree, make_user, script_a):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        api_token_create(name="x", user=script_a, acting_user=make_user(tree.county_a, Role.CASEWORKER))
    with pytest.raises(PermissionDenied):
        api_token_create(name="x", user=script_a, acting_user=make_user(tree.city_b, Role.ADMINISTRATOR))
    script_a.is_active = False
    script_a.save()
    with pytest.raises(ValidationError):
        api_token_create(name="x", user=script_a, acting_user=make_user(tree.province, Role.ADMINISTRATOR))
    assert ApiToken.objects.count() == 0


def test_the_command_prints_a_working_token(tree, script_a, capsys):
    call_command("create_api_token", "--user", "script_a", "--name", "nightly export", "--days", "30")
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert token.key_hash == api_token_digest(secret)
    assert token.expires_at > timezone.now() + datetime.timedelta(days=29)
    assert bearer(secret).get("/api/v1/persons/").status_code == 200


def test_the_admin_lists_creates_and_revokes_in_the_subtree(client, tree, admin_a, script_a, make_user, token_a):
    token, _secret = token_a
    far = make_user(tree.city_b, Role.CASEWORKER, username="script_b")
    far_token, _ = api_token_create(name="city B export", user=far, acting_user=None)
    client.force_login(admin_a)
    page = client.get("/admin/casework/apitoken/").content.decode()
    assert "county A sync" in page and "city B export" not in page
    response = client.post(
        "/admin/casework/apitoken/add/", {"name": "new one", "user": script_a.pk, "_change_reason": "for sync"}
    )
    assert response.status_code == 200
    created = ApiToken.objects.get(name="new one")
    secret = next(w for w in response.content.decode().split('"') if w.startswith("cw_") and len(w) > 40)
    assert created.key_hash == api_token_digest(secret)
    assert (created.created_by, created.history.get().history_change_reason) == (admin_a, "for sync")
    # an account outside the subtree is not offered (answers like an unknown one)
    refused = client.post("/admin/casework/apitoken/add/", {"name": "far", "user": far.pk})
    assert refused.status_code == 200 and not ApiToken.objects.filter(name="far").exists()
    client.post(
        "/admin/casework/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk, far_token.pk]},
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=far_token.pk).revoked_at is None


def test_the_schema_documents_the_token_scheme(client, tree, make_user):
    client.force_login(make_user(tree.county_a, Role.CASEWORKER))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    persons = schema["paths"]["/api/v1/persons/"]["get"]
    assert {"apiToken": []} in persons["security"]
