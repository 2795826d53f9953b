"""``python manage.py export_bundle --org CODE [--since YYYY-MM-DD] PATH``: a unit's subtree as a case bundle."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.bundle import export_bundle
from casework.models import Organisation


class Command(BaseCommand):
    help = "Export the case records of a unit's subtree as a case bundle (JSON) that imports into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--org", required=True, help="code of the unit whose subtree is exported")
        parser.add_argument("--since", help="only dated records on or after YYYY-MM-DD")

    def handle(self, *args, path, org, since=None, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(f"no such organisation: {org}")
        if since:
            try:
                since = datetime.date.fromisoformat(since)
            except ValueError:
                raise CommandError("--since must be YYYY-MM-DD") from None
        bundle = export_bundle(organisation, since=since)
        Path(path).write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
        total = sum(len(v) for v in bundle.values() if isinstance(v, list))
        self.stdout.write(f"{total} records written to {path}")
