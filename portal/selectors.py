"""Reads behind the home page (what needs doing in the user's unit) and the household file page,
each through :func:`scoped`."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from aid.models import AidGrant, AssistanceMeasure
from beneficiaries.choices import HardshipReason, IncomeSource, ReviewOutcome
from beneficiaries.models import AnnualReview, Household, Schooling, on_file_q
from beneficiaries.selectors import annual_reviews_due as due_for_review
from casework.scoping import scoped
from employment.models import Certificate, Loan, Placement, Service, Training
from notices.choices import NoticeStatus
from notices.models import Notice, NoticeEntry
from stats.selectors import deadlines_for, indicators_for

ENDING_SOON_DAYS = 7


def home_summary(user):
    """Counts for the user's unit, computed by the database."""
    today = timezone.localdate()
    summary = scoped(Household.objects.all(), user).aggregate(
        on_file=Count("id", filter=on_file_q(today)),
        waiting_review=Count("id", filter=Q(reviewed_on__isnull=True, closed_on__isnull=True)),
        closed=Count("id", filter=Q(closed_on__isnull=False)),
    )
    summary["out_of_hardship"] = out_of_hardship_rate(user, today.year)
    return summary


def out_of_hardship_rate(user, year):
    """脱困率 of ``year`` in the user's subtree: the files closed by an annual review (outcome 脱困退出) in
    the year and still closed, over the files on file on 1 January. Counted by the database in one query;
    ``percent`` is None when no file was on file then."""
    closed_by_review = AnnualReview.objects.filter(
        household=OuterRef("pk"), outcome=ReviewOutcome.CLOSED, reviewed_on__year=year
    )
    counts = scoped(Household.objects.all(), user).aggregate(
        closed=Count("id", filter=Q(Exists(closed_by_review), closed_on__year=year)),
        on_file=Count("id", filter=on_file_q(datetime.date(year, 1, 1))),
    )
    counts["percent"] = round(100 * counts["closed"] / counts["on_file"], 1) if counts["on_file"] else None
    return counts


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


def returns_due(user, today=None):
    """The notice's deadlines for the user's unit this year, with the filing status of each."""
    if user.organisation_id is None:
        return []
    today = today or timezone.localdate()
    try:
        rows = deadlines_for(user, year=today.year, org_code=user.organisation.code, today=today)["deadlines"]
    except ValidationError:
        return []
    return [row for row in rows if row["org"] == user.organisation.code]


def indicators(user, today=None):
    """The notice's target indicators for the user's unit this year (empty when they cannot be computed)."""
    if user.organisation_id is None:
        return []
    today = today or timezone.localdate()
    try:
        return indicators_for(user, year=today.year, org_code=user.organisation.code)["indicators"]
    except ValidationError:
        return []


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


def file_records(household, user):
    """Everything recorded about the file's members, each list scoped to the user."""
    members = list(household.members.order_by("id"))

    def of(model, *related):
        return scoped(model.objects.filter(person__in=members).select_related("person", *related), user)

    return {
        "members": members,
        # The file's word lists, by their labels (the page joins them).
        "income_sources": labels(IncomeSource, household.income_sources),
        "hardship_reasons": labels(HardshipReason, household.hardship_reasons),
        "schooling": of(Schooling).order_by("person_id", "entered_on"),
        "grants": of(AidGrant, "organisation"),
        "notice_entries": of(NoticeEntry, "notice").order_by("-notice__starts_on"),
        "trainings": of(Training, "institution"),
        "certificates": of(Certificate),
        "placements": of(Placement),
        "loans": of(Loan),
        "services": of(Service),
        "reviews": household.reviews.select_related("reviewed_by").order_by("-reviewed_on", "-id"),
        "measures": scoped(
            AssistanceMeasure.objects.filter(household=household).select_related("organisation"), user
        ).order_by("-provided_on", "-id"),
    }
