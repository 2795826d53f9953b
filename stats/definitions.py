"""Every cell of Attachments 1–3 as a declaration: which rows it reads, which of them it keeps, what it measures.

The contract is ``/work/shared/spec/returns.md``. A cell names a :class:`Rows`
(a source plus the filter every cell on those rows shares: scope, period, kind),
an extra filter of its own, and a measure. The engine turns all cells on one
:class:`Rows` into a single aggregate query with ``filter=`` clauses; the
drill-down lists the same rows instead of counting them; the difference report
uses the sources a cell touched. Filters are functions of the evaluation context
``c`` (see :class:`stats.engine.Context`) so the same rule runs on the live
tables and on the records as of a moment.

Choices made where ``returns.md`` is silent (kept consistent everywhere):

- Rows are in scope by the organisation that recorded them, resolved through the
  organisation tree of the same source (so an "as of T" return uses the tree as
  it stood at T).
- A certificate counts for a1.1.cert_* when issued in P, wherever recorded; the
  person must have a training in P in scope of O.
- a1.1.7: the placement may be recorded anywhere; it counts when
  ``training.ended_on <= employed_on <= C`` for at least one training in P.
- Attachment 2 "registered graduate" = a graduate registration exists (any
  organisation, any dates); a2.3.certified is in scope through the registration's
  organisation.
- A grant whose recipient has no schooling record in force on the grant date
  counts in the totals but in no stage group (the guard rules refuse such grants;
  older data may still hold some).
- Stage groups of schooling records that tie on their advance date are broken by
  the later ``entered_on``, then the record's id (the later record wins).
- a3.7.units compares unit names after trimming surrounding spaces, nothing else.
- Persons are distinct ``person_id``: a person is one record nationwide, unique by
  resident ID number (its blind index), so this is "distinct by ID number".
- Labels are the notice's official wording (data of the return, compared and
  filed as such), so they are not marked for translation.
- Hidden cells (``hidden=True``) are computed with the table in the same queries:
  the nine parts of a1.4 and the figures behind the notice's indicators. They go
  to the JSON's ``components``, not to ``cells``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Trim

from beneficiaries.choices import STAGE_GROUPS, StageGroup
from beneficiaries.models import advance_date
from casework.choices import Category
from employment.choices import (
    A1_LOAN_KINDS,
    ASSISTED_LOAN_KINDS,
    MID_HIGH_LEVELS,
    Designation,
    Issuer,
    LoanKind,
    ServiceType,
    TrainingType,
)

PERSONS = "persons"  # distinct persons (人)
RECORDS = "records"  # number of records (人次, 笔, 场)
SUM = "sum"  # sum of a field (money, or a count such as positions)
DISTINCT = "distinct"  # distinct values of an expression (a3.7.units)
CELL_SUM = "cell_sum"  # sum of other cells' values (a1.4)

MONEY_UNITS = {"万元", "元"}


@dataclass(frozen=True)
class Rows:
    """A named set of rows of one source: the filter shared by the cells that read it."""

    name: str
    source: str
    where: Callable
    annotate: Callable | None = None
    person_field: str = "person_id"
    date_field: str | None = None


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    unit: str
    rows: Rows | None = None
    where: Callable | None = None
    measure: str = PERSONS
    field: str | None = None  # summed field, or the expression of a DISTINCT cell
    parts: tuple = ()  # CELL_SUM: the keys added up
    hidden: bool = False  # computed (for a1.4's parts and the indicators) but not a cell of the table

    @property
    def is_money(self):
        return self.unit in MONEY_UNITS

    def filter_q(self, c):
        return self.where(c) if self.where else Q()


@dataclass(frozen=True)
class Attachment:
    number: int
    title: str  # "{year}" is replaced by the report year
    default_cutoff: tuple  # (month, day)
    cells: tuple
    layout: tuple  # lines of the official table; "{a1.1}" marks a blank, "{year}" the year
    notes: tuple = ()
    breakdowns: tuple = ()  # (total key, (part keys…)): warn when the parts add up to more than the total
    cell_index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.cell_index.update({cell.key: cell for cell in self.cells})

    def cell(self, key):
        return self.cell_index[key]

    @property
    def table_cells(self):
        return [cell for cell in self.cells if not cell.hidden]


# --- shared pieces of filters -------------------------------------------------------------------


def registered_graduates(c):
    """Person ids with a graduate registration, whatever its organisation and dates."""
    return c.rows("graduates").values("person_id")


def employed_by_cutoff(c, **placement_filter):
    """The person of the outer row has a placement (anywhere) employed on or before C."""
    return Exists(
        c.rows("placements").filter(person_id=OuterRef("person_id"), employed_on__lte=c.cutoff, **placement_filter)
    )


def schooling_in_force(c):
    """Stage of the outer grant's recipient on the grant date: the schooling record in force then,
    the latest advance date on or before it (ties by the later ``entered_on``, then the later record)."""
    return Subquery(
        c.rows("schooling")
        .annotate(advanced_on=advance_date())
        .filter(person_id=OuterRef("person_id"), advanced_on__lte=OuterRef("granted_on"))
        .order_by("-advanced_on", "-entered_on", "-id")
        .values("stage")[:1]
    )


def advanced_in_period(c):
    """The school entry's advance date lies in P. Written as two ranges, one per date column,
    so that each can use its index (a range over the coalesced date could use neither)."""
    return (Q(admitted_on__isnull=False) & c.period("admitted_on")) | (
        Q(admitted_on__isnull=True) & c.period("entered_on")
    )


def from_outside(c):
    """A fund receipt that is not an internal transfer (上级拨付) within O's subtree (``returns.md``):
    money passed down inside the subtree was counted where it first came in."""
    return Q(transferred_from__isnull=True) | ~Q(transferred_from_id__in=c.scope_ids())


def in_group(group, field="stage"):
    return Q(**{f"{field}__in": [str(s) for s in STAGE_GROUPS[group]]})


GROUPS = (StageGroup.PRIMARY_JUNIOR, StageGroup.SENIOR_VOCATIONAL, StageGroup.COLLEGE_PLUS)
GROUP_LABELS = {
    StageGroup.PRIMARY_JUNIOR: "小学和初中阶段",
    StageGroup.SENIOR_VOCATIONAL: "高中和中等职业教育阶段",
    StageGroup.COLLEGE_PLUS: "大专以上",
}

# --- Attachment 1: 技能培训促就业行动情况统计表 -----------------------------------------------


def _a1_certificate(c, **certificate_filter):
    certificates = c.rows("certificates").filter(c.period("issued_on"), **certificate_filter)
    return Q(person_id__in=certificates.values("person_id"))


def _placed_after_training(c):
    # Three cells test it: a probe into placements per training, so it is computed once per row.
    return c.once_per_row(
        "placed_after_training",
        Exists(
            c.rows("placements").filter(
                person_id=OuterRef("person_id"), employed_on__gte=OuterRef("ended_on"), employed_on__lte=c.cutoff
            )
        ),
    )


def _designated(designation):
    # Four cells per designation test it, so it is computed once per row (a lookup in the hashed
    # ids of the designated institutions, which works alike on the live tables and as of T).
    return lambda c: c.once_per_row(
        f"at_{designation}",
        Q(institution_id__in=c.rows("institutions").filter(**{designation: True}).values("id")),
    )


A1_TRAININGS = Rows(
    "a1.trainings", "trainings", lambda c: c.in_scope() & c.period("started_on"), date_field="started_on"
)
A1_REFERRALS = Rows(
    "a1.referrals",
    "placements",
    lambda c: c.in_scope() & c.period("employed_on") & Q(channel="union_referral"),
    date_field="employed_on",
)
A1_LOANS = Rows(
    "a1.loans",
    "loans",
    lambda c: c.in_scope() & c.period("lent_on") & Q(kind__in=[str(k) for k in A1_LOAN_KINDS]),
    date_field="lent_on",
)
A1_SERVICES = Rows("a1.services", "services", lambda c: c.in_scope() & c.period("served_on"), date_field="served_on")
A1_JOB_INTRODUCTION = Rows(
    "a1.job_introduction_persons",
    "persons",
    # One id set (the UNION of both record sets' persons), not "IN services OR IN placements":
    # PostgreSQL cannot use an index for an OR of two IN subqueries and scanned every person.
    lambda c: Q(
        id__in=c.rows("services")
        .filter(c.in_scope() & c.period("served_on") & Q(type=ServiceType.JOB_INTRODUCTION))
        .values("person_id")
        .union(c.rows("placements").filter(A1_REFERRALS.where(c)).values("person_id"))
    ),
    person_field="id",
)
A1_FUNDS = Rows(
    "a1.funds",
    "fund_receipts",
    lambda c: c.in_scope() & c.period("received_on") & Q(programme="employment") & from_outside(c),
    date_field="received_on",
)
A1_SPENDING = Rows(
    "a1.spending",
    "expenditures",
    lambda c: c.in_scope() & c.period("spent_on") & Q(programme="employment"),
    date_field="spent_on",
)

# The notice's "其中" rows under entrepreneurship and domestic-service training.
_A1_CATEGORY_KEYS = (
    ("laid_off", Category.LAID_OFF),
    ("migrant_worker", Category.MIGRANT_WORKER),
    ("graduate", Category.GRADUATE),
)


def _a1_cells():
    cells = [
        Cell("a1.1", "已对…开展职业技能培训", "人", A1_TRAININGS),
        Cell(
            "a1.1.cert_labour",
            "获得劳动部门颁发职业技能证书的",
            "人",
            A1_TRAININGS,
            lambda c: _a1_certificate(c, issuer=Issuer.LABOUR_DEPT),
        ),
        Cell(
            "a1.1.cert_other",
            "获得其他部门颁发证书的",
            "人",
            A1_TRAININGS,
            lambda c: _a1_certificate(c, issuer=Issuer.OTHER),
        ),
        Cell(
            "a1.1.cert_mid_high",
            "获得中高级职业证书的",
            "人",
            A1_TRAININGS,
            lambda c: _a1_certificate(c, level__in=[str(v) for v in MID_HIGH_LEVELS]),
        ),
        Cell("a1.1.cert_any", "获得职业技能等级证书的", "人", A1_TRAININGS, _a1_certificate, hidden=True),
        Cell("a1.1.1", "培训下岗失业人员", "人", A1_TRAININGS, lambda c: Q(category=Category.LAID_OFF)),
        Cell("a1.1.2", "培训农民工", "人", A1_TRAININGS, lambda c: Q(category=Category.MIGRANT_WORKER)),
        Cell("a1.1.3", "培训困难职工家庭高校毕业生", "人", A1_TRAININGS, lambda c: Q(category=Category.GRADUATE)),
        Cell("a1.1.4", "培训在职职工", "人", A1_TRAININGS, lambda c: Q(category=Category.IN_SERVICE)),
        Cell(
            "a1.1.1.employed",
            "经培训后就业的下岗失业人员",
            "人",
            A1_TRAININGS,
            lambda c: Q(category=Category.LAID_OFF) & _placed_after_training(c),
            hidden=True,
        ),
    ]
    for number, training_type, label in (
        ("5", TrainingType.ENTREPRENEURSHIP, "创业培训"),
        ("6", TrainingType.DOMESTIC_SERVICE, "家政服务培训"),
    ):
        cells.append(Cell(f"a1.1.{number}", label, "人", A1_TRAININGS, lambda c, t=training_type: Q(type=t)))
        for suffix, category in _A1_CATEGORY_KEYS:
            cells.append(
                Cell(
                    f"a1.1.{number}.{suffix}",
                    f"其中：{category.label}",
                    "人",
                    A1_TRAININGS,
                    lambda c, t=training_type, g=category: Q(type=t, category=g),
                )
            )
    cells += [
        Cell("a1.1.7", "经培训后就业的人数", "人", A1_TRAININGS, _placed_after_training),
        Cell(
            "a1.1.7.domestic",
            "其中家政服务人员经培训就业",
            "人",
            A1_TRAININGS,
            lambda c: Q(type=TrainingType.DOMESTIC_SERVICE) & _placed_after_training(c),
        ),
        Cell("a1.2", "成功介绍…实现就业", "人", A1_REFERRALS),
        Cell("a1.2.1", "农民工", "人", A1_REFERRALS, lambda c: Q(category=Category.MIGRANT_WORKER)),
        Cell("a1.2.2", "困难职工家庭高校毕业生", "人", A1_REFERRALS, lambda c: Q(category=Category.GRADUATE)),
        Cell("a1.2.3", "签订一年以上劳动合同的", "人", A1_REFERRALS, lambda c: Q(contract_months__gte=12)),
        Cell("a1.3.persons", "当年为…提供小额贷（借）款", "人", A1_LOANS),
        Cell("a1.3.count", "…笔（含助贷）", "笔", A1_LOANS, measure=RECORDS),
        Cell("a1.3.amount", "贷（借）款金额合计（含助贷）", "万元", A1_LOANS, measure=SUM, field="amount"),
        Cell("a1.3.jobs", "带动…就业", "人", A1_LOANS, measure=SUM, field="jobs_created"),
    ]
    for prefix, label, where in (
        ("a1.3.migrant", "为…农民工提供", lambda c: Q(category=Category.MIGRANT_WORKER)),
        ("a1.3.graduate", "为…困难职工家庭高校毕业生提供", lambda c: Q(category=Category.GRADUATE)),
        ("a1.3.assisted", "当年为…人提供助贷", lambda c: Q(kind__in=[str(k) for k in ASSISTED_LOAN_KINDS])),
    ):
        cells += [
            Cell(f"{prefix}.persons", label, "人", A1_LOANS, where),
            Cell(f"{prefix}.count", label, "笔", A1_LOANS, where, measure=RECORDS),
            Cell(f"{prefix}.amount", label, "万元", A1_LOANS, where, measure=SUM, field="amount"),
        ]
    # a1.4: the notice's nine free employment services, each counted in persons, then added up.
    cells += [
        Cell(
            "a1.4.skills_training",
            "职业培训",
            "人",
            A1_TRAININGS,
            lambda c: Q(type=TrainingType.SKILLS),
            hidden=True,
        ),
        Cell("a1.4.job_introduction", "职业介绍", "人", A1_JOB_INTRODUCTION, hidden=True),
    ]
    for service_type in (
        ServiceType.LABOUR_EXPORT,
        ServiceType.ENTREPRENEURSHIP_CONSULTING,
        ServiceType.RIGHTS_PROTECTION,
        ServiceType.LEGAL_AID,
    ):
        cells.append(
            Cell(
                f"a1.4.{service_type.value}",
                str(service_type.label),
                "人",
                A1_SERVICES,
                lambda c, t=service_type: Q(type=t),
                hidden=True,
            )
        )
    cells.append(
        Cell(
            "a1.4",
            "当年为…提供免费就业服务",
            "人",
            measure=CELL_SUM,
            parts=(
                "a1.4.skills_training",
                "a1.1.5",
                "a1.1.6",
                "a1.4.job_introduction",
                "a1.3.persons",
                "a1.4.labour_export",
                "a1.4.entrepreneurship_consulting",
                "a1.4.rights_protection",
                "a1.4.legal_aid",
            ),
        )
    )
    cells.append(Cell("a1.5", "共筹集资金", "万元", A1_FUNDS, measure=SUM, field="amount"))
    for source, label in (
        ("central_finance", "中央财政帮扶资金"),
        ("local_finance", "地方财政补贴"),
        ("union", "工会经费"),
        ("social_donation", "社会捐助"),
    ):
        cells.append(Cell(f"a1.5.{source}", label, "万元", A1_FUNDS, lambda c, s=source: Q(source=s), SUM, "amount"))
    cells.append(Cell("a1.6", "共实际使用资金", "万元", A1_SPENDING, measure=SUM, field="amount"))
    cells.append(Cell("a1.6.training", "各类培训投入", "万元", A1_SPENDING, lambda c: Q(use="training"), SUM, "amount"))
    cells.append(
        Cell(
            "a1.6.job_introduction",
            "职业介绍投入",
            "万元",
            A1_SPENDING,
            lambda c: Q(use="job_introduction"),
            SUM,
            "amount",
        )
    )
    for number, designation, label in (
        ("7", Designation.MIGRANT_DEMO_BASE, "示范基地 已培训"),
        ("8", Designation.EMPLOYMENT_TRAINING_BASE, "就业培训基地 已培训"),
        ("9", Designation.ADVANCED_INSTITUTION, "先进就业培训机构 已培训"),
    ):
        designated = _designated(designation.value)
        cells.append(Cell(f"a1.{number}", label, "人", A1_TRAININGS, designated))
        for training_type, type_label in (
            (TrainingType.SKILLS, "其中技能培训"),
            (TrainingType.DOMESTIC_SERVICE, "家政服务培训"),
            (TrainingType.ENTREPRENEURSHIP, "创业培训"),
        ):
            cells.append(
                Cell(
                    f"a1.{number}.{training_type.value}",
                    type_label,
                    "人",
                    A1_TRAININGS,
                    lambda c, d=designated, t=training_type: d(c) & Q(type=t),
                )
            )
    return tuple(cells)


A1_LAYOUT = (
    "1．你省（区、市）各级工会已对{a1.1}（人）开展职业技能培训，其中获得劳动部门颁发职业技能证书的有"
    "{a1.1.cert_labour}（人），获得其他部门颁发证书的有{a1.1.cert_other}（人），获得中高级职业证书的有"
    "{a1.1.cert_mid_high}（人）；",
    "（1）培训下岗失业人员{a1.1.1}（人）；",
    "（2）培训农民工{a1.1.2}（人）；",
    "（3）培训困难职工家庭高校毕业生{a1.1.3}（人）；",
    "（4）培训在职职工{a1.1.4}（人）；",
    "（5）创业培训{a1.1.5}（人），其中：下岗失业人员{a1.1.5.laid_off}（人）、农民工{a1.1.5.migrant_worker}（人）、"
    "困难职工家庭高校毕业生{a1.1.5.graduate}（人）；",
    "（6）家政服务培训{a1.1.6}（人），其中：下岗失业人员{a1.1.6.laid_off}（人）、农民工{a1.1.6.migrant_worker}（人）、"
    "困难职工家庭高校毕业生{a1.1.6.graduate}（人）；",
    "（7）经培训后就业的人数{a1.1.7}（人），其中：家政服务人员经培训就业人数{a1.1.7.domestic}（人）。",
    "2．成功介绍{a1.2}（人）实现就业，其中：",
    "（1）农民工{a1.2.1}（人）；",
    "（2）困难职工家庭高校毕业生{a1.2.2}（人）；",
    "（3）签订一年以上劳动合同的{a1.2.3}（人）。",
    "3．当年为{a1.3.persons}（人）提供小额贷（借）款{a1.3.count}（笔）（含助贷），当年贷（借）款金额合计"
    "{a1.3.amount}（万元）（含助贷），带动{a1.3.jobs}（人）就业，",
    "其中，为{a1.3.migrant.persons}（名）农民工提供小额贷（借）款{a1.3.migrant.count}（笔）（含助贷），"
    "金额{a1.3.migrant.amount}（万元）；",
    "为{a1.3.graduate.persons}（名）困难职工家庭高校毕业生提供小额贷（借）款{a1.3.graduate.count}（笔）（含助贷），"
    "金额{a1.3.graduate.amount}（万元）；",
    "当年为{a1.3.assisted.persons}人提供助贷{a1.3.assisted.count}笔，合计{a1.3.assisted.amount}万元。",
    "4．当年为{a1.4}（人）提供免费就业服务。",
    "5．技能培训促就业行动共筹集资金{a1.5}（万元），其中：中央财政帮扶资金{a1.5.central_finance}（万元），"
    "地方财政补贴{a1.5.local_finance}（万元），工会经费{a1.5.union}（万元），社会捐助{a1.5.social_donation}（万元）。",
    "6．技能培训促就业行动共实际使用资金{a1.6}（万元），其中，各类培训投入{a1.6.training}（万元），"
    "职业介绍投入{a1.6.job_introduction}（万元）。",
    "7．你省（区、市）被确定为“全国工会农民工技能培训示范基地”的培训机构已培训{a1.7}（人），其中技能培训"
    "{a1.7.skills}（人），家政服务培训{a1.7.domestic_service}（人），创业培训{a1.7.entrepreneurship}（人）。",
    "8．你省（区、市）被确定为“全国工会就业培训基地”的培训机构，已对{a1.8}人进行培训，其中技能培训"
    "{a1.8.skills}（人），家政服务培训{a1.8.domestic_service}（人），创业培训{a1.8.entrepreneurship}（人）。",
    "9．你省（区、市）被确定为“全国工会系统先进就业培训机构”的培训机构，已对{a1.9}（人）进行培训，其中技能培训"
    "{a1.9.skills}（人），家政服务培训{a1.9.domestic_service}（人），创业培训{a1.9.entrepreneurship}（人）。",
)

A1_NOTES = (
    "1．本表中第4项“提供免费就业服务人数”为各级工会开展的包括职业培训、创业培训、家政培训、职业介绍、小额贷款、"
    "劳务输出、创业咨询、劳动维权服务和法律援助等各项就业服务人数之和。",
    "2．请各省（区、市）总工会保障工作部务必于9月20日前，将阶段性统计表（统计截止日期为8月31日）和开展技能培训促就业行动"
    "阶段性总结报全总保障工作部；12月10日前，将统计表（统计截止日期为11月30日）及工会开展技能培训促就业行动年度总结"
    "报全总保障工作部。",
    "联系电话：（010）68591804、68591807",
    "电子邮箱：Ldc@acftu.org.cn",
)

A1_BREAKDOWNS = (
    ("a1.1", ("a1.1.1", "a1.1.2", "a1.1.3", "a1.1.4")),
    ("a1.1.5", ("a1.1.5.laid_off", "a1.1.5.migrant_worker", "a1.1.5.graduate")),
    ("a1.1.6", ("a1.1.6.laid_off", "a1.1.6.migrant_worker", "a1.1.6.graduate")),
    ("a1.2", ("a1.2.1", "a1.2.2")),
    ("a1.3.persons", ("a1.3.migrant.persons", "a1.3.graduate.persons")),
    ("a1.3.count", ("a1.3.migrant.count", "a1.3.graduate.count")),
    ("a1.3.amount", ("a1.3.migrant.amount", "a1.3.graduate.amount")),
    ("a1.5", ("a1.5.central_finance", "a1.5.local_finance", "a1.5.union", "a1.5.social_donation")),
    ("a1.6", ("a1.6.training", "a1.6.job_introduction")),
    ("a1.7", ("a1.7.skills", "a1.7.domestic_service", "a1.7.entrepreneurship")),
    ("a1.8", ("a1.8.skills", "a1.8.domestic_service", "a1.8.entrepreneurship")),
    ("a1.9", ("a1.9.skills", "a1.9.domestic_service", "a1.9.entrepreneurship")),
)

# --- Attachment 2: 工会阳光就业行动情况统计表 ---------------------------------------------------


def _a2_in_scope(c):
    return (
        c.in_scope()
        & Q(registered_on__lte=c.cutoff, graduation_year__lte=c.year)
        & (Q(exited_on__isnull=True) | Q(exited_on__gte=c.start))
    )


def _a2_flow(source, date_field):
    """Records of registered graduates dated in P and recorded within O's subtree."""
    return Rows(
        f"a2.{source}",
        source,
        lambda c: c.in_scope() & c.period(date_field) & Q(person_id__in=registered_graduates(c)),
        date_field=date_field,
    )


