"""Reads of the statistics app: returns, filings, differences, drill-downs, indicators and deadlines.

Every function takes the requesting user and refuses an organisation outside the
user's subtree; listings of records go through :func:`casework.scoping.scoped`.
Views, the command and the UI call these, never the engine directly.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import Person
from casework.display import list_label, value_label
from casework.models import Organisation
from casework.routers import reporting
from casework.scoping import require_within_scope, scoped
from stats.definitions import CELL_SUM, DEADLINES, DISTINCT, PERSONS, RECORDS, SUM
from stats.engine import (
    Context,
    aggregate_of,
    attachment_of,
    cell_sources,
    compute_return,
    default_cutoff,
    rows_queryset,
    yuan,
)
from stats.filtersets import ReturnFilingFilterSet
from stats.models import ReturnFiling
from stats.sources import LiveSource, source_model

# --- parameters -----------------------------------------------------------------------------------


def parse_cutoff(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        day = parse_date(str(value))
    except ValueError:  # well formed, but no such day (2014-02-30)
        day = None
    if day is None:
        raise ValidationError({"cutoff": _("统计截止日期格式应为 YYYY-MM-DD。")})
    return day


# The moments a return can be asked "as recorded at": the span of the report years (2000–2100), in
# Beijing time. Outside it nothing was recorded, and the far ends (year 1, year 9999) cannot even be
# converted to UTC or stored.
EARLIEST_MOMENT = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
LATEST_MOMENT = datetime.datetime(2101, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def parse_moment(value):
    """An ISO 8601 date-time; without an offset it is Asia/Shanghai time (the project's time zone).

    Refused, naming ``as_recorded_at``: anything else, and moments outside the
    report years (before 2000-01-01 or after 2100-12-31, Beijing time).
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = parse_datetime(str(value).strip())
        except ValueError:
            moment = None
        if moment is None:
            raise ValidationError(
                {"as_recorded_at": _("数据时点应为 ISO 8601 日期时间，例如 2014-09-01T08:00:00+08:00。")}
            )
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        in_range = EARLIEST_MOMENT <= moment < LATEST_MOMENT
    except OverflowError:  # year 1 or 9999 with an offset that leaves the calendar in UTC
        in_range = False
    if not in_range:
        raise ValidationError(
            {"as_recorded_at": _("数据时点应在 2000-01-01 00:00 至 2100-12-31 23:59（北京时间）之间。")}
        )
    return moment


def parse_year(value):
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("年度应为四位数字。")}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度应为四位数字。")})
    return year


def organisation_by_code(code):
    try:
        return Organisation.objects.get(code=code)
    except Organisation.DoesNotExist:
        raise ValidationError({"org": _("找不到单位代码 %(code)s。") % {"code": code}}) from None


# --- returns --------------------------------------------------------------------------------------


@reporting
def return_for(user, *, attachment, year, org_code, cutoff=None, as_of=None):
    """A return for a unit in the user's subtree, from the records now or as recorded at ``as_of``."""
    organisation = organisation_by_code(org_code)
    require_within_scope(user, organisation)
    return compute_return(attachment, year=year, org_code=organisation.code, cutoff=cutoff, as_of=as_of)


def filings_for(user, filters=None):
    """Filings of the user's subtree, newest first, filtered with :class:`ReturnFilingFilterSet`."""
    queryset = scoped(ReturnFiling.objects.select_related("organisation", "filed_by"), user)
    filterset = ReturnFilingFilterSet(filters or {}, queryset=queryset, user=user)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def filing_reproduction(filing):
    """The return recomputed from the records as they stood at ``filed_at`` (it equals ``figures``)."""
    return compute_return(
        filing.attachment,
        year=filing.year,
        org_code=filing.figures["org"],
        cutoff=filing.cutoff,
        as_of=filing.filed_at,
    )


def source_label(source):
    """The name people use for a source's records (助学款, 培训…), not its interchange key (``aid_grants``)."""
    return list_label(source_model(source))


# --- difference report ----------------------------------------------------------------------------


