"""From roster rows to a case bundle (``bundle.md``), remembering where every value came from.

The bundle importer is the one place that decides whether records are
acceptable; this module only shapes rows into bundle records. For each record
it keeps the sheet, the row and the column of each field, so that a refusal
reported by the importer as ``persons[3].id_number`` is shown to the user as a
cell of their spreadsheet.
"""

import contextlib
import hashlib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from beneficiaries.choices import GRADES_BY_STAGE, Stage, grade_of_year
from rosters import normalise
from rosters.parsing import column_letter

BUNDLE_FORMAT = "casework-bundle/1"


@dataclass
class Problem:
    sheet: str | None
    row: int | None
    column: str | None  # header as written in the file
    letter: str | None  # column letter (A, B, …)
    message: str

    def as_dict(self):
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
        }


@dataclass
class Origin:
    layout: object
    row: int
    fields: dict  # bundle field → section field

    def cell(self, bundle_field):
        source = self.fields.get(bundle_field)
        if source is None:
            return None, None
        index = self.layout.columns.get(source)
        if index is None:
            # A column the file lacks: named by its template header.
            column = next((c for c in self.layout.section.columns if c.field == source), None)
            return (str(column.header) if column else None), None
        return self.layout.headers[index], column_letter(index)


@dataclass
class Conversion:
    bundle: dict = field(default_factory=lambda: {"format": BUNDLE_FORMAT})
    origins: dict = field(default_factory=dict)  # (list, index) → Origin
    problems: list = field(default_factory=list)
    rows: int = 0
    missing: set = field(default_factory=set)  # (sheet, header) of required columns the file lacks
    _keys: dict = field(default_factory=dict)  # (list, key) → index
    _refs: dict = field(default_factory=dict)  # (list, ref) → times seen
    _first: dict = field(default_factory=dict)  # (what, key) → (sheet, row, value) of the first row that said it
    # (list, index) → {field: value} for a field the row left open: used when nothing is on record either
    defaults: dict = field(default_factory=dict)

    def add(self, name, record, origin, key=None, defaults=None):
        """Append ``record`` to the bundle's list ``name``; a record with a ``key`` already there is merged."""
        records = self.bundle.setdefault(name, [])
        if key is not None and (name, key) in self._keys:
            index = self._keys[(name, key)]
            existing = records[index]
            for k, v in record.items():
                existing.setdefault(k, v)
                self.origins[(name, index)].fields.setdefault(k, origin.fields.get(k))
            for k, v in (defaults or {}).items():
                self.defaults.setdefault((name, index), {}).setdefault(k, v)
            return index
        records.append(record)
        index = len(records) - 1
        self.origins[(name, index)] = origin
        if defaults:
            self.defaults[(name, index)] = dict(defaults)
        if key is not None:
            self._keys[(name, key)] = index
        return index

    def ref(self, name, given, prefix, *parts):
        """The record's ``ref``: the one written in the file, or one derived from its content.

        Derived from content (not the row number) so that importing the same roster
        again, even re-sorted, finds the same records instead of adding copies.
        """
        if given:
            return given
        digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:20]
        base = f"{prefix}-{digest}"
        seen = self._refs.get((name, base), 0) + 1
        self._refs[(name, base)] = seen
        return base if seen == 1 else f"{base}-{seen}"

    def first(self, what, key, layout, row, value=None):
        """``(sheet, row, value)`` of the first row that gave ``key``: this row's own when it is the first."""
        return self._first.setdefault((what, key), (layout.sheet.name, row, value))

    def problem(self, layout, row, index, message):
        header = layout.headers.get(index) if (layout and index is not None) else None
        letter = column_letter(index) if index is not None else None
        self.problems.append(Problem(layout.sheet.name if layout else None, row, header, letter, message))


