"""Reads behind the home page (what needs doing in the user's unit) and the household file page,
each through :func:`scoped`."""

import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from aid.models import AidGrant, AssistanceMeasure
from beneficiaries.choices import HardshipReason, IncomeSource, ReviewOutcome
from beneficiaries.models import AnnualReview, Household, Schooling, on_file_q
from beneficiaries.selectors import annual_reviews_due as due_for_review
from casework.choices import Role
from casework.scoping import scoped
from employment.models import Certificate, Loan, Placement, Service, Training
from notices.choices import NoticeKind, NoticeStatus
from notices.models import Notice, NoticeEntry
from notices.selectors import awaiting_payment
from stats.models import ReturnSubmission, SubmissionStatus
from stats.selectors import INDICATORS, MISSING, deadlines_for, indicators_for

ENDING_SOON_DAYS = 7
# Each work list on the home page shows its first few rows and links to the full list.
WORK_LIMIT = 10
# A Golden Autumn notice's cleared students wait for their grant this long after it ended (then the list
# stops reminding: the school year has moved on).
GRANT_WAIT_DAYS = 365


def home_summary(user):
    """Counts for the user's unit, the 脱困率 included, computed by the database in one scan of the files."""
    today = timezone.localdate()
    open_files = Q(closed_on__isnull=True, filed_on__isnull=True)
    summary = scoped(Household.objects.all(), user).aggregate(
        on_file=Count("id", filter=on_file_q(today)),
        waiting_review=Count("id", filter=Q(reviewed_on__isnull=True, closed_on__isnull=True)),
        closed=Count("id", filter=Q(closed_on__isnull=False)),
        # How many files wait at each step of the workflow (the work lists' counts), in the same scan.
        returned=Count("id", filter=open_files & Q(returned_on__isnull=False, reviewed_on__isnull=True)),
        waiting_notice=Count("id", filter=open_files & Q(reviewed_on__isnull=False, noticed_on__isnull=True)),
        waiting_filing=Count("id", filter=open_files & Q(noticed_on__isnull=False)),
        **{f"rate_{name}": count for name, count in _out_of_hardship_counts(today.year).items()},
    )
    rate = {name: summary.pop(f"rate_{name}") for name in ("closed", "on_file")}
    summary["out_of_hardship"] = _with_percent(rate)
    return summary


def _out_of_hardship_counts(year):
    """The two counts of the 脱困率 of ``year`` as aggregates over files (:func:`out_of_hardship_rate`)."""
    closed_by_review = AnnualReview.objects.filter(
        household=OuterRef("pk"), outcome=ReviewOutcome.CLOSED, reviewed_on__year=year
    )
    return {
        # The closing first (NOT NULL, then the year): the database looks for the review only for the files
        # closed in the year. A bare date range would be NULL, not false, for an open file, and not stop it.
        "closed": Count(
            "id", filter=Q(closed_on__isnull=False) & Q(closed_on__year=year) & Q(Exists(closed_by_review))
        ),
        "on_file": Count("id", filter=on_file_q(datetime.date(year, 1, 1))),
    }


def _with_percent(counts):
    counts["percent"] = round(100 * counts["closed"] / counts["on_file"], 1) if counts["on_file"] else None
    return counts


def out_of_hardship_rate(user, year):
    """脱困率 of ``year`` in the user's subtree: the files closed by an annual review (outcome 脱困退出) in
    the year and still closed, over the files on file on 1 January. Counted by the database in one query;
    ``percent`` is None when no file was on file then."""
    return _with_percent(scoped(Household.objects.all(), user).aggregate(**_out_of_hardship_counts(year)))


def households_waiting_review(user, limit=10):
    """Applications not yet reviewed (and not closed), oldest first."""
    return (
        scoped(Household.objects.select_related("organisation"), user)
        .filter(reviewed_on__isnull=True, closed_on__isnull=True)
        .order_by("applied_on", "file_no")[:limit]
    )


def annual_reviews_due(user, today=None):
    """How many files are due for this year's annual review (the worklist's own rule)."""
    return due_for_review(user, today).count()


def notices_running(user, today=None):
    """Published notices whose period is running today, and those ending within a week (ends_on first)."""
    today = today or timezone.localdate()
    notices = scoped(Notice.objects.select_related("organisation"), user).filter(
        status=NoticeStatus.PUBLISHED, starts_on__lte=today, ends_on__gte=today
    )
    running = list(notices.order_by("ends_on", "ref")[:20])
    soon = today + datetime.timedelta(days=ENDING_SOON_DAYS)
    for notice in running:
        notice.ending_soon = notice.ends_on <= soon
    return running