A2_GRADUATES = Rows("a2.graduates", "graduates", _a2_in_scope, date_field="registered_on")
A2_SERVICES = _a2_flow("services", "served_on")
A2_TRAININGS = _a2_flow("trainings", "started_on")
A2_LOANS = _a2_flow("loans", "lent_on")
A2_PLACEMENTS = _a2_flow("placements", "employed_on")
A2_CERTIFICATES = Rows(
    "a2.certificates",
    "certificates",
    lambda c: (
        c.period("issued_on")
        & Q(via_assessment=True)
        & Q(person_id__in=c.rows("graduates").filter(c.in_scope()).values("person_id"))
    ),
    date_field="issued_on",
)
A2_JOB_FAIRS = Rows("a2.job_fairs", "job_fairs", lambda c: c.in_scope() & c.period("held_on"), date_field="held_on")
A2_POSITION_OFFERS = Rows(
    "a2.position_offers", "position_offers", lambda c: c.in_scope() & c.period("offered_on"), date_field="offered_on"
)


def _self_employed(c):
    return Q(employed_by_cutoff(c, channel="self_found"))


def _needs_help(c):
    return ~_self_employed(c)


def _not_employed(c):
    return ~Q(employed_by_cutoff(c))


def _has_plan(c):
    return Q(Exists(c.rows("assistance_plans").filter(graduate_id=OuterRef("id"), made_on__lte=c.cutoff)))


