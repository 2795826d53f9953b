"""The pages that gather every app's records: the home page and the household file page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from beneficiaries.choices import ClosingCode
from beneficiaries.forms import WorkflowForm
from beneficiaries.selectors import households_for
from beneficiaries.services import may_decide
from casework.choices import Role
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


@login_required
def household_detail(request, pk):
    household = get_object_or_404(households_for(request.user), pk=pk)
    decides = may_decide(request.user, household)
    context = {
        "household": household,
        "workflow_form": WorkflowForm(),
        # The workflow buttons are the reviewer's; nobody else sees them (the services refuse them too).
        "may_decide": decides,
        "notice_choices": selectors.household_notices(household, request.user) if decides else [],
        "closing_codes": ClosingCode.choices,
        **selectors.file_records(household, request.user),
    }
    return render(request, "portal/household_detail.html", context)
