"""The pages that gather every app's records: the home page and the household file page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from aid.models import AidGrant
from beneficiaries.forms import WorkflowForm
from beneficiaries.models import Household, Schooling
from casework.choices import Role
from casework.scoping import scoped
from employment.models import Certificate, Loan, Placement, Service, Training
from notices.models import NoticeEntry
from portal import selectors


@login_required
def home(request):
    """The user's unit at a glance; a statistics officer sees returns and indicators first."""
    user = request.user
    context = {
        "summary": selectors.home_summary(user),
        "waiting": selectors.households_waiting_review(user),
        "reviews_due": selectors.annual_reviews_due(user),
        "notices": selectors.notices_running(user),
        "returns_due": selectors.returns_due(user),
        "indicators": selectors.indicators(user),
        "stats_first": user.role == Role.STATISTICS_OFFICER,
    }
    return render(request, "portal/home.html", context)


def file_records(household, user):
    """Everything recorded about the file's members, each list scoped to the user."""
    members = list(household.members.order_by("id"))

    def of(model, *related):
        return scoped(model.objects.filter(person__in=members).select_related("person", *related), user)

    return {
        "members": members,
        "schooling": of(Schooling).order_by("person_id", "entered_on"),
        "grants": of(AidGrant, "organisation"),
        "notice_entries": of(NoticeEntry, "notice").order_by("-notice__starts_on"),
        "trainings": of(Training, "institution"),
        "certificates": of(Certificate),
        "placements": of(Placement),
        "loans": of(Loan),
        "services": of(Service),
        "reviews": household.reviews.select_related("reviewed_by").order_by("-reviewed_on", "-id"),
    }


@login_required
def household_detail(request, pk):
    household = get_object_or_404(scoped(Household.objects.select_related("organisation"), request.user), pk=pk)
    context = {"household": household, "workflow_form": WorkflowForm(), **file_records(household, request.user)}
    return render(request, "portal/household_detail.html", context)