A2_CELLS = (
    Cell("a2.1", "共有困难职工家庭高校毕业生", "人", A2_GRADUATES),
    Cell("a2.1.fresh", "应届", "人", A2_GRADUATES, lambda c: Q(graduation_year=c.year)),
    Cell("a2.1.previous", "往届", "人", A2_GRADUATES, lambda c: Q(graduation_year__lt=c.year)),
    Cell("a2.1.self_employed", "已自谋职业", "人", A2_GRADUATES, _self_employed),
    Cell("a2.1.needs_help", "需要就业帮扶", "人", A2_GRADUATES, _needs_help),
    Cell(
        "a2.1.needs_help.planned",
        "需要就业帮扶且已制订个性化就业帮扶方案",
        "人",
        A2_GRADUATES,
        lambda c: _needs_help(c) & _has_plan(c),
        hidden=True,
    ),
    Cell(
        "a2.1.needs_help.employed",
        "需要就业帮扶且已实现就业",
        "人",
        A2_GRADUATES,
        lambda c: _needs_help(c) & ~_not_employed(c),
        hidden=True,
    ),
    Cell("a2.2", "提供实习见习机会", "人次", A2_SERVICES, lambda c: Q(type=ServiceType.INTERNSHIP), RECORDS),
    Cell("a2.3.training", "提供就业技能培训", "人次", A2_TRAININGS, lambda c: Q(type=TrainingType.SKILLS), RECORDS),
    Cell("a2.3.certified", "通过职业技能鉴定获得相应职业资格证书", "人次", A2_CERTIFICATES, measure=RECORDS),
    Cell("a2.4.fairs", "共举办就业招聘会等就业服务系列活动", "场", A2_JOB_FAIRS, measure=RECORDS),
    Cell(
        "a2.4.positions",
        "提供适合高校毕业生的就业岗位",
        "个",
        A2_JOB_FAIRS,
        measure=SUM,
        field="positions_for_graduates",
    ),
    Cell(
        "a2.5",
        "通过国有大中型企业、劳模企业、社会爱心企业及政府公益性岗位等提供就业岗位",
        "个",
        A2_POSITION_OFFERS,
        measure=SUM,
        field="positions",
    ),
    Cell(
        "a2.6.guidance",
        "提供创业指导",
        "人次",
        A2_SERVICES,
        lambda c: Q(type=ServiceType.ENTREPRENEURSHIP_GUIDANCE),
        RECORDS,
    ),
    Cell(
        "a2.6.training",
        "提供创业培训",
        "人次",
        A2_TRAININGS,
        lambda c: Q(type=TrainingType.ENTREPRENEURSHIP),
        RECORDS,
    ),
    Cell(
        "a2.6.guaranteed_loans",
        "提供小额担保贷款",
        "人次",
        A2_LOANS,
        lambda c: Q(kind=LoanKind.GUARANTEED_LOAN),
        RECORDS,
    ),
    Cell(
        "a2.6.guaranteed_amount",
        "提供小额担保贷款金额",
        "元",
        A2_LOANS,
        lambda c: Q(kind=LoanKind.GUARANTEED_LOAN),
        SUM,
        "amount",
    ),
    Cell("a2.7", "帮助落实就业扶持政策", "人次", A2_SERVICES, lambda c: Q(type=ServiceType.POLICY_ASSISTANCE), RECORDS),
    Cell("a2.8", "实际帮助实现就业", "人次", A2_PLACEMENTS, lambda c: ~Q(channel="self_found"), RECORDS),
    Cell("a2.9.subsidised", "资助求职", "人次", A2_SERVICES, lambda c: Q(type=ServiceType.JOB_SEARCH_SUBSIDY), RECORDS),
    Cell(
        "a2.9.amount",
        "发放求职补贴",
        "万元",
        A2_SERVICES,
        lambda c: Q(type=ServiceType.JOB_SEARCH_SUBSIDY),
        SUM,
        "amount",
    ),
    Cell(
        "a2.10",
        "在本地就读的尚未签约就业的应届毕业生（含本地和外地生源）",
        "人",
        A2_GRADUATES,
        lambda c: Q(graduation_year=c.year, university_local=True) & _not_employed(c),
    ),
    Cell(
        "a2.11",
        "往届未就业的毕业生",
        "人",
        A2_GRADUATES,
        lambda c: Q(graduation_year__lt=c.year) & _not_employed(c),
    ),
)

