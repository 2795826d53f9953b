"""Safe defaults: the development key file is its owner's only and outside what the site serves; behind
the reverse proxy the client's address comes from the proxy's header, and only from a trusted proxy's."""

import json
import os
import stat
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory

from casework import keys
from casework.choices import Role
from casework.models import AccessLog
from casework.security import client_address
from tests.factories import PersonFactory

PASSWORD = "pass-word-123"


# --- .local-keys.json ------------------------------------------------------------------------------


@pytest.fixture
def open_umask():
    """The most permissive umask: whatever the file gets, it gets from the code, not from the shell."""
    before = os.umask(0)
    yield
    os.umask(before)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_key_file_is_created_readable_by_its_owner_only(tmp_path, open_umask):
    found = keys._local_keys(tmp_path)
    path = tmp_path / keys.LOCAL_KEY_FILE
    assert mode(path) == 0o600
    assert json.loads(path.read_text()) == found and found["encryption_keys"] and found["blind_index_key"]
    assert [p.name for p in tmp_path.iterdir()] == [keys.LOCAL_KEY_FILE]  # no temporary file left behind
    assert keys._local_keys(tmp_path) == found  # read again, not made again


def test_the_key_file_never_has_wider_permissions_not_even_before_it_is_in_place(tmp_path, open_umask, monkeypatch):
    seen = []
    real_link = os.link

    def link(source, target):
        # The keys are already written: the file about to appear under its name is 0600 already.
        seen.append((mode(source), json.loads(Path(source).read_text())))
        real_link(source, target)

    monkeypatch.setattr(keys.os, "link", link)
    found = keys._local_keys(tmp_path)
    assert seen == [(0o600, found)]


def test_two_starts_at_once_share_the_first_file(tmp_path, open_umask, monkeypatch):
    first = keys._local_keys(tmp_path)
    # A second process that saw no file yet: its link fails, it reads the first one's keys.
    monkeypatch.setattr(Path, "exists", lambda self: False)
    assert keys._local_keys(tmp_path) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == [keys.LOCAL_KEY_FILE]


def test_a_key_file_made_before_with_wider_permissions_is_narrowed(tmp_path):
    path = tmp_path / keys.LOCAL_KEY_FILE
    path.write_text(json.dumps({"encryption_keys": ["k"], "blind_index_key": "b"}))
    path.chmod(0o644)
    assert keys._local_keys(tmp_path) == {"encryption_keys": ["k"], "blind_index_key": "b"}
    assert mode(path) == 0o600


def test_the_key_file_is_outside_everything_the_site_serves(client):
    key_file = (settings.BASE_DIR / keys.LOCAL_KEY_FILE).resolve()
    served = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    if settings.MEDIA_ROOT:
        served.append(Path(settings.MEDIA_ROOT))
    for root in served:
        assert not key_file.is_relative_to(root.resolve()), root
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"  # no media served at all
    for url in ("/.local-keys.json", "/static/.local-keys.json", "/static/../.local-keys.json"):
        assert client.get(url).status_code == 404, url


# --- the client's address --------------------------------------------------------------------------


def request(remote="10.0.0.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_a_forwarded_header_changes_nothing(settings):
    settings.CASEWORK_TRUSTED_PROXIES = 0
    assert client_address(request("203.0.113.5")) == "203.0.113.5"
    assert client_address(request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        # One proxy: it appended the address it saw; what the client wrote before that is ignored.
        (1, "10.0.0.9", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.9", "198.51.100.7, 203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.9", "forged, 1.2.3.4,203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.9", "2001:db8::1", "2001:db8::1"),
        # Two proxies (a load balancer, then nginx): the right-most address neither of them is.
        (2, "10.0.0.9", "198.51.100.7, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        # Fewer hops than proxies (a health check from inside): the farthest address known.
        (1, "10.0.0.9", None, "10.0.0.9"),
        (2, "10.0.0.9", "10.0.0.1", "10.0.0.1"),
        # Not an address where the proxy's should be: the proxy's own.
        (1, "10.0.0.9", "unknown", "10.0.0.9"),
    ],
)
def test_behind_trusted_proxies_the_right_most_untrusted_address_is_the_client(
    settings, proxies, remote, forwarded, client
):
    settings.CASEWORK_TRUSTED_PROXIES = proxies
    assert client_address(request(remote, forwarded)) == client


def test_axes_and_the_access_log_use_the_one_helper():
    assert settings.AXES_CLIENT_IP_CALLABLE == "casework.security.client_address"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def fail(client, username, times, **extra):
    return [
        client.post("/login/", {"username": username, "password": "wrong"}, **extra).status_code for _ in range(times)
    ]


def log_in(client, username, **extra):
    return client.post("/login/", {"username": username, "password": PASSWORD}, **extra).status_code


def test_a_forged_header_without_a_trusted_proxy_cannot_lock_out_another_address(client, tree, make_user, settings):
    settings.CASEWORK_TRUSTED_PROXIES = 0
    make_user(tree.province, username="wang")
    # The attacker claims the victim's address in X-Forwarded-For: ignored, the lockout is on their own.
    attacker = {"REMOTE_ADDR": "203.0.113.66", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert fail(client, "wang", 5, **attacker) == [200, 200, 200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    assert log_in(client, "wang", **attacker) == 429
    assert log_in(client, "wang", REMOTE_ADDR="198.51.100.7") == 302


def test_behind_one_proxy_one_user_cannot_lock_another_out_by_name(client, tree, make_user, settings):
    settings.CASEWORK_TRUSTED_PROXIES = 1
    make_user(tree.province, username="wang")
    proxy = "10.0.0.9"  # every request reaches Django from the proxy
    # The attacker (203.0.113.66) forges the victim's address; the proxy appends the real one.
    attacker = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.66"}
    assert fail(client, "wang", 5, **attacker) == [200, 200, 200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    assert log_in(client, "wang", **attacker) == 429
    # The victim, through the same proxy, still logs in.
    assert log_in(client, "wang", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7") == 302


def test_the_access_log_records_the_client_behind_the_proxy(client, tree, make_user, settings):
    settings.CASEWORK_TRUSTED_PROXIES = 1
    person = PersonFactory(name="王小明", organisation=tree.county_a)
    client.force_login(make_user(tree.city_a, Role.REVIEWER))
    response = client.get(
        f"/api/v1/persons/{person.pk}/reveal/",
        {"purpose": "核对身份"},
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5",
    )
    assert response.status_code == 200
    assert AccessLog.objects.get().ip_address == "203.0.113.5"