def _history_scope(source, scope_ids):
    """Which history rows of ``source`` belong to the reporting organisation's subtree."""
    model = source_model(source)
    field_names = {f.name for f in model._meta.get_fields()}
    if source == "organisations":
        return Q(id__in=scope_ids)
    if "organisation" in field_names:
        return Q(organisation_id__in=scope_ids)
    if source == "assistance_plans":
        return Q(graduate_id__in=source_model("graduates").objects.filter(organisation_id__in=scope_ids).values("id"))
    # Certificates and schooling carry no organisation: they belong to the subtree through the person,
    # registered there or a member of a household filed there.
    persons = Person.objects.filter(
        Q(organisation_id__in=scope_ids) | Q(household__organisation_id__in=scope_ids)
    ).values("id")
    return Q(person_id__in=persons)


def changed_records(filing, sources):
    """Records of ``sources`` in the filing unit's subtree added, edited or deleted after ``filed_at``.

    One query per source over its history table; an object added and deleted
    after the filing is left out (it never existed for either figure).
    """
    scope_ids = Organisation.objects.filter(path__startswith=filing.organisation.path).values("id")
    report = {}
    for source in sources:
        history = source_model(source).history.model
        has_ref = any(f.name == "ref" for f in history._meta.fields)
        fields = ["id", "history_id", "history_type", "history_date", "history_user_name", "history_change_reason"]
        fields += ["ref"] if has_ref else []
        rows = (
            history.objects.filter(history_date__gt=filing.filed_at)
            .filter(_history_scope(source, scope_ids))
            .order_by("id", "history_date", "history_id")
            .values(*fields)
        )
        objects = {}
        for row in rows:
            objects.setdefault(row["id"], []).append(row)
        changes = {"added": [], "edited": [], "deleted": []}
        model = source_model(source)
        for object_id, versions in objects.items():
            first, last = versions[0]["history_type"], versions[-1]["history_type"]
            if first == "+" and last == "-":
                continue
            kind = "added" if first == "+" else "deleted" if last == "-" else "edited"
            changes[kind].append(
                {
                    "id": object_id,
                    "ref": versions[-1].get("ref"),
                    "number": model.short_number(object_id) if has_ref else None,
                    "changes": [
                        {
                            "type": v["history_type"],
                            "at": v["history_date"].isoformat(),
                            "user": v["history_user_name"],
                            "reason": v["history_change_reason"] or "",
                        }
                        for v in versions
                    ],
                }
            )
        if any(changes.values()):
            report[source] = changes
    return report


def _comparable(entry):
    return entry.get("yuan", entry["value"])


@reporting
def filing_difference(user, filing):
    """Cell by cell, the filed figure against today's, and the records changed since filing.

    Each cell lists the sources its rule reads; ``records`` holds, per source,
    the records of the filing unit's subtree added, edited or deleted since.
    """
    require_within_scope(user, filing.organisation)
    now = compute_return(filing.attachment, year=filing.year, org_code=filing.organisation.code, cutoff=filing.cutoff)
    current = now.as_dict()
    attachment = attachment_of(filing.attachment)
    cells, all_sources = [], set()
    for cell in attachment.table_cells:
        filed = filing.figures["cells"].get(cell.key)
        today = current["cells"][cell.key]
        sources = cell_sources(filing.attachment, cell.key)
        all_sources.update(sources)
        cells.append(
            {
                "key": cell.key,
                "label": cell.label,
                "unit": cell.unit,
                "filed": filed["value"] if filed else None,
                "now": today["value"],
                "changed": filed is None or _comparable(filed) != _comparable(today),
                "sources": sources,
            }
        )
    records = changed_records(filing, sorted(all_sources))
    for entry in cells:
        entry["changed_sources"] = [source for source in entry["sources"] if source in records]
    return {
        "filing": filing.pk,
        "attachment": filing.attachment,
        "year": filing.year,
        "cutoff": filing.cutoff.isoformat(),
        "org": filing.organisation.code,
        "filed_at": filing.filed_at.isoformat(),
        "content_hash": filing.content_hash,
        "cells": cells,
        "changed_cells": [entry["key"] for entry in cells if entry["changed"]],
        "records": records,
    }


# --- drill-down -----------------------------------------------------------------------------------


def _measured_field(cell):
    """The column a SUM or DISTINCT cell measures (``amount``, ``positions``, ``unit_name``…), or ``None``."""
    if cell.measure == SUM:
        return cell.field
    if cell.measure == DISTINCT:
        # a3.7.units counts Trim("unit_name"): the page lists the column the expression reads.
        return cell.field.source_expressions[0].name
    return None