A2_LAYOUT = (
    "1．省（区、市）共有困难职工家庭高校毕业生{a2.1}（人）；",
    "其中：（1）应届毕业生{a2.1.fresh}（人）；往届毕业生{a2.1.previous}（人）；",
    "（2）已自谋职业{a2.1.self_employed}（人）；需要就业帮扶{a2.1.needs_help}（人）。",
    "2．共为困难职工家庭高校毕业生提供实习见习机会{a2.2}（人次）。",
    "3．向困难职工家庭高校毕业生提供就业技能培训{a2.3.training}（人次）；",
    "帮助通过职业技能鉴定获得相应职业资格证书{a2.3.certified}（人次）。",
    "4．（1）共举办就业招聘会等就业服务系列活动{a2.4.fairs}（场）；",
    "（2）提供适合高校毕业生的就业岗位{a2.4.positions}（个）。",
    "5．通过国有大中型企业、劳模企业、社会爱心企业及政府公益性岗位等为困难职工家庭高校毕业生提供就业岗位{a2.5}（个）。",
    "6．（1）共为困难职工家庭高校毕业生提供创业指导{a2.6.guidance}（人次）；",
    "（2）提供创业培训{a2.6.training}（人次）；",
    "（3）提供小额担保贷款{a2.6.guaranteed_loans}（人次）；提供小额担保贷款{a2.6.guaranteed_amount}（元）。",
    "7．共帮助落实对困难职工家庭高校毕业生的就业扶持政策{a2.7}（人次）。",
    "8．共实际帮助困难职工家庭高校毕业生实现就业{a2.8}（人次）。",
    "9．（1）共资助困难职工家庭高校毕业生求职{a2.9.subsidised}（人次）；",
    "（2）发放求职补贴{a2.9.amount}（万元）。",
    "10．在本地就读的尚未签约就业的应届困难职工家庭高校毕业生（含本地和外地生源学生）{a2.10}（人）。",
    "11．往届未就业的困难职工家庭高校毕业生{a2.11}（人）。",
)

