"""``python manage.py import_bundle PATH``: import a case bundle, all or nothing (``bundle.md``)."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.bundle import import_bundle


class Command(BaseCommand):
    help = "Import a case bundle (JSON); every refusal is printed with its path and nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", help="username named in the history and whose subtree limits the records")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")

    def handle(self, *args, path, user=None, dry_run=False, **options):
        file = Path(path)
        try:
            bundle = json.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            self.stderr.write(f": not a UTF-8 JSON document ({error})")
            raise CommandError("bundle refused") from None
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(f"no such user: {user}")
        result = import_bundle(bundle, acting_user=acting_user, reason=f"bundle import {file.name}", dry_run=dry_run)
        for line in result.lines():
            self.stderr.write(line)
        if not result.ok:
            raise CommandError(f"bundle refused: {len(result.errors)} problem(s), nothing written")
        for name, counts in result.counts.items():
            self.stdout.write(
                f"{name}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
            )
        if dry_run:
            self.stdout.write("dry run: nothing written")