def _record_fields(model, cell):
    names = {f.name for f in model._meta.fields} | {f.attname for f in model._meta.fields}
    fields = ["id"] + [name for name in ("ref", "person_id") if name in names]
    if cell.rows.date_field:
        fields.append(cell.rows.date_field)
    descriptive = ("name", "employer", "unit_name") if model is not Person else ()
    for name in ("type", "category", "kind", "channel", "programme", "source", "use", *descriptive, "stage"):
        if name in names:
            fields.append(name)
    # The measured column last before the unit, so the page shows what each record adds to the figure.
    measured = _measured_field(cell)
    if measured is None and cell.is_money:
        measured = "amount"
    if measured and measured not in fields:
        fields.append(measured)
    if "organisation" in names:
        fields += ["organisation__code", "organisation__name"]
    if "person_id" in fields:
        fields.append("person__name")
    return fields


def _shown(model, record):
    """What the page shows of a drilled-down record, column by column: the short number for ``ref``, the
    person's name, choice labels instead of codes, the unit's name (``organisation``, with ``organisation_code``)."""
    shown = {}
    for name, value in record.items():
        if name in ("id", "person__name", "organisation__name", "organisation__code"):
            continue
        if name == "ref":
            shown[name] = model.short_number(record["id"]) if hasattr(model, "short_number") else value
        elif name == "person_id":
            shown["person"] = record.get("person__name") or value
        else:
            shown[name] = value_label(model, name, value)
    if "organisation__code" in record:
        shown["organisation"] = record["organisation__name"]
        shown["organisation_code"] = record["organisation__code"]
    return shown


def _listed(model, record):
    """A drilled-down record: its stored values (codes, for scripts), its short ``number`` (people read it
    instead of ``ref``) and ``display``, the values as the page shows them."""
    listed = _jsonable(record)
    if "ref" in record and hasattr(model, "short_number"):
        listed["number"] = model.short_number(record["id"])
    listed["display"] = _jsonable(_shown(model, record))
    return listed


def _has_persons(model, rows):
    """Whether the rows name a person (receipts, expenditures, job fairs and offers do not)."""
    return model is Person or rows.person_field in {f.attname for f in model._meta.fields}


def _part_value(cell, queryset):
    """The cell's own measure over the listed records: persons, records, a sum or distinct values."""
    value = queryset.aggregate(value=aggregate_of(cell, cell.rows))["value"]
    if cell.is_money:
        return str(yuan(value))
    return int(value or 0)


@reporting
def cell_drilldown(user, *, attachment, year, org_code, key, cutoff=None, limit=500, offset=0):
    """The records and the persons a cell counts (the cell's own definition, listing instead of counting).

    Every part lists its records with the column the cell measures (the amount of
    a receipt, the positions of a job fair…) and ``value``, the cell's measure over
    them (money in exact yuan). Records that name no person (receipts,
    expenditures, job fairs, position and work-study offers) have no persons
    (``person_count`` is ``None``). Only records the user may see are listed
    (:func:`scoped`); the organisation itself must lie in the user's subtree.
    ``limit`` records and persons are listed from ``offset`` on (one page);
    ``record_count`` and ``person_count`` count them all.
    """
    organisation = organisation_by_code(org_code)
    require_within_scope(user, organisation)
    definition = attachment_of(attachment)
    if key not in definition.cell_index:
        raise ValidationError({"cell": _("附件%(n)s 没有编号为 %(key)s 的项目。") % {"n": attachment, "key": key}})
    cutoff = cutoff or default_cutoff(attachment, year)
    context = Context(source=LiveSource(), year=year, cutoff=cutoff, org_path=organisation.path)
    cell = definition.cell(key)
    parts = [definition.cell(part) for part in cell.parts] if cell.measure == CELL_SUM else [cell]
    listing = []
    for part in parts:
        model = source_model(part.rows.source)
        queryset = rows_queryset(context, part.rows).filter(part.filter_q(context))
        if model is not Person:
            # Persons rows (a1.4's job introduction) are defined by in-scope records already.
            queryset = scoped(queryset, user)
        records = list(queryset.order_by("id").values(*_record_fields(model, part))[offset : offset + limit])
        entry = {
            "key": part.key,
            "label": part.label,
            "unit": part.unit,
            "is_money": part.is_money,
            "source": part.rows.source,
            "measure": part.measure,
            "measured_field": _measured_field(part),
            "value": None,
            "record_count": queryset.count(),
            "records": [_listed(model, record) for record in records],
            "person_count": None,
            "persons": [],
        }
        if _has_persons(model, part.rows):
            persons = Person.objects.filter(id__in=queryset.values(part.rows.person_field)).order_by("id")
            entry["person_count"] = persons.count()
            entry["persons"] = [
                {"id": p.id, "name": p.name, "id_number": p.id_number_masked} for p in persons[offset : offset + limit]
            ]
        # A count of persons or of records is the count just made (a person id always names a person):
        # the rule's rows are not read once more for it.
        if part.measure == PERSONS and entry["person_count"] is not None:
            entry["value"] = entry["person_count"]
        elif part.measure == RECORDS:
            entry["value"] = entry["record_count"]
        else:
            entry["value"] = _part_value(part, queryset)
        listing.append(entry)
    return {
        "attachment": int(attachment),
        "year": int(year),
        "cutoff": cutoff.isoformat(),
        "org": organisation.code,
        "org_name": organisation.name,
        "cell": key,
        "label": cell.label,
        "unit": cell.unit,
        "parts": listing,
    }


