"""Ledgers (台账) a caseworker hands to an auditor: Golden Autumn payments, funds, household files.

Each ledger is read for one unit's subtree (a unit the user may see) and a period, and comes back
as a :class:`Ledger`: columns, rows and the total rows. Every count and sum is computed by the
database (aggregates and subqueries); Python only lays the rows out. :func:`as_xlsx` writes any
ledger to a workbook: a title row with the unit and the period, a frozen header, money as numbers
in yuan, dates as dates, ID numbers masked.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from aid.choices import GrantSource, PaymentMethod, Programme, Source, Use
from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt
from beneficiaries.choices import HardshipReason, HouseholdKind, Relationship, Stage
from beneficiaries.models import Household, Person, Schooling, advance_date
from casework.exports import cell_value, xlsx_bytes
from casework.routers import reporting
from casework.scoping import scope_filter, scoped
from casework.selectors import organisations_for

TEXT, MONEY, DATE, NUMBER = "text", "money", "date", "number"
ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


@dataclass
class Ledger:
    """A ledger ready to write: ``columns`` are ``(header, kind)``; ``emphasis`` holds the indexes of
    subtotal rows; ``totals`` are the rows written (bold) after the others; ``records`` is how many
    records the ledger lists (the export log's row count), when that is not the number of rows."""

    slug: str
    title: str
    unit: object
    start: datetime.date
    end: datetime.date
    columns: list
    rows: list
    totals: list = field(default_factory=list)
    emphasis: set = field(default_factory=set)
    records: int | None = None

    @property
    def record_count(self):
        return len(self.rows) if self.records is None else self.records


def ledger_unit(user, code):
    """The unit of ``code`` if ``user`` may see it, else ``None`` (an unknown code answers alike)."""
    return organisations_for(user).filter(code=code).first()


def this_year(today):
    """The default period: the calendar year of ``today``."""
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def _in_subtree(queryset, user, unit):
    """``queryset`` limited to the user's subtree (the one scoping rule), then to ``unit``'s subtree."""
    return scoped(queryset, user).filter(**scope_filter(queryset.model, unit))


def _label(choices, value):
    return str(dict(choices).get(value, value or ""))


def _money(value):
    return value if value is not None else ZERO


# --- 金秋助学发放台账 ---------------------------------------------------------------------------


def _schooling_in_force(column):
    """A column of the grant's schooling record in force on the grant date: the latest advance date
    on or before it, ties by the later entry date, then the later record (as ``stats.definitions``)."""
    return Subquery(
        Schooling.objects.annotate(advanced_on=advance_date())
        .filter(person_id=OuterRef("person_id"), advanced_on__lte=OuterRef("granted_on"))
        .order_by("-advanced_on", "-entered_on", "-id")
        .values(column)[:1]
    )


def _head(column, household="person__household_id"):
    """A column of the household head (户主) of the outer row's household."""
    return Subquery(
        Person.objects.filter(household_id=OuterRef(household), relationship=Relationship.HEAD)
        .order_by("id")
        .values(column)[:1]
    )


@reporting
def grant_ledger(user, unit, start, end):
    """金秋助学发放台账: one row per aid grant recorded in ``unit``'s subtree and granted in the period."""
    grants = _in_subtree(AidGrant.objects.all(), user, unit).filter(granted_on__range=(start, end))
    rows = (
        grants.select_related("person__household", "organisation")
        .annotate(school=_schooling_in_force("school"), stage=_schooling_in_force("stage"), parent=_head("name"))
        .order_by("granted_on", "organisation__path", "person__name", "id")
    )
    stages = dict(Stage.choices)
    lines = []
    for number, grant in enumerate(rows, start=1):
        household = grant.person.household
        lines.append(
            [
                number,
                grant.person.name,
                grant.person.id_number_masked,
                grant.school or "",
                str(stages.get(grant.stage, "")),
                grant.parent or "",
                household.file_no if household else "",
                _label(HouseholdKind.choices, household.kind) if household else "",
                (_("是") if household.single_parent_female else _("否")) if household else "",
                grant.amount,
                _label(GrantSource.choices, grant.fund_source),
                grant.granted_on,
                _label(PaymentMethod.choices, grant.payment_method),
                grant.organisation.name,
                # Cash is signed for on the printed ledger; a bank transfer needs no signature.
                _("银行卡发放") if grant.payment_method == PaymentMethod.BANK_CARD else "",
            ]
        )
    total = grants.aggregate(n=Count("id"), amount=Sum("amount"))
    columns = [
        (_("序号"), NUMBER),
        (_("学生姓名"), TEXT),
        (_("身份证号码"), TEXT),
        (_("学校"), TEXT),
        (_("学段"), TEXT),
        (_("家长（户主）"), TEXT),
        (_("档案编号"), TEXT),
        (_("家庭类别"), TEXT),
        (_("困难单亲女职工家庭"), TEXT),
        (_("金额（元）"), MONEY),
        (_("资金来源"), TEXT),
        (_("发放日期"), DATE),
        (_("发放方式"), TEXT),
        (_("填报单位"), TEXT),
        (_("领取人签字"), TEXT),
    ]
    totals = [[_("合计"), _("%(n)s笔") % {"n": total["n"]}, *[None] * 7, _money(total["amount"]), *[None] * 5]]
    return Ledger("grants", _("金秋助学发放台账"), unit, start, end, columns, lines, totals)


# --- 资金台账 -------------------------------------------------------------------------------------


def internal_transfer_q(unit):
    """A receipt passed down (上级拨付) by a unit inside ``unit``'s subtree: already counted where it
    first came in, so not in the subtree's income (``stats.definitions.from_outside``, ``returns.md``)."""
    return Q(transferred_from__path__startswith=unit.path)


@reporting
def fund_ledger(user, unit, start, end):
    """资金台账: per programme, the receipts by source (internal transfers apart, not in the income),
    the spending by use, each group with its subtotal, then income, spending and balance."""
    internal = internal_transfer_q(unit)
    receipts = (
        _in_subtree(FundReceipt.objects.all(), user, unit)
        .filter(received_on__range=(start, end))
        .annotate(internal=Case(When(internal, then=Value(True)), default=Value(False), output_field=BooleanField()))
    )
    spending = _in_subtree(Expenditure.objects.all(), user, unit).filter(spent_on__range=(start, end))

    def group_sums(queryset, *keys):
        return {
            tuple(row[k] for k in keys): row
            for row in queryset.order_by().values(*keys).annotate(n=Count("id"), amount=Sum("amount"))
        }

    received_by = group_sums(receipts, "programme", "source", "internal")
    spent_by = group_sums(spending, "programme", "use")
    programmes = Programme.values
    income = receipts.aggregate(
        **{f"in_{p}": Sum("amount", filter=Q(programme=p, internal=False)) for p in programmes},
    )
    spent = spending.aggregate(**{f"out_{p}": Sum("amount", filter=Q(programme=p)) for p in programmes})

    receipts_in = {}  # the rows of each group, in date order
    for receipt in receipts.select_related("organisation", "transferred_from").order_by(
        "received_on", "organisation__path", "id"
    ):
        receipts_in.setdefault((receipt.programme, receipt.source, receipt.internal), []).append(receipt)
    spending_in = {}
    for expenditure in spending.select_related("organisation").order_by("spent_on", "organisation__path", "id"):
        spending_in.setdefault((expenditure.programme, expenditure.use), []).append(expenditure)

    lines, emphasis = [], set()

    def subtotal(programme, label, what, group, *, income_side):
        emphasis.add(len(lines))
        amounts = (group["amount"], None) if income_side else (None, group["amount"])
        lines.append([programme, label, what, _("%(n)s笔") % {"n": group["n"]}, *amounts, None, None, None, None])

    yes, no = _("是"), _("否")
    for programme in programmes:
        name = _label(Programme.choices, programme)
        for is_internal in (False, True):
            for source in Source.values:
                key = (programme, source, is_internal)
                if key not in received_by:
                    continue
                source_name = _label(Source.choices, source)
                for receipt in receipts_in[key]:
                    lines.append(
                        [
                            name,
                            _("收入"),
                            source_name,
                            receipt.received_on,
                            receipt.amount,
                            None,
                            receipt.transferred_from.name if receipt.transferred_from else "",
                            yes if receipt.internal else no,
                            receipt.organisation.name,
                            receipt.note,
                        ]
                    )
                label = _("内部拨付小计（不计入收入）") if is_internal else _("收入小计")
                subtotal(name, label, source_name, received_by[key], income_side=True)
        for use in Use.values:
            key = (programme, use)
            if key not in spent_by:
                continue
            use_name = _label(Use.choices, use)
            for expenditure in spending_in[key]:
                lines.append(
                    [
                        name,
                        _("支出"),
                        use_name,
                        expenditure.spent_on,
                        None,
                        expenditure.amount,
                        "",
                        "",
                        expenditure.organisation.name,
                        expenditure.note,
                    ]
                )
            subtotal(name, _("支出小计"), use_name, spent_by[key], income_side=False)
        received, paid = _money(income[f"in_{programme}"]), _money(spent[f"out_{programme}"])
        for label, values in (
            (_("收入合计"), (received, None)),
            (_("支出合计"), (None, paid)),
            (_("结余（收入－支出）"), (received - paid, None)),
        ):
            emphasis.add(len(lines))
            lines.append([name, label, "", None, *values, None, None, None, None])
    columns = [
        (_("项目"), TEXT),
        (_("收支"), TEXT),
        (_("资金来源／用途"), TEXT),
        (_("日期"), DATE),
        (_("收入（元）"), MONEY),
        (_("支出（元）"), MONEY),
        (_("拨付单位"), TEXT),
        (_("内部拨付"), TEXT),
        (_("填报单位"), TEXT),
        (_("备注"), TEXT),
    ]
    records = sum(map(len, receipts_in.values())) + sum(map(len, spending_in.values()))
    return Ledger("funds", _("资金台账"), unit, start, end, columns, lines, emphasis=emphasis, records=records)


# --- 困难职工档案台账 -----------------------------------------------------------------------------


def _per_household(queryset, measure, household="household_id"):
    """Per outer household: ``Count`` or ``Sum`` of ``queryset``'s rows of that household (0 when none)."""
    inner = queryset.filter(**{household: OuterRef("pk")}).order_by().values(household)
    if measure == "count":
        value, output = Count("id"), IntegerField()
        default = Value(0)
    else:
        value, output = Sum("amount"), MONEY_FIELD
        default = Value(ZERO, output_field=MONEY_FIELD)
    return Coalesce(Subquery(inner.annotate(v=value).values("v"), output_field=output), default)


@reporting
def household_ledger(user, unit, start, end):
    """困难职工档案台账: every household file of ``unit``'s subtree open during the period (applied by its
    end, not closed before its start), with its members, the status at the end of the period, and
    the assistance measures and grants of the period recorded in the subtree."""
    households = _in_subtree(Household.objects.all(), user, unit).filter(
        Q(applied_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    )
    measures = _in_subtree(AssistanceMeasure.objects.all(), user, unit).filter(provided_on__range=(start, end))
    grants = _in_subtree(AidGrant.objects.all(), user, unit).filter(granted_on__range=(start, end))
    members = Person.objects.filter(household__isnull=False)
    rows = (
        households.select_related("organisation")
        .annotate(
            members_n=_per_household(members, "count"),
            measures_n=_per_household(measures, "count"),
            measures_amount=_per_household(measures, "sum"),
            grants_n=_per_household(grants, "count", "person__household_id"),
            grants_amount=_per_household(grants, "sum", "person__household_id"),
            period_status=Case(
                When(closed_on__lte=end, then=Value("closed")),
                When(filed_on__lte=end, then=Value("on_file")),
                default=Value("applying"),
            ),
        )
        .prefetch_related(
            Prefetch("members", Person.objects.filter(relationship=Relationship.HEAD).order_by("id"), to_attr="heads")
        )
        .order_by("organisation__path", "file_no")
    )
    statuses = {"closed": _("已退出"), "on_file": _("在档"), "applying": _("申请中")}
    reasons = dict(HardshipReason.choices)
    lines = []
    for number, household in enumerate(rows, start=1):
        head = household.heads[0] if household.heads else None
        lines.append(
            [
                number,
                household.file_no,
                household.organisation.name,
                _label(HouseholdKind.choices, household.kind),
                _("是") if household.single_parent_female else _("否"),
                head.name if head else "",
                head.id_number_masked if head else "",
                household.members_n,
                "、".join(str(reasons.get(reason, reason)) for reason in household.hardship_reasons or []),
                household.applied_on,
                household.reviewed_on,
                household.filed_on,
                household.closed_on,
                statuses[household.period_status],
                household.measures_n,
                household.measures_amount,
                household.grants_n,
                household.grants_amount,
            ]
        )
    files = households.aggregate(n=Count("id"))["n"]
    people = members.filter(household__in=households).count()
    measure_total = measures.filter(household__in=households).aggregate(n=Count("id"), amount=Sum("amount"))
    grant_total = grants.filter(person__household__in=households).aggregate(n=Count("id"), amount=Sum("amount"))
    columns = [
        (_("序号"), NUMBER),
        (_("档案编号"), TEXT),
        (_("建档单位"), TEXT),
        (_("家庭类别"), TEXT),
        (_("困难单亲女职工家庭"), TEXT),
        (_("户主姓名"), TEXT),
        (_("户主身份证号码"), TEXT),
        (_("家庭人口"), NUMBER),
        (_("致困原因"), TEXT),
        (_("申请日期"), DATE),
        (_("审核日期"), DATE),
        (_("建档日期"), DATE),
        (_("退出日期"), DATE),
        (_("期末状态"), TEXT),
        (_("帮扶措施（次）"), NUMBER),
        (_("帮扶措施金额（元）"), MONEY),
        (_("助学款（笔）"), NUMBER),
        (_("助学款金额（元）"), MONEY),
    ]
    totals = [
        [
            _("合计"),
            _("%(n)s户") % {"n": files},
            *[None] * 5,
            people,
            *[None] * 6,
            measure_total["n"],
            _money(measure_total["amount"]),
            grant_total["n"],
            _money(grant_total["amount"]),
        ]
    ]
    return Ledger("households", _("困难职工档案台账"), unit, start, end, columns, lines, totals)


LEDGERS = {"grants": grant_ledger, "funds": fund_ledger, "households": household_ledger}


# --- the workbook ---------------------------------------------------------------------------------

YUAN = '"¥"#,##0.00'
DAY = "yyyy-mm-dd"


def put_text(cell, value):
    """Every string cell of a ledger goes through here: text without the characters XML cannot carry.
    A string a spreadsheet would run as a formula is made plain text when the workbook is saved
    (``casework.exports.xlsx_bytes``, as every XLSX of the project)."""
    cell.value = cell_value(value)


def _put(cell, value, kind):
    if value is None:
        return
    if isinstance(value, str):
        put_text(cell, value)
        return
    cell.value = value
    if kind == MONEY:
        cell.number_format = YUAN
    elif kind == DATE:
        cell.number_format = DAY


def as_xlsx(ledger):
    """The ledger as an XLSX workbook: title row (unit and period), header row frozen below it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = ledger.title[:31]
    title = _("%(title)s（%(unit)s，%(start)s 至 %(end)s）") % {
        "title": ledger.title,
        "unit": ledger.unit.name,
        "start": ledger.start.isoformat(),
        "end": ledger.end.isoformat(),
    }
    put_text(sheet.cell(row=1, column=1), title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    bold = Font(bold=True)
    for column, (header, _kind) in enumerate(ledger.columns, start=1):
        put_text(sheet.cell(row=2, column=column), str(header))
        sheet.cell(row=2, column=column).font = bold
        sheet.column_dimensions[get_column_letter(column)].width = max(10, len(str(header)) * 2 + 2)
    sheet.freeze_panes = "A3"
    for index, values in enumerate([*ledger.rows, *ledger.totals]):
        row = index + 3
        strong = index in ledger.emphasis or index >= len(ledger.rows)
        for column, (value, (_header, kind)) in enumerate(zip(values, ledger.columns, strict=True), start=1):
            cell = sheet.cell(row=row, column=column)
            _put(cell, value, kind)
            if strong:
                cell.font = bold
    return xlsx_bytes(book)
