"""Reading an uploaded roster: sheets of cell values, where the header is, and which column is which field.

XLSX files are read with openpyxl in read-only mode (fast enough for 100,000
rows); CSV files may be UTF-8 (with or without BOM) or GB18030, as saved by
Excel in a Chinese locale. Header rows are looked for in the first rows of each
sheet, and may span two rows (a group title merged above the real headers, or
a header merged downwards over two rows): per column the cell that names a
known field wins.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from rosters import normalise

HEADER_SEARCH_ROWS = 10
IGNORE = ""  # mapping value: leave this column out
NOTES_SHEETS = {"填写说明", "说明", "代码说明"}


class UnreadableFile(ValueError):
    pass


@dataclass
class Sheet:
    name: str
    rows: list
    size: int | None = None  # rows in the whole sheet (None: not known without reading it all)


@dataclass
class Layout:
    """Where one sheet's header is and which column holds which field of ``section``."""

    sheet: Sheet
    section: object
    header_row: int  # 0-based index of the last header row; data starts below it
    headers: dict  # column index → header text as written
    columns: dict = field(default_factory=dict)  # field → column index
    unknown: list = field(default_factory=list)  # column indexes whose header names no field

    def header_of(self, field_name):
        index = self.columns.get(field_name)
        return self.headers.get(index) if index is not None else None

    def missing_required(self):
        return [c for c in self.section.columns if c.required and c.field not in self.columns]

    def data_rows(self):
        """``(excel row number, row values)`` for each row below the header that has something in a known column."""
        wanted = sorted(self.columns.values())
        for index in range(self.header_row + 1, len(self.sheet.rows)):
            row = self.sheet.rows[index]
            if any(i < len(row) and not normalise.is_blank(row[i]) for i in wanted):
                yield index + 1, row


def column_letter(index):
    return get_column_letter(index + 1)


def read(content, file_name, *, head=None):
    """The sheets of an XLSX or CSV file as lists of row tuples; with ``head``, only that many rows of each.

    Reading only the head is how an upload finds its headers without reading
    100,000 rows in the request; the row count then comes from the sheet's
    stated dimension.
    """
    is_zip = content[:2] == b"PK"
    if file_name.lower().endswith(".csv") or not is_zip:
        rows = _read_csv(content)
        return [Sheet(file_name.rsplit("/", 1)[-1], rows, size=len(rows))]
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("无法读取该文件，请上传 .xlsx 或 .csv 文件。")) from error
    try:
        if head is None:
            return [Sheet(ws.title, rows, size=len(rows)) for ws in book.worksheets for rows in [_all(ws)]]
        # Excel states each sheet's dimension; files written by streaming tools may not (max_row None).
        return [
            Sheet(ws.title, [tuple(r) for r in ws.iter_rows(values_only=True, max_row=head)], size=ws.max_row)
            for ws in book.worksheets
        ]
    finally:
        book.close()


def _all(ws):
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _read_csv(content):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_("无法识别CSV文件的编码，请另存为UTF-8或GB18030编码。"))
    return [tuple(cell if cell.strip() else None for cell in row) for row in csv.reader(io.StringIO(text))]


def mapping_key(sheet_name, header):
    return f"{sheet_name}\t{header}"


def _lookup(section):
    exact, stems = {}, {}
    for column in section.columns:
        for h in column.headers():
            exact.setdefault(h, column.field)
            stems.setdefault(normalise.header_stem(h) or h, column.field)
    return exact, stems


def _match(text, exact, stems):
    key = normalise.header(text)
    if not key:
        return None
    return exact.get(key) or stems.get(normalise.header_stem(key))


def _try(sheet, section, top, span, mapping):
    exact, stems = _lookup(section)
    rows = sheet.rows[top : top + span]
    width = max((len(r) for r in rows), default=0)
    headers, columns, unknown = {}, {}, []
    for col in range(width):
        cells = [normalise.text(r[col]) if col < len(r) else "" for r in rows]
        # Lower rows first: in a two-row header the lower row holds the specific names.
        chosen = next((c for c in reversed(cells) if c and _match(c, exact, stems)), None)
        # Shown in reports without the template's required-column mark.
        text = (chosen or next((c for c in reversed(cells) if c), "")).lstrip("*＊※ ")
        if not text:
            continue
        headers[col] = text
        mapped = mapping.get(mapping_key(sheet.name, text))
        if mapped is not None:
            # The user decided for this header: a field, or IGNORE.
            if mapped and mapped not in columns:
                columns[mapped] = col
            continue
        matched = _match(text, exact, stems)
        if matched is None:
            unknown.append(col)
        elif matched not in columns:
            columns[matched] = col
    return Layout(sheet, section, top + span - 1, headers, columns, unknown)


def locate(sheet, kind, mapping=None):
    """The best layout of ``sheet`` for one of ``kind``'s sections, or None if no section fits it."""
    mapping = mapping or {}
    best, best_score = None, 0
    for section in kind.sections:
        named = normalise.header(sheet.name) == normalise.header(section.title)
        for top in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
            for span in (1, 2):
                if top + span > len(sheet.rows):
                    continue
                layout = _try(sheet, section, top, span, mapping)
                # A required column found counts double, so a sheet goes to the section it fills best;
                # a second header row must add something to be taken.
                score = sum(2 if section.column(f).required else 1 for f in layout.columns) * 10
                score += 5 if named else 0
                score -= span - 1
                if score > best_score:
                    best, best_score = layout, score
    if best is None:
        return None
    required = [f for f in best.columns if best.section.column(f).required]
    named = normalise.header(sheet.name) == normalise.header(best.section.title)
    # One stray word that happens to be a header is not a roster.
    if not (required or named or len(best.columns) >= 2):
        return None
    return best


def layouts(sheets, kind, mapping=None):
    """``(layouts, skipped sheet names)``: every sheet that fits a section of ``kind``."""
    found, skipped = [], []
    for sheet in sheets:
        if normalise.header(sheet.name) in NOTES_SHEETS:
            skipped.append(sheet.name)
            continue
        layout = locate(sheet, kind, mapping)
        if layout is None:
            skipped.append(sheet.name)
        else:
            found.append(layout)
    return found, skipped