def _jsonable(record):
    return {
        {
            "organisation__code": "organisation",
            "organisation__name": "organisation_name",
            "person__name": "person_name",
        }.get(name, name): (
            value.isoformat()
            if isinstance(value, datetime.date)
            else str(value)
            if isinstance(value, Decimal)
            else value
        )
        for name, value in record.items()
    }


# --- indicators -----------------------------------------------------------------------------------

INDICATORS = (
    # key, label, numerator cell, denominator cell, target percent, attachment
    (
        "certified_mid_high_share",
        gettext_lazy("获得中级以上职业技能等级证书人数占培训总人数的比例"),
        "a1.1.cert_mid_high",
        "a1.1",
        30,
        1,
    ),
    (
        "certified_share",
        gettext_lazy("经培训获得职业技能等级证书人数占培训总人数的比例"),
        "a1.1.cert_any",
        "a1.1",
        100,
        1,
    ),
    ("laid_off_reemployment_rate", gettext_lazy("培训下岗失业人员再就业率"), "a1.1.1.employed", "a1.1.1", None, 1),
    (
        "assistance_plan_share",
        gettext_lazy("需要就业帮扶的困难职工家庭高校毕业生中已制订个性化就业帮扶方案的比例"),
        "a2.1.needs_help.planned",
        "a2.1.needs_help",
        100,
        2,
    ),
    (
        "needs_help_employed_share",
        gettext_lazy("需要就业帮扶的困难职工家庭高校毕业生中已实现就业的比例"),
        "a2.1.needs_help.employed",
        "a2.1.needs_help",
        100,
        2,
    ),
)


