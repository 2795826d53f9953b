"""``python manage.py print_notice REF --output PATH.pdf``: the printable list of a notice as an A4 PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from notices.models import Notice
from notices.printing import render_pdf


class Command(BaseCommand):
    help = "Write the printable list of the notice REF as an A4 PDF (names and ID numbers masked as on the notice)."

    def add_arguments(self, parser):
        parser.add_argument("ref", help="the notice's ref")
        parser.add_argument("--output", required=True, help="path of the PDF to write")

    def handle(self, *args, ref, output, **options):
        notice = Notice.objects.select_related("organisation").filter(ref=ref).first()
        if notice is None:
            raise CommandError(f"no notice with ref {ref!r}")
        path = Path(output)
        path.write_bytes(render_pdf(notice))
        self.stdout.write(f"{path} ({path.stat().st_size} bytes)")
