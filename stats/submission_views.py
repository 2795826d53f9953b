"""Web pages of the returns between levels: the board of a unit's submission and its direct
subordinates', submitting (上报) with the written summary, accepting or returning (退回) a
subordinate's submission, and the deadline the unit sets for the level below.

Thin: the work is in :mod:`stats.submissions` (writes) and :mod:`stats.selectors` (reads).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework.scoping import scoped, within_scope
from casework.webforms import DateInput
from stats import selectors, submissions
from stats.engine import ReturnResult
from stats.models import ReturnSubmission
from stats.views import ReturnForm, sheet_lines


class SubmitForm(forms.Form):
    preparer = forms.CharField(label=gettext_lazy("填报人"), max_length=64)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32)
    summary = forms.FileField(
        label=gettext_lazy("书面总结"),
        help_text=gettext_lazy("阶段性总结或年度总结：PDF、DOCX、XLSX 或 ODT 文件。"),
    )
    note = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("下级单位尚未全部通过审核时必填，写明未通过的单位及原因。"),
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DeadlineForm(forms.Form):
    due = forms.DateField(label=gettext_lazy("下级上报期限"), widget=DateInput())


def _board_query(data):
    return urlencode(
        {
            "attachment": data["attachment"],
            "org": data["org"],
            "year": data["year"],
            "cutoff": data["cutoff"].isoformat() if data.get("cutoff") else "",
        }
    )


def _show_errors(request, error):
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _refusal(request, error):
    if isinstance(error, PermissionDenied):
        messages.error(request, _("您没有权限执行此操作。"))
    else:
        _show_errors(request, error)


@login_required
def board_page(request):
    """A unit's own submission and the board of its direct subordinates for one return."""
    form = ReturnForm(request.GET if "attachment" in request.GET else None, user=request.user)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            board = selectors.submission_board(
                request.user,
                org_code=data["org"],
                attachment=data["attachment"],
                year=data["year"],
                cutoff=data.get("cutoff"),
            )
        except PermissionDenied:
            form.add_error("org", _("该单位不在您的管辖范围内。"))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            for row in [*board["rows"], *([board["own"]] if board["own"] else [])]:
                row["submitted_moment"] = parse_datetime(row["submitted_at"]) if row["submitted_at"] else None
            own_unit = request.user.organisation is not None and request.user.organisation.code == data["org"]
            acts = submissions.can_act(request.user) and own_unit
            context.update(
                {
                    "board": board,
                    "query": urlencode({**request.GET.dict(), "cutoff": board["cutoff"]}),
                    "can_submit": acts and board["own"] is not None,
                    "can_set_deadline": acts and bool(board["rows"]),
                    "submit_form": SubmitForm(
                        initial={"preparer": request.user.get_full_name() or request.user.get_username()}
                    ),
                    "deadline_form": DeadlineForm(initial={"due": board["subordinates_due"]}),
                    "missing": [row for row in board["rows"] if row["status"] != selectors.ACCEPTED],
                }
            )
    return render(request, "stats/submission_board.html", context)


def _board_redirect(request, form):
    if form.is_valid():
        return redirect(f"{reverse('stats-submissions')}?{_board_query(form.cleaned_data)}")
    return redirect("stats-submissions")


@login_required
@require_POST
def submit(request):
    """Submit (上报) the unit's return with its written summary."""
    form = ReturnForm(request.POST, user=request.user)
    submit_form = SubmitForm(request.POST, request.FILES)
    if not (form.is_valid() and submit_form.is_valid()):
        for errors in [*form.errors.values(), *submit_form.errors.values()]:
            for message in errors:
                messages.error(request, message)
        return _board_redirect(request, form)
    data, extra = form.cleaned_data, submit_form.cleaned_data
    try:
        submission = submissions.return_submit(
            organisation=selectors.organisation_by_code(data["org"]),
            attachment=data["attachment"],
            year=data["year"],
            cutoff=data.get("cutoff"),
            preparer=extra["preparer"],
            phone=extra["phone"],
            summary=extra["summary"],
            note=extra["note"],
            acting_user=request.user,
            reason=_("网页上报"),
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        return _board_redirect(request, form)
    messages.success(request, _("报表已上报，等待上级单位审核。"))
    return redirect("stats-submission", pk=submission.pk)


@login_required
@require_POST
def set_deadline(request):
    """The unit sets the date by which its direct subordinates submit this return."""
    form = ReturnForm(request.POST, user=request.user)
    deadline_form = DeadlineForm(request.POST)
    if not (form.is_valid() and deadline_form.is_valid()):
        for errors in [*form.errors.values(), *deadline_form.errors.values()]:
            for message in errors:
                messages.error(request, message)
        return _board_redirect(request, form)
    data = form.cleaned_data
    try:
        submissions.deadline_set(
            organisation=selectors.organisation_by_code(data["org"]),
            attachment=data["attachment"],
            year=data["year"],
            cutoff=data.get("cutoff"),
            due=deadline_form.cleaned_data["due"],
            acting_user=request.user,
            reason=_("网页设定上报期限"),
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    else:
        messages.success(request, _("下级上报期限已保存。"))
    return _board_redirect(request, form)


def _submission_or_404(request, pk):
    return get_object_or_404(
        scoped(
            ReturnSubmission.objects.select_related("organisation", "filing", "submitted_by", "decided_by").defer(
                "summary_content"
            ),
            request.user,
        ),
        pk=pk,
    )


@login_required
def submission_page(request, pk):
    """One submission: its figures laid out as filed (each linked to its records), the summary,
    every version with its decision, and accept / return for the unit directly above."""
    submission = _submission_or_404(request, pk)
    result = ReturnResult.from_figures(submission.filing.figures)
    params = {
        "attachment": submission.attachment,
        "org": submission.organisation.code,
        "year": submission.year,
        "cutoff": submission.cutoff.isoformat(),
    }
    user = request.user
    can_decide = (
        submissions.can_act(user)
        and submission.status == selectors.SUBMITTED
        and (user.sees_everything or submission.organisation.parent_id == user.organisation_id)
    )
    parent = submission.organisation.parent
    # Back to the board of the unit that decides on it, or the unit's own when that one is out of reach.
    board_params = {**params, "org": parent.code} if parent and within_scope(user, parent) else params
    return render(
        request,
        "stats/submission_page.html",
        {
            "submission": submission,
            "result": result,
            "lines": sheet_lines(result, params),
            "versions": selectors.submission_versions(submission),
            "can_decide": can_decide,
            "decision_form": DecisionForm(),
            "board_query": urlencode(board_params),
        },
    )


@login_required
def summary_download(request, pk):
    """The written summary handed in with a submission (scoped like the submission)."""
    submission = get_object_or_404(scoped(ReturnSubmission.objects.all(), request.user), pk=pk)
    response = HttpResponse(bytes(submission.summary_content), content_type=submission.summary_type)
    response["Content-Disposition"] = content_disposition_header(True, submission.summary_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _decide(request, pk, action):
    submission = _submission_or_404(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if action == "accept":
            submissions.return_accept(
                submission=submission, comment=comment, acting_user=request.user, reason=_("网页接收")
            )
            messages.success(request, _("已接收该单位的上报。"))
        else:
            submissions.return_send_back(
                submission=submission, comment=comment, acting_user=request.user, reason=_("网页退回")
            )
            messages.success(request, _("已退回该单位的上报。"))
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect("stats-submission", pk=submission.pk)


@login_required
@require_POST
def accept(request, pk):
    return _decide(request, pk, "accept")


@login_required
@require_POST
def send_back(request, pk):
    return _decide(request, pk, "send_back")