def deadlines(user, today=None):
    """This year's deadlines of the notice for the user's unit (``own``, with the filing status of each)
    and its direct subordinates' returns past their deadline and not filed (``subordinates_missing``)."""
    if user.organisation_id is None:
        return {"own": [], "subordinates_missing": []}
    today = today or timezone.localdate()
    code = user.organisation.code
    try:
        rows = deadlines_for(user, year=today.year, org_code=code, today=today)["deadlines"]
    except ValidationError:
        rows = []
    return {
        "own": [row for row in rows if row["org"] == code],
        "subordinates_missing": [row for row in rows if row["org"] != code and row["status"] == MISSING],
    }


def returns_due(user, today=None):
    """The notice's deadlines for the user's unit this year, with the filing status of each."""
    return deadlines(user, today)["own"]


def indicators_cache_key(organisation_id, today):
    return f"portal:indicators:v1:{organisation_id}:{today.isoformat()}"


def indicators(user, today=None):
    """The notice's target indicators for the user's unit this year (empty when they cannot be computed).

    They are computed from Attachments 1 and 2 of the unit's whole subtree (about 0.85 s at 10^6
    persons), so once per unit and day: the figures are kept in the cache under the unit and the date
    (every user of a unit sees the same subtree), and the labels are put back in the reader's language.
    """
    if user.organisation_id is None:
        return []
    today = today or timezone.localdate()
    key = indicators_cache_key(user.organisation_id, today)
    rows = cache.get(key)
    if rows is None:
        try:
            rows = indicators_for(user, year=today.year, org_code=user.organisation.code)["indicators"]
        except ValidationError:
            rows = []
        cache.set(key, rows, timeout=24 * 60 * 60)
    labels = {key: label for key, label, *_rest in INDICATORS}
    return [{**row, "label": str(labels.get(row["key"], row["label"]))} for row in rows]


# --- each role's work ------------------------------------------------------------------------------


def roles_of(user):
    """The roles whose work the user's home shows: an administrator's (or a superuser's) includes every one."""
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return {Role.CASEWORKER, Role.REVIEWER, Role.STATISTICS_OFFICER}
    return {user.role}


def _open_files(user):
    return scoped(Household.objects.select_related("organisation"), user).filter(
        closed_on__isnull=True, filed_on__isnull=True
    )


def files_returned(user, limit=WORK_LIMIT):
    """Files returned for correction (退回修改) and not reviewed since: the caseworker completes them."""
    return (
        _open_files(user)
        .filter(returned_on__isnull=False, reviewed_on__isnull=True)
        .select_related("returned_by")
        .order_by("returned_on", "file_no")[:limit]
    )


def files_waiting_notice(user, limit=WORK_LIMIT):
    """Reviewed files whose public notice is not recorded yet, oldest review first."""
    return (
        _open_files(user)
        .filter(reviewed_on__isnull=False, noticed_on__isnull=True)
        .order_by("reviewed_on", "file_no")[:limit]
    )


def files_waiting_filing(user, limit=WORK_LIMIT):
    """Files whose notice is recorded and which are not on file yet, oldest notice first."""
    return _open_files(user).filter(noticed_on__isnull=False).order_by("noticed_on", "file_no")[:limit]


def reviews_due_first(user, today=None, limit=WORK_LIMIT):
    """The first files of the annual review worklist (its own rule and order)."""
    return due_for_review(user, today)[:limit]


def students_awaiting_grant(user, today=None, limit=5):
    """Golden Autumn notices of the unit that ended (within a year) with students cleared but not paid.

    Cleared and not yet paid is :func:`notices.selectors.awaiting_payment`, as for the payment batch.
    Counted by the database: ``{"persons": n, "notices": [notice with .waiting, …]}``, the
    notices that ended first first. The notice's payment batch (发放) pays them; this only reminds.
    """
    today = today or timezone.localdate()
    notices = scoped(Notice.objects.all(), user).filter(
        status=NoticeStatus.PUBLISHED,
        kind=NoticeKind.STUDENT_AID,
        ends_on__lt=today,
        ends_on__gte=today - datetime.timedelta(days=GRANT_WAIT_DAYS),
    )
    waiting = awaiting_payment(NoticeEntry.objects.filter(notice__in=notices))
    persons = waiting.values("person").distinct().count()
    per_notice = dict(
        waiting.values("notice")
        .annotate(n=Count("id"))
        .order_by("notice__ends_on", "notice")[:limit]
        .values_list("notice", "n")
    )
    rows = list(notices.filter(pk__in=per_notice).select_related("organisation").order_by("ends_on", "ref"))
    for notice in rows:
        notice.waiting = per_notice[notice.pk]
    return {"persons": persons, "notices": rows}