A2_NOTES = (
    "请各省（区、市）总工会保障工作部务必于9月15日前，将“阳光就业行动”总结和统计表（统计截止日期为9月10日）"
    "报全总保障工作部。联系电话：（010）68591807、68591804  电子邮箱：Ldc@acftu.org.cn",
)

A2_BREAKDOWNS = (
    ("a2.1", ("a2.1.fresh", "a2.1.previous")),
    ("a2.1", ("a2.1.self_employed", "a2.1.needs_help")),
)

# --- Attachment 3: 各地工会金秋助学情况统计表 -------------------------------------------------


RECIPIENT_HOUSEHOLD = (("person_id", "persons"), ("household_id", "households"))


def recipient_household(c, field_name):
    """A column of the outer row's person's household (NULL when the person has none): a join on
    the live tables, a subquery per row on the records as of T (see ``stats.sources``)."""
    return c.via(RECIPIENT_HOUSEHOLD, field_name)


A3_FUNDS = Rows(
    "a3.funds",
    "fund_receipts",
    lambda c: c.in_scope() & c.period("received_on") & Q(programme="student_aid") & from_outside(c),
    date_field="received_on",
)
A3_GRANTS = Rows(
    "a3.grants",
    "aid_grants",
    lambda c: c.in_scope() & c.period("granted_on"),
    # Each grant's stage group and household flags are computed once per row, and the cells filter
    # on these columns (the engine keeps annotated rows behind a subquery the planner does not
    # flatten, so the subqueries are not repeated in every cell's FILTER).
    annotate=lambda c: {
        "stage": schooling_in_force(c),
        "household_kind": recipient_household(c, "kind"),
        "single_mother": recipient_household(c, "single_parent_female"),
    },
    date_field="granted_on",
)
A3_SCHOOL_ENTRIES = Rows(
    "a3.school_entries",
    "schooling",
    # From the entries of P to their person's household (one probe per entry), not from every
    # on-file household to its members: the members of a province's households are most persons.
    # The members as one id set (``person_id IN …``) spares a city's return a fifth, but as of T the
    # planner cannot size the history rows and went from every file to its members: A3 of the
    # province as recorded at T took 9.7 s instead of 2.5 s at 10^6 persons (docs/benchmarks.md, 12).
    lambda c: (
        advanced_in_period(c)
        & Q(Exists(c.rows("households").filter(c.on_file(c.cutoff) & c.in_scope(), id=OuterRef("recipient_household"))))
    ),
    annotate=lambda c: {"recipient_household": c.via(RECIPIENT_HOUSEHOLD[:1], "household_id")},
    date_field="entered_on",
)
A3_WORK_STUDY = Rows(
    "a3.work_study", "work_study_offers", lambda c: c.in_scope() & c.period("offered_on"), date_field="offered_on"
)