class Context:
    """What the conversion needs from outside the file: the default unit and the records already on record.

    A bundle record replaces the stored one whole, while a roster carries only some
    of its fields (no member details, no household economics, …). So every record
    the roster sends for one already on record is completed with the stored values
    (its bundle record, ``stored``) of the fields the row leaves open: a re-import
    changes only what the roster's columns say.
    """

    def __init__(self, *, org_code, persons=None, schooling=None, stored=None, transfer_sources=None):
        self.org_code = org_code
        # id_number → the bundle record (``export_record``) of each person already on record
        self.persons = persons or {}
        # (id_number, stage, entered_on) → ref of the school entries already on record
        self.schooling = schooling or {}
        # stored(list name, [record, …]) → [the bundle record on record, or None, for each]: every other list
        self.stored = stored
        # transfer_sources({code or name, …}) → {code or name: [codes of the units it may name]}: the units a
        # receipt may name as passing the money down (``casework.scoping.transfer_sources``)
        self.transfer_sources = transfer_sources


def _where(layout, first):
    """How a message names an earlier row: "第3行", or "“培训”表第3行" when it is on another sheet."""
    sheet, row, _value = first
    if sheet == layout.sheet.name:
        return _("第%(row)s行") % {"row": row}
    return _("“%(sheet)s”表第%(row)s行") % {"sheet": sheet, "row": row}


def _same_name(conv, layout, row, values):
    """One ID number, one person: a second name for a number already named in the file is refused."""
    number, name = values.get("id_number"), values.get("name")
    if not number or not name:
        return True
    first = conv.first("name", number, layout, row, name)
    if first[2] == name:
        return True
    conv.problem(
        layout,
        row,
        layout.columns.get("name"),
        _("同一身份证号码在%(first)s为“%(name)s”，在第%(row)s行为“%(other)s”；一个号码只能对应一人，请核对。")
        % {"first": _where(layout, first), "name": first[2], "row": row, "other": name},
    )
    return False


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _pick(values, *names):
    """The record of the fields ``names`` present in ``values``, and where each field comes from.

    Absent fields keep their origin too: the importer's "required" for a blank
    cell must point at that cell.
    """
    record = {name: _iso(values[name]) for name in names if name in values}
    return record, {name: name for name in names}


def _org(values, ctx, record, fields):
    record["org"] = values.get("org") or ctx.org_code
    fields["org"] = "org"


def _open(layout, values, record, fields, defaults, name, empty):
    """A field with an empty value of its own (是/否, a list, a count): the row's value when it gives one.

    A blank 是/否 cell says 否 (as the template says); any other blank, and a column
    the file lacks, leaves the field open: the value on record, or ``empty`` for a new record.
    """
    fields[name] = name
    if name in values:
        record[name] = values[name]
    elif isinstance(empty, bool) and layout.columns.get(name) is not None:
        record[name] = empty
    else:
        defaults[name] = empty


def _person(conv, ctx, layout, row, values, *, always=False):
    """Add the person of this row when the row says something the bundle must carry.

    A bundle record replaces the stored one whole, so a person already on record
    is sent only when the row gives a household membership, and then completed
    with every field on record the row leaves open (name, phone, member details, …)
    so that nothing is wiped by omission.
    """
    number = values.get("id_number")
    if not number or not _same_name(conv, layout, row, values):
        return
    known = ctx.persons.get(number)
    has_household = bool(values.get("household"))
    if known is not None and not has_household and not always:
        return
    if known is None and not values.get("name") and not has_household:
        return  # the importer will report the unknown reference on the record that names this number
    record, fields = _pick(values, "id_number", "name", "phone", "household", "relationship")
    if known is not None:
        stored = dict(known)
        if has_household:
            stored.pop("org", None)  # a member's unit is their file's
            if stored.get("household") != record["household"]:
                stored.pop("relationship", None)  # joining another file: the row says how, or it is refused
        for key, value in stored.items():
            record.setdefault(key, value)
    elif not has_household:
        # A person outside any file names the unit that registers them (``bundle.md``).
        _org(values, ctx, record, fields)
    conv.add("persons", record, Origin(layout, row, fields), key=number)


def _households(conv, ctx, layout, row, values):
    record, fields = _pick(values, "file_no", "kind", "applied_on", "filed_on", "closed_on")
    defaults = {}
    _open(layout, values, record, fields, defaults, "single_parent_female", False)
    _open(layout, values, record, fields, defaults, "hardship_reasons", [])
    _org(values, ctx, record, fields)
    conv.add("households", record, Origin(layout, row, fields), key=values.get("file_no"), defaults=defaults)


def _members(conv, ctx, layout, row, values):
    _person(conv, ctx, layout, row, values, always=True)


