"""Exports of filtered lists (XLSX and CSV) and the audit log that records each one.

The rows come from the same scoped, filtered queryset the list page shows; every
column is a display value (ID numbers masked), so an export never carries more
than the screen did.
"""

import csv
import io

from django.db import transaction

from casework.models import ExportLog
from casework.services import model_save


@transaction.atomic
def export_log_record(*, acting_user, model, filters, file_format, rows, reason="export"):
    """Record that ``acting_user`` exported ``rows`` rows of ``model`` with ``filters`` (one audit row)."""
    entry = ExportLog(
        user=acting_user,
        user_name=acting_user.get_username(),
        organisation=acting_user.organisation,
        model=model,
        filters={key: value for key, value in filters.items() if value not in ("", None, [])},
        file_format=file_format,
        rows=rows,
    )
    return model_save(entry, acting_user=acting_user, reason=reason)


def as_csv(headers, rows):
    """UTF-8 with a byte-order mark, so spreadsheet programs open the Chinese text correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(title, headers, rows):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(title)[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, len(str(header)) * 2 + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
