"""The printable list of a notice: one HTML document, shown in the browser and turned into an A4 PDF.

What a notice shows is decided here and nowhere else: each listed person's name
(in full, so that neighbours can check it, unless the unit chose to mask names;
minors' names masked when ``CASEWORK_NOTICE_MASK_MINORS`` is on), the resident ID
number masked to its first 6 and last 4 characters, the assistance standard and,
on a Golden Autumn notice, the school and stage in force on the first day. Never
full ID numbers, phone numbers, addresses, hardship reasons or health details.
At the foot: the supervision phone of the unit above (监督电话) and the issuing
unit with the publication date (落款).
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from beneficiaries.choices import Stage
from beneficiaries.id_numbers import mask
from casework import printing
from notices import selectors

ADULT_AGE = 18

# The CJK font is Debian's fonts-noto-cjk, named "Noto Sans CJK SC" in print.css and found through fontconfig.


def mask_name(name):
    """张*明: the first and last character kept, every one between starred; a two-character name becomes 张*."""
    name = (name or "").strip()
    if len(name) <= 2:
        return name[:1] + "*" if name else ""
    return name[0] + "*" * (len(name) - 2) + name[-1]


def is_minor(person, day):
    """Under 18 on ``day``, by the birth date the ID number gives."""
    born = person.birth_date
    if born is None:
        return False
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return age < ADULT_AGE


def shown_name(notice, person):
    """The name as posted: in full, unless the unit masks all names or the setting masks minors'."""
    masked = notice.mask_names or (
        getattr(settings, "CASEWORK_NOTICE_MASK_MINORS", False) and is_minor(person, notice.starts_on)
    )
    return mask_name(person.name) if masked else person.name


def print_rows(notice):
    """Number, name, masked ID number, amount (and school and stage) for every listed entry, in list order."""
    rows = []
    for number, entry in enumerate(selectors.notice_print_entries(notice), start=1):
        person = entry.person
        rows.append(
            {
                "number": number,
                "name": shown_name(notice, person),
                "id_number": mask(person.id_number),
                "amount": entry.amount,
                "school": entry.school or "",
                "stage": Stage(entry.stage).label if entry.stage else "",
            }
        )
    return rows


def print_context(notice):
    return {
        "notice": notice,
        "rows": print_rows(notice),
        "totals": selectors.notice_totals(notice),
        "printed_on": timezone.localdate(),
        "supervision_phone": notice.organisation.notice_supervision_phone,
        "signed_on": notice.published_on or notice.starts_on,
    }


def stylesheet():
    """The print stylesheet's text; the PDF carries it inline (WeasyPrint reads no static URL)."""
    return printing.stylesheet(Path(__file__).parent / "static" / "notices" / "print.css")


def render_html(notice, *, for_pdf=False, request=None):
    """The printable list as an HTML document (``for_pdf``: the stylesheet inline, no print button)."""
    context = {**print_context(notice), "for_pdf": for_pdf, "stylesheet": stylesheet() if for_pdf else ""}
    return render_to_string("notices/print.html", context, request=request)


def render_pdf(notice):
    """The printable list as A4 PDF bytes, with the CJK font embedded (subset to the characters used)."""
    return printing.write_pdf(render_html(notice, for_pdf=True))


def pdf_filename(notice):
    return f"公示-{notice.number}.pdf"  # 公示-2014-0007.pdf: the number people read, not the ref