def _students(conv, ctx, layout, row, values):
    _person(conv, ctx, layout, row, values)
    number = values.get("id_number", "")
    record, fields = _pick(values, "id_number", "stage", "school", "entered_on", "admitted_on", "grade")
    grade, stage = record.get("grade"), values.get("stage")
    if grade in GRADES_BY_STAGE[Stage.PRIMARY] and stage not in (None, Stage.PRIMARY):
        # 一年级 / 1 / 第1学年: the first year of the row's stage (大一 for 本科); past its last year the
        # primary grade stays and the importer says which grades the stage has.
        record["grade"] = grade_of_year(stage, int(grade[1:])) or grade
    entry = (number, values.get("stage"), _iso(values.get("entered_on")))
    given = values.get("schooling_ref")
    # An entry already on record keeps its ref: sent again unchanged, the importer writes nothing.
    record["ref"] = given or ctx.schooling.get(entry) or conv.ref("schooling", None, "sch", *entry)
    fields["ref"] = "schooling_ref"
    # Several grants of one school entry name it on several rows: one entry.
    conv.add("schooling", record, Origin(layout, row, fields), key=given or entry)
    if "amount" in values or "granted_on" in values:
        granted = _iso(values.get("granted_on"))
        # A grant with its own ref in the file is the user's to tell apart; one without is a copy.
        unique = granted and not values.get("grant_ref")
        first = conv.first("grant", (number, granted), layout, row) if unique else (layout.sheet.name, row)
        if first[:2] != (layout.sheet.name, row):
            conv.problem(
                layout,
                row,
                layout.columns.get("id_number"),
                _("%(first)s和第%(row)s行是同一学生同一发放日期的助学款，同一笔助学只能登记一次；请删除重复的一行。")
                % {"first": _where(layout, first), "row": row},
            )
            return
        record, fields = _pick(
            values, "id_number", "granted_on", "amount", "amount_reason", "fund_source", "payment_method"
        )
        record["ref"] = conv.ref("aid_grants", values.get("grant_ref"), "grant", number, record.get("granted_on"))
        fields["ref"] = "grant_ref"
        _org(values, ctx, record, fields)
        conv.add("aid_grants", record, Origin(layout, row, fields))


def _trainings(conv, ctx, layout, row, values):
    _person(conv, ctx, layout, row, values)
    record, fields = _pick(values, "id_number", "institution", "type", "category", "started_on", "ended_on")
    record["ref"] = conv.ref(
        "trainings",
        values.get("ref"),
        "trn",
        values.get("id_number"),
        values.get("institution"),
        values.get("type"),
        record.get("started_on"),
    )
    fields["ref"] = "ref"
    _org(values, ctx, record, fields)
    conv.add("trainings", record, Origin(layout, row, fields))


def _certificates(conv, ctx, layout, row, values):
    _person(conv, ctx, layout, row, values)
    record, fields = _pick(values, "id_number", "issuer", "level", "issued_on")
    defaults = {}
    _open(layout, values, record, fields, defaults, "via_assessment", False)
    record["ref"] = conv.ref(
        "certificates", values.get("ref"), "crt", values.get("id_number"), values.get("level"), record.get("issued_on")
    )
    fields["ref"] = "ref"
    conv.add("certificates", record, Origin(layout, row, fields), defaults=defaults)


def _institutions(conv, ctx, layout, row, values):
    record, fields = _pick(values, "code", "name")
    defaults = {}
    _open(layout, values, record, fields, defaults, "designations", [])
    _org(values, ctx, record, fields)
    conv.add("institutions", record, Origin(layout, row, fields), key=values.get("code"), defaults=defaults)


def _graduates(conv, ctx, layout, row, values):
    _person(conv, ctx, layout, row, values)
    record, fields = _pick(values, "id_number", "graduation_year", "university", "registered_on", "exited_on")
    defaults = {}
    for flag in ("university_local", "origin_local"):
        _open(layout, values, record, fields, defaults, flag, False)
    _org(values, ctx, record, fields)
    conv.add("graduates", record, Origin(layout, row, fields), key=values.get("id_number"), defaults=defaults)