def _a3_cells():
    cells = [Cell("a3.1", "助学活动共筹集资金", "万元", A3_FUNDS, measure=SUM, field="amount")]
    for source, label in (
        ("government", "各级党委政府资助"),
        ("social_donation", "社会捐助"),
        ("union", "各级工会投入"),
    ):
        cells.append(Cell(f"a3.1.{source}", label, "万元", A3_FUNDS, lambda c, s=source: Q(source=s), SUM, "amount"))
    cells.append(Cell("a3.2", "共发放助学款", "万元", A3_GRANTS, measure=SUM, field="amount"))
    for group in GROUPS:
        cells.append(
            Cell(
                f"a3.2.{group.value}",
                GROUP_LABELS[group],
                "万元",
                A3_GRANTS,
                lambda c, g=group: in_group(g),
                SUM,
                "amount",
            )
        )
    cells.append(Cell("a3.3", "在档的困难职工和困难农民工家庭子女升学的", "人", A3_SCHOOL_ENTRIES))
    for group in GROUPS:
        cells.append(
            Cell(f"a3.3.{group.value}", GROUP_LABELS[group], "人", A3_SCHOOL_ENTRIES, lambda c, g=group: in_group(g))
        )
    cells.append(Cell("a3.4", "共资助困难职工和困难农民工子女", "人", A3_GRANTS))
    for group in GROUPS:
        cells.append(Cell(f"a3.4.{group.value}", GROUP_LABELS[group], "人", A3_GRANTS, lambda c, g=group: in_group(g)))

    def migrant(c):
        return Q(household_kind="migrant_worker")

    cells += [
        Cell("a3.5.persons", "共资助困难农民工子女", "人", A3_GRANTS, migrant),
        Cell("a3.5.amount", "发放助学款", "万元", A3_GRANTS, migrant, SUM, "amount"),
    ]
    for group in GROUPS:
        where = (lambda g: lambda c: migrant(c) & in_group(g))(group)
        cells += [
            Cell(f"a3.5.{group.value}.persons", GROUP_LABELS[group], "人", A3_GRANTS, where),
            Cell(
                f"a3.5.{group.value}.amount",
                f"{GROUP_LABELS[group]}发放助学款",
                "万元",
                A3_GRANTS,
                where,
                SUM,
                "amount",
            ),
        ]

    def single_parent(c):
        return Q(single_mother=True)

    cells += [
        Cell("a3.6.persons", "资助困难单亲女职工子女", "人", A3_GRANTS, single_parent),
        Cell("a3.6.amount", "发放助学款", "万元", A3_GRANTS, single_parent, SUM, "amount"),
        Cell("a3.7.units", "与…单位联系", "家", A3_WORK_STUDY, measure=DISTINCT, field=Trim("unit_name")),
        Cell("a3.7.posts", "提供勤工俭学社会实践岗位", "个", A3_WORK_STUDY, measure=SUM, field="posts"),
    ]
    return tuple(cells)


