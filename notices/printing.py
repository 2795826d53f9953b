"""The printable list of a notice: one HTML document, shown in the browser and turned into an A4 PDF.

What a notice shows is decided here and nowhere else: each listed person's name
(full or masked, as the unit chose), the resident ID number masked to its first
6 and last 4 characters, and the assistance standard. Never full ID numbers,
phone numbers, addresses, hardship reasons or health details.
"""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from beneficiaries.id_numbers import mask
from notices import selectors

# The CJK font is Debian's fonts-noto-cjk, named "Noto Sans CJK SC" in print.css and found through fontconfig.


def mask_name(name):
    """张*明: the first and last character kept, every one between starred; a two-character name becomes 张*."""
    name = (name or "").strip()
    if len(name) <= 2:
        return name[:1] + "*" if name else ""
    return name[0] + "*" * (len(name) - 2) + name[-1]


def print_rows(notice):
    """``(number, name, masked ID number, amount)`` for every listed entry, in list order."""
    rows = []
    for number, entry in enumerate(selectors.notice_listed_entries(notice), start=1):
        person = entry.person
        name = mask_name(person.name) if notice.mask_names else person.name
        rows.append({"number": number, "name": name, "id_number": mask(person.id_number), "amount": entry.amount})
    return rows


def print_context(notice):
    return {
        "notice": notice,
        "rows": print_rows(notice),
        "totals": selectors.notice_totals(notice),
        "printed_on": timezone.localdate(),
    }


def stylesheet():
    """The print stylesheet's text; the PDF carries it inline (WeasyPrint reads no static URL)."""
    return (Path(__file__).parent / "static" / "notices" / "print.css").read_text(encoding="utf-8")


def render_html(notice, *, for_pdf=False, request=None):
    """The printable list as an HTML document (``for_pdf``: the stylesheet inline, no print button)."""
    context = {**print_context(notice), "for_pdf": for_pdf, "stylesheet": stylesheet() if for_pdf else ""}
    return render_to_string("notices/print.html", context, request=request)


def render_pdf(notice):
    """The printable list as A4 PDF bytes, with the CJK font embedded (subset to the characters used)."""
    from weasyprint import HTML  # imported here: loading pango costs time every other page would pay

    return HTML(string=render_html(notice, for_pdf=True)).write_pdf()


def pdf_filename(notice):
    return f"公示-{notice.ref}.pdf"
