"""The pages that gather every app's records: the home page and the household file page (with its
printable registration and approval form)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from beneficiaries.choices import ClosingCode
from beneficiaries.forms import WorkflowForm
from beneficiaries.selectors import households_for
from beneficiaries.services import may_decide
from casework.choices import Role
from casework.exports import attachment
from portal import printing, selectors


@login_required
def home(request):
    """The user's unit at a glance and the work of the user's role: a caseworker's files to complete,
    students to pay and reviews due; a reviewer's files waiting at each step; a statistics officer's
    deadlines and subordinates' returns. The target indicators load after the page (``home_indicators``)."""
    user = request.user
    roles = selectors.roles_of(user)
    deadlines = selectors.deadlines(user)
    summary = selectors.home_summary(user)
    context = {
        "roles": roles,
        "summary": summary,
        "waiting": selectors.households_waiting_review(user),
        "reviews_due": selectors.annual_reviews_due(user),
        "notices": selectors.notices_running(user),
        "returns_due": deadlines["own"],
        "stats_first": user.role == Role.STATISTICS_OFFICER,
    }
    if Role.CASEWORKER in roles or Role.REVIEWER in roles:
        context["counts"] = summary
    if Role.CASEWORKER in roles:
        context["returned"] = selectors.files_returned(user)
        context["due_first"] = selectors.reviews_due_first(user)
        context["awaiting_grant"] = selectors.students_awaiting_grant(user)
    if Role.REVIEWER in roles:
        context["waiting_notice"] = selectors.files_waiting_notice(user)
        context["waiting_filing"] = selectors.files_waiting_filing(user)
    if Role.STATISTICS_OFFICER in roles:
        context["submissions"] = selectors.submissions_waiting(user)
        context["subordinates_missing"] = deadlines["subordinates_missing"]
    return render(request, "portal/home.html", context)


@login_required
def home_indicators(request):
    """The target indicators of the user's unit, a fragment the home page loads after itself (computed
    once per unit and day, ``selectors.indicators``)."""
    return render(request, "portal/_indicators.html", {"indicators": selectors.indicators(request.user)})


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


def _household_with_steps(user, pk):
    """The file (in the user's subtree, else 404) with who took each workflow step."""
    steps_by = ("applied_by", "returned_by", "reviewed_by", "filed_by", "closed_by", "responsible_user")
    return get_object_or_404(households_for(user).select_related(*steps_by), pk=pk)


@login_required
def household_print(request, pk):
    """The file as its registration and approval form (A4) in the browser: the document the PDF is made from."""
    household = _household_with_steps(request.user, pk)
    return HttpResponse(printing.render_html(household, request.user, request=request))


@login_required
def household_pdf(request, pk):
    household = _household_with_steps(request.user, pk)
    response = HttpResponse(printing.render_pdf(household, request.user), content_type="application/pdf")
    return attachment(response, printing.pdf_filename(household))
