"""Evaluates the cell definitions of an attachment: one aggregate query per set of rows.

Cells reading the same :class:`~stats.definitions.Rows` become one ``aggregate()``
with a ``filter=`` clause per cell; the outcome rules (certificates, placements,
schooling in force, household on file) are subqueries inside those clauses. An
attachment therefore costs a fixed handful of queries, whatever the number of
records. The same context drives the drill-down (rows instead of aggregates) and
tells which sources a cell reads (for the difference report).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.utils.translation import gettext as _

from beneficiaries.models import on_file_q
from stats.definitions import ATTACHMENTS, CELL_SUM, DISTINCT, PERSONS, RECORDS, SUM
from stats.sources import LiveSource, source_for

CENT = Decimal("0.01")
# A LIMIT no set of rows reaches: it keeps annotated rows in a subquery the planner computes once.
NO_LIMIT = 2**62
TEN_THOUSAND = Decimal(10000)


def yuan(value):
    """Exact yuan with 2 decimals."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def wan_yuan(value):
    """Yuan shown in 万元: divided by 10,000 and rounded half-up to 2 decimals."""
    return (yuan(value) / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)


def attachment_of(number):
    try:
        return ATTACHMENTS[int(number)]
    except (KeyError, TypeError, ValueError):
        raise ValidationError({"attachment": _("附件编号只能是 1、2 或 3。")}) from None


def default_cutoff(number, year):
    month, day = attachment_of(number).default_cutoff
    return datetime.date(int(year), month, day)


class Context:
    """What a rule needs: the source, the period ``[Y-01-01, C]`` and the reporting organisation's subtree."""

    def __init__(self, *, source, year, cutoff, org_path):
        self.source = source
        self.year = int(year)
        self.start = datetime.date(self.year, 1, 1)
        self.cutoff = cutoff
        self.org_path = org_path
        self.used = None  # a set while recording which sources a rule reads
        self.per_row = None  # a dict while the engine gathers the columns computed once per row

    def rows(self, name):
        if self.used is not None:
            self.used.add(name)
        return self.source.rows(name)

    def via(self, chain, field_name):
        """A column reached from the outer row through foreign keys (see ``LiveSource.via``)."""
        if self.used is not None:
            self.used.update(name for _, name in chain)
        return self.source.via(chain, field_name)

    def period(self, field_name):
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lte": self.cutoff})

    def scope_ids(self):
        """Ids of O and every unit below it, in the organisation tree of this source."""
        return self.rows("organisations").filter(path__startswith=self.org_path).values("id")

    def in_scope(self, field_name="organisation_id"):
        return Q(**{f"{field_name}__in": self.scope_ids()})

    def on_file(self, day):
        return on_file_q(day)

    def once_per_row(self, name, condition):
        """``condition`` on the outer row, as a column ``name`` computed once per row when the engine
        evaluates the cells of a set of rows together: cells sharing an expensive test (a correlated
        subquery) then read the column instead of each running the test. Inline otherwise (a
        drill-down lists one cell)."""
        if self.per_row is None:
            return Q(condition)
        self.per_row[name] = ExpressionWrapper(Q(condition), output_field=BooleanField())
        return Q(**{name: True})


def resolve_organisation(source, code):
    """``(id, code, name, path)`` of the reporting organisation in ``source`` (as of T when asked)."""
    row = source.rows("organisations").filter(code=code).values("id", "code", "name", "path").first()
    if row is None:
        raise ValidationError({"org": _("找不到单位代码 %(code)s。") % {"code": code}})
    return row


def make_context(*, year, cutoff, org_code, as_of=None):
    source = source_for(as_of)
    organisation = resolve_organisation(source, org_code)
    return Context(source=source, year=year, cutoff=cutoff, org_path=organisation["path"]), organisation


def rows_queryset(context, rows):
    queryset = context.rows(rows.source)
    if rows.annotate:
        # Annotated first: a rule's filter may read the annotations (a3.school_entries does).
        queryset = queryset.annotate(**rows.annotate(context))
    return queryset.filter(rows.where(context))


def aggregate_of(cell, rows, condition=None):
    """The aggregate a cell measures over ``rows``, counting only the rows matching ``condition``."""
    condition = condition or None
    if cell.measure == PERSONS:
        return Count(rows.person_field, distinct=True, filter=condition)
    if cell.measure == RECORDS:
        return Count("id", filter=condition)
    if cell.measure == SUM:
        return Sum(cell.field, filter=condition)
    if cell.measure == DISTINCT:
        return Count(cell.field, distinct=True, filter=condition)
    raise ValueError(cell.measure)


def _zero(cell):
    return Decimal("0.00") if cell.is_money else 0