def _percent(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@reporting
def indicators_for(user, *, year, org_code, cutoff=None):
    """The notice's indicators for a unit, computed from Attachments 1 and 2 (each at its default cut-off
    unless ``cutoff`` is given)."""
    returns = {
        number: return_for(user, attachment=number, year=year, org_code=org_code, cutoff=cutoff) for number in (1, 2)
    }
    indicators = []
    for key, label, numerator, denominator, target, number in INDICATORS:
        values = returns[number].values
        percent = _percent(values[numerator], values[denominator])
        indicators.append(
            {
                "key": key,
                "label": str(label),
                "attachment": number,
                "cutoff": returns[number].cutoff.isoformat(),
                "numerator": values[numerator],
                "numerator_cell": numerator,
                "denominator": values[denominator],
                "denominator_cell": denominator,
                "percent": str(percent) if percent is not None else None,
                "target": target,
                "met": None if percent is None or target is None else percent >= target,
            }
        )
    return {"year": int(year), "org": org_code, "indicators": indicators}


# --- deadlines ------------------------------------------------------------------------------------

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
STATUS_LABELS = {
    ON_TIME: gettext_lazy("按时报送"),
    LATE: gettext_lazy("逾期报送"),
    MISSING: gettext_lazy("未报送（已逾期）"),
    PENDING: gettext_lazy("未到报送期限"),
}


def deadlines_for(user, *, year, org_code, today=None):
    """The notice's deadlines for a unit and its directly subordinate units, against their filings.

    A return counts as filed on time when its first filing (by the filing's
    local date) is on or before the due date.
    """
    organisation = organisation_by_code(org_code)
    require_within_scope(user, organisation)
    today = today or timezone.localdate()
    units = [organisation, *Organisation.objects.filter(parent=organisation).order_by("code")]
    filings = ReturnFiling.objects.filter(organisation__in=units, year=year).order_by("filed_at", "id")
    first = {}
    for filing in filings.values("id", "organisation_id", "attachment", "cutoff", "filed_at"):
        first.setdefault((filing["organisation_id"], filing["attachment"], filing["cutoff"]), filing)
    rows = []
    for unit in units:
        for number, (cut_month, cut_day), (due_month, due_day), name in DEADLINES:
            cutoff = datetime.date(int(year), cut_month, cut_day)
            due = datetime.date(int(year), due_month, due_day)
            filing = first.get((unit.id, number, cutoff))
            if filing:
                filed_on = timezone.localdate(filing["filed_at"])
                status = ON_TIME if filed_on <= due else LATE
            else:
                filed_on = None
                status = MISSING if today > due else PENDING
            rows.append(
                {
                    "org": unit.code,
                    "org_name": unit.name,
                    "attachment": number,
                    "report": name,
                    "cutoff": cutoff.isoformat(),
                    "due": due.isoformat(),
                    "filing": filing["id"] if filing else None,
                    "filed_on": filed_on.isoformat() if filed_on else None,
                    "status": status,
                    "status_label": str(STATUS_LABELS[status]),
                }
            )
    return {"year": int(year), "org": organisation.code, "deadlines": rows}


# --- submissions between levels (上报) --------------------------------------------------------------

NOT_STARTED, SUBMITTED, RETURNED, ACCEPTED = "not_started", "submitted", "returned", "accepted"
BOARD_STATUS_LABELS = {
    NOT_STARTED: gettext_lazy("未上报"),
    SUBMITTED: gettext_lazy("已上报待审核"),
    RETURNED: gettext_lazy("已退回"),
    ACCEPTED: gettext_lazy("已接收"),
    LATE: gettext_lazy("已逾期"),
}
DAYS_EARLIER_PER_LEVEL = 5


def notice_due(attachment, cutoff):
    """The notice's national date for a return at ``cutoff`` (None for a cut-off the notice does not name)."""
    for number, (cut_month, cut_day), (due_month, due_day), _name in DEADLINES:
        if number == int(attachment) and (cutoff.month, cutoff.day) == (cut_month, cut_day):
            return datetime.date(cutoff.year, due_month, due_day)
    return None


def _codes(organisation):
    return [code for code in organisation.path.split("/") if code]


def _deadline_settings(codes, attachment, year, cutoff):
    from stats.models import ReturnDeadline

    rows = ReturnDeadline.objects.filter(
        organisation__code__in=codes, attachment=int(attachment), year=int(year), cutoff=cutoff
    ).values_list("organisation__code", "due")
    return dict(rows)


def _chain_due(codes, settings, national, cutoff):
    """The date by which the direct subordinates of the last unit of ``codes`` submit to it.

    The top unit's is the notice's date unless it set one; each unit below sets its own, or it
    is five days before the one it has to meet itself, but never before the cut-off (the figures
    cannot be handed in before the day they count to).
    """
    due = None
    for index, code in enumerate(codes):
        if code in settings:
            due = settings[code]
        elif index == 0:
            due = national
        elif due is not None:
            due = max(due - datetime.timedelta(days=DAYS_EARLIER_PER_LEVEL), cutoff)
    return due


def submission_deadlines(organisation, *, attachment, year, cutoff):
    """``(own, subordinates)``: the date by which ``organisation`` submits to the unit above, and the
    date by which its direct subordinates submit to it (one query)."""
    codes = _codes(organisation)
    settings = _deadline_settings(codes, attachment, year, cutoff)
    national = notice_due(attachment, cutoff)
    own = _chain_due(codes[:-1], settings, national, cutoff) if len(codes) > 1 else national
    return own, _chain_due(codes, settings, national, cutoff)


def board_status(latest, due, today):
    """Not started, submitted, returned or accepted; late when the deadline has passed without a
    submission waiting or accepted."""
    status = latest.status if latest is not None else NOT_STARTED
    if due is not None and today > due and status in (NOT_STARTED, RETURNED):
        return LATE
    return status


def _submission_row(unit, latest, due, today, versions):
    status = board_status(latest, due, today)
    return {
        "org": unit.code,
        "org_name": unit.name,
        "due": due.isoformat() if due else None,
        "status": status,
        "status_label": str(BOARD_STATUS_LABELS[status]),
        "submission": latest.pk if latest else None,
        "filing": latest.filing_id if latest else None,
        "version": latest.version if latest else None,
        "versions": versions,
        "submitted_at": latest.submitted_at.isoformat() if latest else None,
        "comment": latest.comment if latest else "",
    }


def submission_board(user, *, org_code, attachment, year, cutoff=None, today=None):
    """The unit's own submission and a board of its direct subordinates' for one return (four queries).

    Any unit in the user's subtree can be looked at; acting on it is the services' business.
    """
    from stats.models import ReturnSubmission

    organisation = organisation_by_code(org_code)
    require_within_scope(user, organisation)
    attachment_of(attachment)
    cutoff = cutoff or default_cutoff(attachment, year)
    today = today or timezone.localdate()
    children = list(Organisation.objects.filter(parent=organisation).order_by("code"))
    submissions = (
        ReturnSubmission.objects.filter(
            Q(organisation=organisation) | Q(organisation__parent=organisation),
            attachment=int(attachment),
            year=int(year),
            cutoff=cutoff,
        )
        .defer("summary_content")
        .order_by("version")
    )
    latest, versions = {}, {}
    for submission in submissions:
        latest[submission.organisation_id] = submission
        versions[submission.organisation_id] = versions.get(submission.organisation_id, 0) + 1
    own_due, subordinates_due = submission_deadlines(organisation, attachment=attachment, year=year, cutoff=cutoff)
    rows = [
        _submission_row(unit, latest.get(unit.id), subordinates_due, today, versions.get(unit.id, 0))
        for unit in children
    ]
    own = _submission_row(organisation, latest.get(organisation.id), own_due, today, versions.get(organisation.id, 0))
    return {
        "org": organisation.code,
        "org_name": organisation.name,
        "attachment": int(attachment),
        "year": int(year),
        "cutoff": cutoff.isoformat(),
        "own": own if organisation.parent_id else None,
        "subordinates_due": subordinates_due.isoformat() if subordinates_due else None,
        "rows": rows,
        "counts": {status: sum(1 for row in rows if row["status"] == status) for status in BOARD_STATUS_LABELS},
    }


def submissions_for(user, filters=None):
    """Submissions of the user's subtree, newest first (the summary's bytes left out)."""
    from stats.models import ReturnSubmission

    queryset = scoped(
        ReturnSubmission.objects.select_related("organisation", "filing", "submitted_by", "decided_by").defer(
            "summary_content"
        ),
        user,
    )
    filters = filters or {}
    if filters.get("attachment") not in (None, ""):
        queryset = queryset.filter(attachment=attachment_of(filters["attachment"]).number)
    if filters.get("year") not in (None, ""):
        queryset = queryset.filter(year=parse_year(filters["year"]))
    if filters.get("cutoff"):
        try:
            cutoff = parse_cutoff(filters["cutoff"])
        except ValueError:  # well formed but no such day
            cutoff = None
        if cutoff is None:
            raise ValidationError({"cutoff": _("统计截止日期格式应为 YYYY-MM-DD。")})
        queryset = queryset.filter(cutoff=cutoff)
    if filters.get("org"):
        queryset = queryset.filter(organisation__code=filters["org"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return queryset


def submission_versions(submission):
    """Every version the unit submitted for the same return, oldest first (bytes left out)."""
    from stats.models import ReturnSubmission

    return (
        ReturnSubmission.objects.filter(
            organisation_id=submission.organisation_id,
            attachment=submission.attachment,
            year=submission.year,
            cutoff=submission.cutoff,
        )
        .select_related("submitted_by", "decided_by", "filing")
        .defer("summary_content")
        .order_by("version")
    )
