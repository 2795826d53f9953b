"""``manage.py import_roster PATH --kind households --org CODE [--user U] [--dry-run]``."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from casework.models import Organisation
from rosters import services
from rosters.models import Status
from rosters.parsing import IGNORE, mapping_key
from rosters.templates import KINDS


class Command(BaseCommand):
    help = "Import a roster spreadsheet (XLSX or CSV) all-or-nothing; with --dry-run only check it."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--org", required=True, help="code of the unit the roster belongs to")
        parser.add_argument("--user", help="username recorded as the acting user (default: none, the operator)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, path, kind, org, user=None, dry_run=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            organisation = Organisation.objects.get(code=org)
        except Organisation.DoesNotExist:
            raise CommandError(f"unknown organisation code: {org}") from None
        acting_user = None
        if user:
            try:
                acting_user = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"unknown user: {user}") from None
        try:
            roster_import = services.roster_upload(
                acting_user=acting_user,
                organisation=organisation,
                kind=kind,
                file_name=file.name,
                content=file.read_bytes(),
            )
            if roster_import.status == Status.MAPPING:
                # No one to ask on the command line: columns with unknown headers are left out, and said so.
                unknown = services.unknown_headers(roster_import)
                for sheet, header, _section in unknown:
                    self.stderr.write(f"ignored column: {sheet} / {header}")
                mapping = {mapping_key(sheet, header): IGNORE for sheet, header, _section in unknown}
                roster_import = services.roster_map_columns(roster_import, acting_user=acting_user, mapping=mapping)
            roster_import = services.roster_check(roster_import, acting_user=acting_user)
            if roster_import.status == Status.CHECKED and not dry_run:
                roster_import = services.roster_confirm(roster_import, acting_user=acting_user)
                roster_import = services.roster_import_run(roster_import, acting_user=acting_user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        report = roster_import.report
        hidden = report.get("hidden", {})
        for name in hidden.get("sheets", []):
            self.stderr.write(f"hidden sheet not imported: {name}")
        for item in hidden.get("rows", []):
            self.stderr.write(f"hidden rows not imported: {item['sheet']} {', '.join(map(str, item['rows']))}")
        for problem in report.get("problems", []):
            place = " ".join(
                str(part)
                for part in (
                    problem.get("sheet"),
                    problem.get("row") and f"第{problem['row']}行",
                    problem.get("column"),
                )
                if part
            )
            self.stderr.write(f"{place}: {problem['message']}" if place else problem["message"])
        counts = ", ".join(f"{name} {n}" for name, n in report.get("counts", {}).items())
        self.stdout.write(
            f"{roster_import.get_status_display()} ({roster_import.status}): {report.get('rows', 0)} rows; {counts}"
        )
        if roster_import.status not in (Status.CHECKED, Status.IMPORTED):
            raise CommandError(f"{len(report.get('problems', []))} problem(s); nothing written")