def _placements(conv, ctx, layout, row, values):
    _person(conv, ctx, layout, row, values)
    record, fields = _pick(values, "id_number", "employer", "channel", "category", "employed_on")
    defaults = {}
    _open(layout, values, record, fields, defaults, "contract_months", 0)
    record["ref"] = conv.ref(
        "placements",
        values.get("ref"),
        "plc",
        values.get("id_number"),
        values.get("employer"),
        record.get("employed_on"),
    )
    fields["ref"] = "ref"
    _org(values, ctx, record, fields)
    conv.add("placements", record, Origin(layout, row, fields), defaults=defaults)


def _loans(conv, ctx, layout, row, values):
    _person(conv, ctx, layout, row, values)
    record, fields = _pick(values, "id_number", "kind", "category", "lent_on", "amount")
    defaults = {}
    _open(layout, values, record, fields, defaults, "jobs_created", 0)
    record["ref"] = conv.ref(
        "loans", values.get("ref"), "loan", values.get("id_number"), values.get("kind"), record.get("lent_on")
    )
    fields["ref"] = "ref"
    _org(values, ctx, record, fields)
    conv.add("loans", record, Origin(layout, row, fields), defaults=defaults)


def _services(conv, ctx, layout, row, values):
    _person(conv, ctx, layout, row, values)
    record, fields = _pick(values, "id_number", "type", "served_on", "amount")
    record["ref"] = conv.ref(
        "services", values.get("ref"), "svc", values.get("id_number"), values.get("type"), record.get("served_on")
    )
    fields["ref"] = "ref"
    _org(values, ctx, record, fields)
    conv.add("services", record, Origin(layout, row, fields))


def _fund_receipts(conv, ctx, layout, row, values):
    record, fields = _pick(values, "programme", "source", "received_on", "amount", "transferred_from")
    _org(values, ctx, record, fields)
    record["ref"] = conv.ref(
        "fund_receipts",
        values.get("ref"),
        "fund",
        record["org"],
        values.get("programme"),
        values.get("source"),
        record.get("received_on"),
        values.get("amount"),
    )
    fields["ref"] = "ref"
    conv.add("fund_receipts", record, Origin(layout, row, fields))


def _expenditures(conv, ctx, layout, row, values):
    record, fields = _pick(values, "programme", "use", "spent_on", "amount")
    _org(values, ctx, record, fields)
    record["ref"] = conv.ref(
        "expenditures",
        values.get("ref"),
        "exp",
        record["org"],
        values.get("programme"),
        values.get("use"),
        record.get("spent_on"),
        values.get("amount"),
    )
    fields["ref"] = "ref"
    conv.add("expenditures", record, Origin(layout, row, fields))


BUILDERS = {
    "households": _households,
    "members": _members,
    "students": _students,
    "trainings": _trainings,
    "certificates": _certificates,
    "institutions": _institutions,
    "graduates": _graduates,
    "placements": _placements,
    "loans": _loans,
    "services": _services,
    "fund_receipts": _fund_receipts,
    "expenditures": _expenditures,
}


def row_values(layout, row, conv, excel_row):
    """``{field: normalised value}`` of one row; unreadable cells become problems and are left out."""
    values = {}
    for column in layout.section.columns:
        index = layout.columns.get(column.field)
        if index is None or index >= len(row) or normalise.is_blank(row[index]):
            continue
        try:
            value = column.normalise(row[index])
        except normalise.CellError as error:
            conv.problem(layout, excel_row, index, error.message)
            continue
        if value != "" and value != []:
            values[column.field] = value
    return values


def identities(layouts):
    """The ID numbers named in the rows (normalised as the conversion will), to look up once."""
    numbers = set()
    for layout in layouts:
        index = layout.columns.get("id_number")
        if index is None:
            continue
        for _row_number, row in layout.data_rows():
            if index < len(row):
                # An unreadable number is reported when its row is converted.
                with contextlib.suppress(normalise.CellError):
                    numbers.add(normalise.id_number(row[index]))
    numbers.discard("")
    return numbers