A3_LAYOUT = (
    "1．{year}年助学活动共筹集资金{a3.1}（万元）；",
    "其中：各级党委政府资助{a3.1.government}（万元），社会捐助{a3.1.social_donation}（万元），各级工会投入{a3.1.union}（万元）。",
    "2．{year}年助学活动共发放助学款{a3.2}（万元）；",
    "其中：小学和初中阶段{a3.2.primary_junior}（万元），高中和中等职业教育阶段{a3.2.senior_vocational}（万元），"
    "大专以上{a3.2.college_plus}（万元）。",
    "3．{year}年在档的困难职工和困难农民工家庭子女升学的共{a3.3}（人）；",
    "其中：小学和初中阶段{a3.3.primary_junior}（人），高中和中等职业教育阶段{a3.3.senior_vocational}（人），"
    "大专以上{a3.3.college_plus}（人）。",
    "4．{year}年助学活动中共资助困难职工和困难农民工子女{a3.4}（人）；",
    "其中：小学和初中阶段{a3.4.primary_junior}（人），高中和中等职业教育阶段{a3.4.senior_vocational}（人），"
    "大专以上{a3.4.college_plus}（人）。",
    "5．{year}年助学活动中共资助困难农民工子女{a3.5.persons}（人），共发放助学款{a3.5.amount}（万元）；",
    "其中：小学和初中阶段{a3.5.primary_junior.persons}（人），发放助学款{a3.5.primary_junior.amount}（万元）；",
    "高中和中等职业教育阶段{a3.5.senior_vocational.persons}（人），发放助学款{a3.5.senior_vocational.amount}（万元）；",
    "大专以上{a3.5.college_plus.persons}（人），发放助学款{a3.5.college_plus.amount}（万元）。",
    "6．{year}年助学活动中共资助困难单亲女职工子女{a3.6.persons}（人），共发放助学款{a3.6.amount}（万元）。",
    "7．与{a3.7.units}（家）单位联系，为在读困难职工子女提供勤工俭学社会实践岗位{a3.7.posts}（个）。",
)

