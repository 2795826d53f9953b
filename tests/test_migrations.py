"""The models and their migrations agree: a model change without its migration fails the suite (and so CI)."""

import io

from django.core.management import call_command


def test_no_model_change_lacks_a_migration(db):  # makemigrations reads the applied migrations
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:  # --check exits 1 when a migration is missing
        raise AssertionError(f"models changed without a migration:\n{out.getvalue()}") from exit
    assert "No changes detected" in out.getvalue()
