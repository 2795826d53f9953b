"""The dry-run report as a spreadsheet: the user's own file with an error column added."""

import io
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from casework.exports import append_row, sheet_title, xlsx_bytes
from rosters import parsing

ERROR_HEADER = parsing.ERROR_HEADER
_BAD = PatternFill("solid", fgColor="FFC7CE")
_BAD_FONT = Font(bold=True, color="9C0006")


def _workbook(roster_import):
    content = bytes(roster_import.content)
    if not content:
        # The file is past its retention period: the report keeps only the list of problems.
        book = Workbook()
        book.remove(book.active)
        return book
    if content[:2] == b"PK" and not roster_import.file_name.lower().endswith(".csv"):
        return load_workbook(io.BytesIO(content))
    book = Workbook()
    sheet = book.active
    for sheet_data in parsing.read(content, roster_import.file_name):
        sheet.title = sheet_title(sheet_data.name)  # a CSV's sheet is named after the file
        for row in sheet_data.rows:
            append_row(sheet, row)
    return book


def error_workbook(roster_import):
    """The uploaded file with a 错误说明 column on every checked sheet and the bad cells marked.

    Problems that belong to no row (a missing column, the file as a whole) are
    listed on an extra 错误清单 sheet, which also lists every problem.
    """
    report = roster_import.report or {}
    problems = report.get("problems", [])
    book = _workbook(roster_import)
    header_rows = {sheet_title(s["name"]): s["header_row"] for s in report.get("sheets", [])}
    by_row = defaultdict(list)
    for problem in problems:
        if problem.get("sheet") and sheet_title(problem["sheet"]) in book.sheetnames and problem.get("row"):
            by_row[(sheet_title(problem["sheet"]), problem["row"])].append(problem)
    for name, header_row in header_rows.items():
        if name not in book.sheetnames:
            continue
        sheet = book[name]
        # A report uploaded again (after fixing) reuses its column, cleared, instead of adding another.
        header_cells = sheet[header_row] if header_row <= sheet.max_row else ()
        column = next((c.column for c in header_cells if c.value == ERROR_HEADER), None)
        if column is None:
            column = sheet.max_column + 1
        else:
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
                cell.value = None
        title = sheet.cell(row=header_row, column=column, value=ERROR_HEADER)
        title.font = _BAD_FONT
        sheet.column_dimensions[title.column_letter].width = 60
        for (sheet_name, row), row_problems in by_row.items():
            if sheet_name != name:
                continue
            text = "；".join(
                f"{p['column']}：{p['message']}" if p.get("column") else p["message"] for p in row_problems
            )
            sheet.cell(row=row, column=column, value=text).font = _BAD_FONT
            for p in row_problems:
                if p.get("letter"):
                    cell = sheet[f"{p['letter']}{row}"]
                    cell.fill = _BAD
                    cell.comment = Comment(p["message"], "")
    for stale in [n for n in book.sheetnames if n in (parsing.REPORT_SHEET, _(parsing.REPORT_SHEET))]:
        del book[stale]
    listing = book.create_sheet(_("错误清单"))
    listing.append([_("工作表"), _("行号"), _("列"), _("错误说明")])
    for cell in listing[1]:
        cell.font = Font(bold=True)
    for p in problems:
        listing.append([p.get("sheet") or "", p.get("row") or "", p.get("column") or "", p["message"]])
    listing.column_dimensions["D"].width = 80
    return book


def error_bytes(roster_import):
    return xlsx_bytes(error_workbook(roster_import))
