"""``manage.py purge_roster_files [--dry-run]``: delete uploaded roster files past their retention period.

Run it daily (cron or a systemd timer, docs/deployment.md). The import records,
their reports and their history stay; only the stored (encrypted) file goes.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from rosters import services


class Command(BaseCommand):
    help = "Delete the stored roster files older than ROSTER_FILE_RETENTION_DAYS (the import records stay)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the files that would be deleted; delete none")

    def handle(self, *args, dry_run=False, **options):
        purged = services.purge_files(dry_run=dry_run)
        for roster_import in purged:
            self.stdout.write(f"{roster_import.pk}\t{roster_import.created_at:%Y-%m-%d}\t{roster_import.file_name}")
        verb = "would delete" if dry_run else "deleted"
        days = settings.ROSTER_FILE_RETENTION_DAYS
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(purged)} roster file(s) older than {days} days"))
