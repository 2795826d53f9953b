"""Reading an uploaded roster: sheets of cell values, where the header is, and which column is which field.

XLSX files are read with openpyxl in read-only mode (fast enough for 100,000
rows); CSV files may be UTF-8 (with or without BOM) or GB18030, as saved by
Excel in a Chinese locale. Header rows are looked for in the first rows of each
sheet, and may span two rows (a group title merged above the real headers, or
a header merged downwards over two rows): per column the cell that names a
known field wins.
"""

import csv
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser

from rosters import normalise

HEADER_SEARCH_ROWS = 10
IGNORE = ""  # mapping value: leave this column out
NOTES_SHEETS = {"填写说明", "说明", "代码说明"}
# What the check report (``rosters.reports``) adds to the user's file; ignored when it is uploaded again.
ERROR_HEADER = "错误说明"
REPORT_SHEET = "错误清单"


class UnreadableFile(ValueError):
    pass


@dataclass
class Sheet:
    name: str
    rows: list
    size: int | None = None  # rows in the whole sheet (None: not known without reading it all)
    hidden_rows: list = field(default_factory=list)  # Excel row numbers of hidden rows, read as blank
    state: str = "visible"  # a sheet "hidden" or "veryHidden" in Excel is not imported


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
    stated dimension. Past the limits of the settings (README, "Limits") the
    file is refused with :class:`UnreadableFile` before it takes the memory.
    """
    limits = Limits()
    is_zip = content[:2] == b"PK"
    if file_name.lower().endswith(".csv") or not is_zip:
        rows = _read_csv(content, limits, head)
        return [Sheet(file_name.rsplit("/", 1)[-1], rows, size=len(rows))]
    _check_zip(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("无法读取该文件，请上传 .xlsx 或 .csv 文件。")) from error
    try:
        return [_read_sheet(book, ws, limits, head) for ws in book.worksheets]
    except UnreadableFile:
        raise
    except Exception as error:
        raise UnreadableFile(_("无法读取该文件，请上传 .xlsx 或 .csv 文件。")) from error
    finally:
        book.close()


EXCEL_MAX_ROWS = 1_048_576
MAX_PARTS = 10_000  # an XLSX of a few sheets has a few dozen parts
_PROLOG = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->)", re.DOTALL)


class Limits:
    """The row and column limits of one file, counting as it is read."""

    def __init__(self):
        self.rows = settings.ROSTER_MAX_ROWS
        self.columns = settings.ROSTER_MAX_COLUMNS
        self.counted = 0

    def row(self, values):
        """``values`` cut to the column limit (``()`` for a blank row); refuses past either limit."""
        last = max((i for i, v in enumerate(values) if not normalise.is_blank(v)), default=-1)
        if last < 0:
            return ()
        if last >= self.columns:
            raise UnreadableFile(
                _("表格的列数超过上限（最多 %(limit)s 列），请删去多余的列后重新上传。") % {"limit": self.columns}
            )
        self.counted += 1
        if self.counted > self.rows:
            raise UnreadableFile(
                _("表格的行数超过上限（最多 %(limit)s 行），请分成几个文件上传。") % {"limit": self.rows}
            )
        return tuple(values[: last + 1])


def _check_zip(content):
    """Refuse, before opening it, an XLSX that would unpack into more than the limits allow or declares a DTD.

    The sizes are the archive's own; Python's zipfile stops at the declared size
    of each part, so a part cannot unpack into more than it states.
    """
    too_big = UnreadableFile(
        _("文件解压后过大（上限 %(limit)s MB）或压缩比异常，已拒绝；请删去多余内容或分成几个文件上传。")
        % {"limit": settings.ROSTER_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise UnreadableFile(_("无法读取该文件，请上传 .xlsx 或 .csv 文件。"))
        if sum(part.file_size for part in parts) > settings.ROSTER_MAX_UNCOMPRESSED_BYTES:
            raise too_big
        strings = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
        if strings > settings.ROSTER_MAX_SHARED_STRINGS_BYTES:
            raise UnreadableFile(
                _("文件中的文字内容过多（上限 %(limit)s MB），已拒绝；请删去多余内容或分成几个文件上传。")
                % {"limit": settings.ROSTER_MAX_SHARED_STRINGS_BYTES // (1024 * 1024)}
            )
        for part in parts:
            # Small parts (styles, relations) may pack tightly without harm.
            if part.file_size > 1024 * 1024 and part.file_size > settings.ROSTER_MAX_ZIP_RATIO * part.compress_size:
                raise too_big
        for part in parts:
            if part.filename.endswith((".xml", ".rels")) and _declares_dtd(archive, part):
                raise UnreadableFile(_("文件含有不允许的XML文档类型声明（DTD），已拒绝。"))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as error:
        raise UnreadableFile(_("无法读取该文件，请上传 .xlsx 或 .csv 文件。")) from error


def _declares_dtd(archive, part):
    """Whether the XML part declares a ``<!DOCTYPE`` (entity expansion lives there): only its prolog is read."""
    with archive.open(part) as stream:
        head = stream.read(64 * 1024)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", errors="ignore").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    position = 0
    while match := _PROLOG.match(head, position):
        position = match.end()
    # After the declaration and comments comes the root element; "<!" here is a DOCTYPE (or a prolog
    # too long to be honest), either refused.
    return head[position:].lstrip()[:2] in (b"<!", b"<?")


def _read_sheet(book, ws, limits, head):
    """One worksheet, streamed row by row: blank rows cost nothing and hidden rows are set aside.

    The sheet's stated dimension is not trusted to size the rows (openpyxl would
    pad every row to it); rows are read from the cells actually there.
    """
    size = ws.max_row
    source = ws._get_source()
    parser = WorkSheetParser(
        source,
        ws._shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    rows, hidden = [], []
    try:
        for number, cells in parser.parse():
            if head is not None and number > head:
                break
            if number > EXCEL_MAX_ROWS or number < len(rows) + 1:
                raise UnreadableFile(_("无法读取该文件，请上传 .xlsx 或 .csv 文件。"))
            attributes = parser.row_dimensions.pop(str(number), {})
            values = [None] * (max((c["column"] for c in cells), default=0))
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            rows.extend([()] * (number - 1 - len(rows)))
            row = limits.row(values)
            if row and attributes.get("hidden") in ("1", "true"):
                hidden.append(number)
                row = ()
            rows.append(row)
    finally:
        source.close()
    return Sheet(ws.title, rows, size=size if head is not None else len(rows), hidden_rows=hidden, state=ws.sheet_state)


def _read_csv(content, limits, head=None):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_("无法识别CSV文件的编码，请另存为UTF-8或GB18030编码。"))
    rows = []
    try:
        for values in csv.reader(io.StringIO(text)):
            if head is not None and len(rows) >= head:
                break
            rows.append(limits.row([cell if cell.strip() else None for cell in values]))
    except csv.Error as error:
        raise UnreadableFile(_("无法读取该CSV文件：%(e)s") % {"e": error}) from None
    return rows


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
        if not text or normalise.header(text) == normalise.header(ERROR_HEADER):
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


@functools.cache
def _ignored_sheets():
    """The notes sheets of the templates and the report's error list, in every language they are written in."""
    names = set()
    for chinese in (*NOTES_SHEETS, REPORT_SHEET):
        names.add(normalise.header(chinese))
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(normalise.header(_(chinese)))
    return frozenset(names)


def layouts(sheets, kind, mapping=None):
    """``(layouts, skipped sheet names)``: every visible sheet that fits a section of ``kind``.

    Notes sheets, the report's own error list and hidden sheets are skipped
    (hidden ones are listed in the report, see :func:`hidden`).
    """
    found, skipped = [], []
    for sheet in sheets:
        if sheet.state != "visible" or normalise.header(sheet.name) in _ignored_sheets():
            skipped.append(sheet.name)
            continue
        layout = locate(sheet, kind, mapping)
        if layout is None:
            skipped.append(sheet.name)
        else:
            found.append(layout)
    return found, skipped


def hidden(sheets, found):
    """What was left out because Excel hides it: hidden sheets, and the hidden rows of the sheets read."""
    return {
        "sheets": [sheet.name for sheet in sheets if sheet.state != "visible"],
        "rows": [{"sheet": lay.sheet.name, "rows": lay.sheet.hidden_rows} for lay in found if lay.sheet.hidden_rows],
    }
