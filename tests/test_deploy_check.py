"""Secure defaults with DEBUG off: `check --deploy` is clean with the keys set, and the
project refuses to start without them."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEYS = ("DJANGO_SECRET_KEY", "CASEWORK_ENCRYPTION_KEYS", "CASEWORK_BLIND_INDEX_KEY")


def production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in KEYS and not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="casework.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="casework.example.org",
        CASEWORK_ENCRYPTION_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        CASEWORK_BLIND_INDEX_KEY=secrets.token_hex(32),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args, env):
    return subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_is_clean_with_debug_off_and_the_keys_set():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", KEYS)
def test_debug_off_refuses_to_start_without_a_key(missing):
    result = manage("check", env=production_env(**{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_debug_off_never_falls_back_to_the_development_key_file():
    # Even with a .local-keys.json beside manage.py, production refuses to run without its own keys.
    result = manage("check", env=production_env(CASEWORK_ENCRYPTION_KEYS=None, CASEWORK_BLIND_INDEX_KEY=None))
    assert result.returncode != 0
    assert "CASEWORK_ENCRYPTION_KEYS" in result.stderr


def test_debug_is_off_unless_turned_on():
    # No DJANGO_DEBUG at all (production_env's overrides drop it): production settings.
    show = (
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
    )
    result = manage(*show, env=production_env(DJANGO_DEBUG=None))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
    for blank in ("", "0", "no"):
        assert manage(*show, env=production_env(DJANGO_DEBUG=blank)).stdout.split() == ["False", "True"]


def test_there_is_no_built_in_secret_key_without_debug():
    result = manage("check", env=production_env(DJANGO_DEBUG=None, DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_number_of_trusted_proxies_must_be_a_whole_number():
    assert manage("check", env=production_env(CASEWORK_TRUSTED_PROXIES="1")).returncode == 0
    result = manage("check", env=production_env(CASEWORK_TRUSTED_PROXIES="yes"))
    assert result.returncode != 0 and "CASEWORK_TRUSTED_PROXIES" in result.stderr