def convert(layouts, ctx, *, progress=None, every=1000):
    """Build the bundle of ``layouts`` (sections in the kind's order) and the problems found reading it."""
    conv = Conversion()
    for layout in layouts:
        for column in layout.missing_required():
            conv.missing.add((layout.sheet.name, str(column.header)))
            conv.problems.append(
                Problem(
                    layout.sheet.name,
                    layout.header_row + 1,
                    str(column.header),
                    None,
                    _("缺少必填列“%(c)s”。") % {"c": column.header},
                )
            )
    order = {key: i for i, key in enumerate(BUILDERS)}
    for layout in sorted(layouts, key=lambda lay: order[lay.section.key]):
        build = BUILDERS[layout.section.key]
        for excel_row, row in layout.data_rows():
            values = row_values(layout, row, conv, excel_row)
            build(conv, ctx, layout, excel_row, values)
            conv.rows += 1
            if progress and conv.rows % every == 0:
                progress(conv.rows)
    _transfer_sources(conv, ctx)
    complete(conv, ctx)
    return conv


def _transfer_sources(conv, ctx):
    """上级拨付单位 by code or name: the code of the one allowed unit it names.

    A name of several allowed units is a problem on its cell; a code or name of none is
    left as written, and the importer answers it like an unknown code.
    """
    receipts = conv.bundle.get("fund_receipts", [])
    written = {r["transferred_from"] for r in receipts if r.get("transferred_from")}
    if not written or ctx.transfer_sources is None:
        return
    found = ctx.transfer_sources(written)
    for index, record in enumerate(receipts):
        codes = found.get(record.get("transferred_from"), [])
        if len(codes) == 1:
            record["transferred_from"] = codes[0]
        elif len(codes) > 1:
            origin = conv.origins[("fund_receipts", index)]
            header, letter = origin.cell("transferred_from")
            conv.problems.append(
                Problem(
                    origin.layout.sheet.name,
                    origin.row,
                    header,
                    letter,
                    _("“%(v)s”对应多个单位（%(codes)s），请填写单位代码。")
                    % {"v": record["transferred_from"], "codes": "、".join(codes)},
                )
            )


def complete(conv, ctx):
    """Fill each record's open fields: the value on record, else the row's default.

    A field the row gives no value for is open, unless its column is required and in
    the file (a blank required cell stays a refusal on that cell). Persons were
    completed as they were added (``_person``).
    """
    for name, records in conv.bundle.items():
        if not isinstance(records, list) or not records:
            continue
        stored = [None] * len(records)
        if ctx.stored is not None and name != "persons":
            stored = ctx.stored(name, records)
        for index, (record, on_record) in enumerate(zip(records, stored, strict=True)):
            origin = conv.origins.get((name, index))
            for key, value in (on_record or {}).items():
                if key in record:
                    continue
                column = _column(origin, key)
                if column is not None and column.required and origin.layout.columns.get(column.field) is not None:
                    continue
                record[key] = value
            for key, value in conv.defaults.get((name, index), {}).items():
                record.setdefault(key, value)


def _column(origin, key):
    source = origin.fields.get(key) if origin else None
    if source is None:
        return None
    return next((c for c in origin.layout.section.columns if c.field == source), None)


_PATH = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>\d+)\](?:\.(?P<field>[a-z_]+))?(?P<rest>.*)$")


def locate_refusal(conv, path, message):
    """The problem, placed on its cell, for a refusal the importer reported at ``path``."""
    match = _PATH.match(path or "")
    origin = match and conv.origins.get((match["list"], int(match["index"])))
    if not origin:
        return Problem(None, None, None, None, f"{path}: {message}" if path else message)
    header, letter = origin.cell(match["field"]) if match["field"] else (None, None)
    return Problem(origin.layout.sheet.name, origin.row, header, letter, str(message))


def merge_refusals(conv, refusals):
    """Add the importer's refusals, except those on a cell already reported as unreadable.

    A cell that could not be read was left out of the bundle, so the importer
    reports it again as missing; the reader's message says more.
    """
    seen = {(p.sheet, p.row, p.letter) for p in conv.problems if p.letter}
    for path, message in refusals:
        problem = locate_refusal(conv, path, message)
        if problem.letter and (problem.sheet, problem.row, problem.letter) in seen:
            continue
        if problem.letter is None and (problem.sheet, problem.column) in conv.missing:
            continue  # a required column the file lacks is reported once, on its header row
        conv.problems.append(problem)
    return conv.problems