def submissions_waiting(user, limit=WORK_LIMIT):
    """The direct subordinates' returns submitted (上报) to the user's unit and not yet decided."""
    if user.organisation_id is None:
        return {"count": 0, "rows": []}
    newer = ReturnSubmission.objects.filter(
        organisation=OuterRef("organisation"),
        attachment=OuterRef("attachment"),
        year=OuterRef("year"),
        cutoff=OuterRef("cutoff"),
        version__gt=OuterRef("version"),
    )
    waiting = (
        scoped(ReturnSubmission.objects.select_related("organisation").defer("summary_content"), user)
        .filter(organisation__parent=user.organisation_id, status=SubmissionStatus.SUBMITTED)
        .exclude(Exists(newer))
    )
    return {"count": waiting.count(), "rows": list(waiting.order_by("submitted_at", "id")[:limit])}


def household_notices(household, user):
    """Published notices listing a member of ``household`` (newest first): what its notice step may name."""
    return (
        scoped(Notice.objects.all(), user)
        .filter(status=NoticeStatus.PUBLISHED, entries__person__household=household)
        .distinct()
        .order_by("-starts_on", "ref")
    )


def labels(choices, values):
    """The labels of a list of choice values (an unknown value shows as itself)."""
    known = dict(choices.choices)
    return [str(known.get(value, value)) for value in values or []]


def file_facts(household, user):
    """The file's members, its word lists by their labels, its annual reviews and its assistance measures
    (scoped to the user): what the printed form shows."""
    return {
        "members": list(household.members.order_by("id")),
        # The file's word lists, by their labels (the page joins them).
        "income_sources": labels(IncomeSource, household.income_sources),
        "hardship_reasons": labels(HardshipReason, household.hardship_reasons),
        "reviews": household.reviews.select_related("reviewed_by").order_by("-reviewed_on", "-id"),
        "measures": scoped(
            AssistanceMeasure.objects.filter(household=household).select_related("organisation"), user
        ).order_by("-provided_on", "-id"),
    }


# The members' records the file page lists: context name, model, related rows shown, order (else the model's).
MEMBER_RECORDS = (
    ("schooling", Schooling, (), ("person_id", "entered_on")),
    ("grants", AidGrant, ("organisation",), ()),
    ("notice_entries", NoticeEntry, ("notice",), ("-notice__starts_on",)),  # the notice's photo deferred below
    ("trainings", Training, ("institution",), ()),
    ("certificates", Certificate, (), ()),
    ("placements", Placement, (), ()),
    ("loans", Loan, (), ()),
    ("services", Service, (), ()),
)


def file_records(household, user):
    """Everything recorded about the file and its members, each list scoped to the user.

    Most files have two or three of these ten lists, and each list costs a query (about 1.3 ms at 10^6
    persons, most of it Django building the SQL): one query first asks which tables hold a row of the
    file (:func:`recorded`), and only those lists are read. The members come from the file, not from
    each record (``person``).
    """
    facts = file_facts(household, user)
    members = {person.pk: person for person in facts["members"]}
    checks = {name: (model, "person_id", list(members)) for name, model, _related, _order in MEMBER_RECORDS}
    checks.update(reviews=(AnnualReview, "household_id", [household.pk]))
    checks.update(measures=(AssistanceMeasure, "household_id", [household.pk]))
    found = recorded(checks)
    records = {name: [] for name, *_rest in MEMBER_RECORDS}
    for name, model, related, order in MEMBER_RECORDS:
        if name not in found:
            continue
        rows = scoped(model.objects.filter(person_id__in=members).select_related(*related), user)
        if model is NoticeEntry:
            rows = rows.defer("notice__photo_content")  # the bytes of the notice's photo, not shown here
        records[name] = list(rows.order_by(*order) if order else rows)
        for row in records[name]:
            row.person = members[row.person_id]
    for name in ("reviews", "measures"):
        if name not in found:
            facts[name] = []
    return {**facts, **records}


def recorded(checks):
    """The names of ``checks`` (name: ``(model, column, values)``) whose model has a row with ``column`` in
    ``values``: one query of ``EXISTS``, written by hand because the ORM would take longer to build it
    than the database to answer it. A check without values finds nothing."""
    checks = {name: check for name, check in checks.items() if check[2]}
    if not checks:
        return set()
    quote = connection.ops.quote_name
    tests, params = [], []
    for model, column, values in checks.values():
        marks = ", ".join(["%s"] * len(values))
        table, column = quote(model._meta.db_table), quote(column)
        tests.append(f"EXISTS (SELECT 1 FROM {table} WHERE {column} IN ({marks}))")  # noqa: S608 (names from models)
        params += values
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(tests), params)
        return {name for name, found in zip(checks, cursor.fetchone(), strict=True) if found}