A3_NOTES = (
    "1．数据统计截止日期为{cutoff}。",
    "2．请各省（区、市）总工会保障工作部务必于9月15日前将金秋助学活动总结和统计表报全总保障工作部。",
    "联系电话：（010）68591824、68591820",
)


def _groups_of(prefix, suffix=""):
    return tuple(f"{prefix}.{group.value}{suffix}" for group in GROUPS)


A3_BREAKDOWNS = (
    ("a3.1", ("a3.1.government", "a3.1.social_donation", "a3.1.union")),
    ("a3.2", _groups_of("a3.2")),
    ("a3.3", _groups_of("a3.3")),
    ("a3.4", _groups_of("a3.4")),
    ("a3.5.persons", _groups_of("a3.5", ".persons")),
    ("a3.5.amount", _groups_of("a3.5", ".amount")),
)

ATTACHMENTS = {
    1: Attachment(
        1, "{year}年全国工会技能培训促就业行动情况统计表", (11, 30), _a1_cells(), A1_LAYOUT, A1_NOTES, A1_BREAKDOWNS
    ),
    2: Attachment(2, "{year}年工会阳光就业行动情况统计表", (9, 10), A2_CELLS, A2_LAYOUT, A2_NOTES, A2_BREAKDOWNS),
    3: Attachment(3, "{year}年各地工会金秋助学情况统计表", (8, 31), _a3_cells(), A3_LAYOUT, A3_NOTES, A3_BREAKDOWNS),
}


# The notice's deadlines: (attachment, cut-off (month, day), due (month, day), name of the report).
DEADLINES = (
    (1, (8, 31), (9, 20), "技能培训促就业行动阶段性统计表"),
    (1, (11, 30), (12, 10), "技能培训促就业行动年度统计表"),
    (2, (9, 10), (9, 15), "阳光就业行动统计表"),
    (3, (8, 31), (9, 15), "金秋助学情况统计表"),
)
