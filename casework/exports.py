"""Files that leave the system: exports of filtered lists (XLSX and CSV), the audit log of each export,
and the rules every spreadsheet and download of the project follows.

The rows come from the same scoped, filtered queryset the list page shows; every
column is a display value (ID numbers masked), so an export never carries more
than the screen did.

Every spreadsheet the project writes (these exports, the returns, the roster
reports) goes through :func:`append_row` and :func:`xlsx_bytes` (CSV through
:func:`as_csv`), so a stored text can neither break the file nor run as a
formula when it is opened (OWASP "CSV injection"), and every download names its
file through :func:`attachment`.
"""

import csv
import io
import re
from urllib.parse import quote

from django.db import transaction

from casework.models import ExportLog
from casework.services import model_save

# Characters XML 1.0 cannot carry (openpyxl refuses them with IllegalCharacterError).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A cell a spreadsheet program would read as a formula (or DDE) when it starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# 15 or 18 characters of a resident ID number, wherever they are typed.
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{5}|\d{7}[0-9Xx])(\d{4})(?![0-9A-Za-z])")


# --- the export log -------------------------------------------------------------------------------


def mask_id_numbers(value):
    """``value`` (a filter value: text, list or dict) with every ID number in it masked as on a list."""
    if isinstance(value, str):
        return ID_NUMBER_RE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), value)
    if isinstance(value, (list, tuple)):
        return [mask_id_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_id_numbers(item) for key, item in value.items()}
    return value


@transaction.atomic
def export_log_record(*, acting_user, model, filters, file_format, rows, reason="export"):
    """Record that ``acting_user`` exported ``rows`` rows of ``model`` with ``filters`` (one audit row).

    The filters are kept with every ID number masked: the log (and its history) never holds a full one.
    A superuser attached to no unit is logged with no unit.
    """
    entry = ExportLog(
        user=acting_user,
        user_name=acting_user.get_username(),
        organisation=acting_user.organisation,
        model=model,
        filters={key: mask_id_numbers(value) for key, value in filters.items() if value not in ("", None, [])},
        file_format=file_format,
        rows=rows,
    )
    return model_save(entry, acting_user=acting_user, reason=reason)


# --- safe cells -----------------------------------------------------------------------------------


def cell_value(value):
    """A value as a spreadsheet cell may hold it: text loses the characters XML cannot carry."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _runs(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value):
    """A CSV field: text that a spreadsheet would run as a formula gets a leading ``'`` (numbers stay numbers)."""
    if value is None:
        return ""
    value = cell_value(value)
    return f"'{value}" if _runs(value) else value


def append_row(sheet, values):
    """``sheet.append(values)`` with every text made safe (see :func:`cell_value`)."""
    sheet.append([cell_value(value) for value in values])


def neutralise(book):
    """Make every text cell of ``book`` plain text: no formula, no error code, nothing XML cannot carry.

    A text starting with ``=``, ``+``, ``-``, ``@``, tab or CR is written as a text cell with Excel's
    quote prefix, so the program shows it and never evaluates it, even when the cell is edited.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str):
                    continue
                if ILLEGAL_CHARACTERS_RE.search(value):
                    value = cell_value(value)
                    cell._value = value  # a cell read from a file was never checked by openpyxl
                if cell.data_type in ("f", "e") or _runs(value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def xlsx_bytes(book):
    """The workbook as bytes, after :func:`neutralise`: how every XLSX of the project is saved."""
    neutralise(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_csv(headers, rows):
    """UTF-8 with a byte-order mark, so spreadsheet programs open the Chinese text correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([csv_value(str(h)) for h in headers])
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(title, headers, rows):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    append_row(sheet, [str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, len(str(header)) * 2 + 2)
    return xlsx_bytes(book)


def sheet_title(text):
    """A worksheet title from any text: without the characters Excel forbids there (``\\ / ? * [ ] :``)."""
    title = re.sub(r"[\\/?*\[\]:]", "_", cell_value(str(text))).strip("'")[:31]
    return title or "Sheet"


# --- downloads ------------------------------------------------------------------------------------


def content_disposition(filename):
    """``attachment`` with the file name in RFC 6266 / RFC 5987 form (``filename*=UTF-8''…``), and a plain
    ASCII fallback for old clients. No character of the name can end the header or add a parameter."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename).strip("._") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment(response, filename):
    """Mark ``response`` as a download named ``filename``: how every download of the project is named."""
    response["Content-Disposition"] = content_disposition(filename)
    return response