def evaluate_cells(attachment, context):
    """Raw values of every cell (hidden ones included): ints, or Decimal yuan for money."""
    groups = {}
    for cell in attachment.cells:
        if cell.rows is not None:
            groups.setdefault(cell.rows.name, (cell.rows, []))[1].append(cell)
    values = {}
    for rows, cells in groups.values():
        context.per_row = {}
        aggregates = {f"c{i}": aggregate_of(cell, rows, cell.filter_q(context)) for i, cell in enumerate(cells)}
        per_row, context.per_row = context.per_row, None
        queryset = rows_queryset(context, rows).annotate(**per_row)
        if rows.annotate or per_row:
            # Cells filter on the annotations (stage group, household flags) and on the columns
            # gathered by ``once_per_row`` (placed after training), each a correlated subquery or
            # lookup. Aggregating over ``SELECT … (subquery) AS stage …`` lets PostgreSQL pull the
            # derived table up and copy the subquery into every FILTER that reads it (ten copies in
            # Attachment 3); a LIMIT keeps the derived table, so each row's subqueries run once.
            queryset = queryset[:NO_LIMIT]
        result = queryset.aggregate(**aggregates)
        for i, cell in enumerate(cells):
            value = result[f"c{i}"]
            values[cell.key] = _zero(cell) if value is None else (yuan(value) if cell.is_money else int(value))
    for cell in attachment.cells:
        if cell.measure == CELL_SUM:
            values[cell.key] = sum(values[part] for part in cell.parts)
    return values


@dataclass
class ReturnResult:
    """A computed return: raw values plus what the outputs need."""

    attachment: object
    year: int
    cutoff: datetime.date
    organisation: dict
    as_of: datetime.datetime | None
    values: dict
    warnings: list = field(default_factory=list)

    @classmethod
    def from_figures(cls, figures):
        """A result rebuilt from a return's JSON (a filing's frozen figures), to print it as filed."""
        attachment = attachment_of(figures["attachment"])
        values = {}
        for section in ("cells", "components"):
            for key, entry in figures.get(section, {}).items():
                values[key] = Decimal(entry["yuan"]) if "yuan" in entry else entry["value"]
        as_of = figures.get("as_recorded_at")
        return cls(
            attachment=attachment,
            year=int(figures["year"]),
            cutoff=datetime.date.fromisoformat(figures["cutoff"]),
            organisation={"code": figures["org"], "name": figures.get("org_name", figures["org"])},
            as_of=datetime.datetime.fromisoformat(as_of) if as_of else None,
            values=values,
            warnings=figures.get("warnings", []),
        )

    @property
    def title(self):
        return self.attachment.title.format(year=self.year)

    def cell_json(self, cell):
        value = self.values[cell.key]
        entry = {"label": cell.label, "unit": cell.unit}
        if cell.is_money:
            entry["value"] = str(wan_yuan(value) if cell.unit == "万元" else yuan(value))
            entry["yuan"] = str(yuan(value))
        else:
            entry["value"] = value
        return entry

    def display(self, key):
        """The value as it goes into the table's blank (万元 rounded, counts as integers)."""
        return self.cell_json(self.attachment.cell(key))["value"]

    def as_dict(self):
        return {
            "attachment": self.attachment.number,
            "year": self.year,
            "cutoff": self.cutoff.isoformat(),
            "org": self.organisation["code"],
            "org_name": self.organisation["name"],
            "as_recorded_at": self.as_of.isoformat() if self.as_of else None,
            "cells": {cell.key: self.cell_json(cell) for cell in self.attachment.table_cells},
            "components": {cell.key: self.cell_json(cell) for cell in self.attachment.cells if cell.hidden},
            "warnings": self.warnings,
        }


def _with_unit(cell, value):
    # Money is compared and shown in exact yuan, so a rounded 万元 figure never hides the excess.
    return _("%(value)s 元") % {"value": yuan(value)} if cell.is_money else str(value)


def breakdown_warnings(attachment, values):
    """A warning for every breakdown whose parts add up to more than its total (figures are never corrected)."""
    warnings = []
    for total, parts in attachment.breakdowns:
        added = sum(values[part] for part in parts)
        if added > values[total]:
            warnings.append(
                {
                    "code": "breakdown_exceeds_total",
                    "total": total,
                    "parts": list(parts),
                    "message": _("“%(label)s”（%(key)s）的分项合计 %(sum)s 超过总数 %(total)s。")
                    % {
                        "label": attachment.cell(total).label,
                        "key": total,
                        "sum": _with_unit(attachment.cell(total), added),
                        "total": _with_unit(attachment.cell(total), values[total]),
                    },
                }
            )
    return warnings


def compute_return(number, *, year, org_code, cutoff=None, as_of=None):
    """The return of attachment ``number`` for ``org_code`` and ``year``, from the live records or as of ``as_of``."""
    attachment = attachment_of(number)
    cutoff = cutoff or default_cutoff(number, year)
    if cutoff.year != int(year):
        raise ValidationError({"cutoff": _("统计截止日期必须在报告年度内。")})
    context, organisation = make_context(year=year, cutoff=cutoff, org_code=org_code, as_of=as_of)
    values = evaluate_cells(attachment, context)
    return ReturnResult(
        attachment=attachment,
        year=int(year),
        cutoff=cutoff,
        organisation=organisation,
        as_of=as_of,
        values=values,
        warnings=breakdown_warnings(attachment, values),
    )


def cell_sources(number, key):
    """Names of the sources the rule of a cell reads (its rows, and everything its filters look into)."""
    attachment = attachment_of(number)
    cell = attachment.cell(key)
    context = Context(source=LiveSource(), year=2000, cutoff=datetime.date(2000, 12, 31), org_path="")
    context.used = set()
    cells = [attachment.cell(part) for part in cell.parts] if cell.measure == CELL_SUM else [cell]
    for part in cells:
        rows_queryset(context, part.rows)
        part.filter_q(context)
    return sorted(context.used)
