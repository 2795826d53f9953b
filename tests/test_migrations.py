"""The models and their migrations agree: a model change without its migration fails the suite (and so CI)."""

import io
import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command


def test_no_model_change_lacks_a_migration(db):  # makemigrations reads the applied migrations
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:  # --check exits 1 when a migration is missing
        raise AssertionError(f"models changed without a migration:\n{out.getvalue()}") from exit
    assert "No changes detected" in out.getvalue()


def test_a_bare_manage_py_checks_migrations_but_serves_nothing_without_its_settings(tmp_path):
    """``manage.py makemigrations --check`` works with nothing set (it reads only the code); a command that reads
    the records still refuses to start without the production settings (DEBUG off by default)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CASEWORK_", "DATABASE")) and key != "TEST_DATABASE_NAME"
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bare.sqlite3'}"

    def manage(*args):
        return subprocess.run(  # noqa: S603 (this project's manage.py, fixed arguments)
            [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
        )

    checked = manage("makemigrations", "--check", "--dry-run")
    assert (checked.returncode, checked.stdout.strip()) == (0, "No changes detected"), checked.stderr
    refused = manage("migrate", "--check")
    assert refused.returncode != 0 and "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in refused.stderr
