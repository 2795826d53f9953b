"""Log-in hardening: Argon2 hashes, lockout after 5 failures (form, admin and Basic auth), CSP."""

import base64
import re

import pytest
from django.contrib.auth.hashers import make_password

import casework.settings as project_settings
from casework.choices import Role

PASSWORD = "pass-word-123"
PRODUCTION_HASHERS = project_settings.PASSWORD_HASHERS


@pytest.fixture
def argon2(settings):
    """The project's own hashers (the suite uses a fast one elsewhere)."""
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def basic(username, password):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_argon2_is_the_first_hasher():
    assert PRODUCTION_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_new_passwords_are_hashed_with_argon2(argon2, tree, make_user):
    user = make_user(tree.province)
    user.set_password(PASSWORD)
    user.save()
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_an_older_hash_is_upgraded_to_argon2_on_log_in(argon2, client, tree, make_user):
    user = make_user(tree.province, username="old-hash")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()

    response = client.post("/login/", {"username": "old-hash", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def _fail(client, username, times, **extra):
    return [
        client.post("/login/", {"username": username, "password": "wrong"}, **extra).status_code for _ in range(times)
    ]


def test_five_failed_log_ins_lock_the_account(client, tree, make_user):
    make_user(tree.province, username="zhang")

    # Four failures show the form again; the fifth locks the account (429).
    assert _fail(client, "zhang", 5) == [200, 200, 200, 200, 429]

    response = client.post("/login/", {"username": "zhang", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_fewer_than_five_failures_then_success_resets_the_count(client, tree, make_user):
    make_user(tree.province, username="li")
    assert _fail(client, "li", 4) == [200] * 4
    assert client.post("/login/", {"username": "li", "password": PASSWORD}).status_code == 302
    client.logout()
    # The count started again: four more failures are still below the limit.
    assert _fail(client, "li", 4) == [200] * 4
    assert client.post("/login/", {"username": "li", "password": PASSWORD}).status_code == 302


def test_lockout_is_per_account_and_address(client, tree, make_user):
    make_user(tree.province, username="wang")
    make_user(tree.province, username="zhao")
    _fail(client, "wang", 5)

    # Another account from the same address, and the same account from another address, still log in.
    assert client.post("/login/", {"username": "zhao", "password": PASSWORD}).status_code == 302
    client.logout()
    response = client.post("/login/", {"username": "wang", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302


def test_admin_log_in_is_throttled_too(client, tree, make_user):
    make_user(tree.province, Role.ADMINISTRATOR, username="admin1", is_staff=True)
    codes = [client.post("/admin/login/", {"username": "admin1", "password": "wrong"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert client.post("/admin/login/", {"username": "admin1", "password": PASSWORD}).status_code == 429


def test_basic_authentication_works_and_is_throttled(client, tree, make_user):
    make_user(tree.province, username="api-user")
    assert client.get("/api/v1/persons/", **basic("api-user", PASSWORD)).status_code == 200

    for _ in range(5):
        assert client.get("/api/v1/persons/", **basic("api-user", "wrong")).status_code in (401, 403)
    # Locked: the right password is refused now.
    assert client.get("/api/v1/persons/", **basic("api-user", PASSWORD)).status_code in (401, 403, 429)


def test_force_login_and_client_login_still_work(client, tree, make_user):
    user = make_user(tree.province, username="tester")
    assert client.login(username="tester", password=PASSWORD)
    assert client.get("/api/v1/persons/").status_code == 200
    client.logout()
    client.force_login(user)
    assert client.get("/api/v1/persons/").status_code == 200


def _policy(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())


def test_pages_carry_a_self_only_content_security_policy(client):
    policy = _policy(client.get("/login/"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in client.get("/login/")["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize(
    "url", ["/login/", "/admin/login/", "/admin/", "/admin/casework/organisation/", "/admin/casework/user/add/"]
)
def test_pages_and_the_admin_need_no_inline_script(client, tree, make_user, url):
    admin = make_user(tree.province, Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    if not url.startswith("/login") and url != "/admin/login/":
        client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # A blocked inline script would break the page under the policy above.
    assert INLINE_SCRIPT.findall(html) == []
    assert "Content-Security-Policy" in response


def test_a_log_in_sets_last_login_without_an_unsigned_history_row(client, tree, make_user):
    user = make_user(tree.province, username="sun")
    rows = user.history.count()
    assert client.post("/login/", {"username": "sun", "password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == rows


def test_the_api_docs_work_under_the_policy(client, tree, make_user):
    assert client.get("/api/docs/").status_code == 403  # signed-in users only, like the schema
    client.force_login(make_user(tree.province))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert INLINE_SCRIPT.findall(page.content.decode()) == []
    policy = _policy(page)
    # Swagger UI's files are this site's static files (drf-spectacular-sidecar): no relaxation.
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    assert _policy(client.get("/"))["script-src"] == "'self'"
