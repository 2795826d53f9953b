"""Web pages of roster import: templates, upload, column mapping, dry-run report, confirm, progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.exports import attachment
from rosters import forms, reports, selectors, services, tasks
from rosters.models import Status
from rosters.templates import KINDS, template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_ROWS_SHOWN = 500


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    return attachment(response, filename)


def _scoped_or_404(user, pk):
    return get_object_or_404(selectors.roster_imports_for(user), pk=pk)


@login_required
def roster_index(request):
    form = forms.UploadForm(
        organisations=selectors.organisations_for(request.user),
        initial={"organisation": request.user.organisation_id},
    )
    return render(
        request,
        "rosters/index.html",
        {"kinds": KINDS.values(), "form": form, "imports": selectors.roster_imports_for(request.user)[:20]},
    )


@login_required
def template_download(request, kind):
    if kind not in KINDS:
        raise Http404
    return _xlsx(template_bytes(KINDS[kind]), f"{KINDS[kind].label}模板.xlsx")


@login_required
@require_POST
def roster_upload(request):
    form = forms.UploadForm(request.POST, request.FILES, organisations=selectors.organisations_for(request.user))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            roster_import = services.roster_upload(
                acting_user=request.user,
                organisation=form.cleaned_data["organisation"],
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
            )
        except ValidationError as error:
            form.add_error("file", error)
        except PermissionDenied as error:
            form.add_error("organisation", str(error))
        else:
            if roster_import.status == Status.CHECK_QUEUED:
                tasks.start_check(roster_import)
                return redirect("rosters:detail", pk=roster_import.pk)
            return redirect("rosters:mapping", pk=roster_import.pk)
    return render(
        request,
        "rosters/index.html",
        {"kinds": KINDS.values(), "form": form, "imports": selectors.roster_imports_for(request.user)[:20]},
        status=400,
    )


@login_required
def roster_mapping(request, pk):
    roster_import = _scoped_or_404(request.user, pk)
    unknown = services.unknown_headers(roster_import)
    form = forms.MappingForm(request.POST or None, unknown=unknown)
    if request.method == "POST" and form.is_valid():
        try:
            roster_import = services.roster_map_columns(roster_import, acting_user=request.user, mapping=form.mapping())
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            tasks.start_check(roster_import)
            return redirect("rosters:detail", pk=roster_import.pk)
    return render(request, "rosters/mapping.html", {"roster_import": roster_import, "form": form})


@login_required
def roster_detail(request, pk):
    roster_import = _scoped_or_404(request.user, pk)
    problems = (roster_import.report or {}).get("problems", [])
    return render(
        request,
        "rosters/detail.html",
        {
            "roster_import": roster_import,
            "problems": problems[:REPORT_ROWS_SHOWN],
            "problem_count": len(problems),
            "more": max(0, len(problems) - REPORT_ROWS_SHOWN),
            "counts": (roster_import.report or {}).get("counts", {}),
            "hidden": (roster_import.report or {}).get("hidden", {}),
        },
    )


@login_required
@require_POST
def roster_confirm(request, pk):
    roster_import = _scoped_or_404(request.user, pk)
    try:
        roster_import = services.roster_confirm(roster_import, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        tasks.start_import(roster_import)
        messages.success(request, _("已开始导入。"))
    return redirect("rosters:detail", pk=pk)


@login_required
def report_download(request, pk):
    roster_import = _scoped_or_404(request.user, pk)
    if not roster_import.report:
        raise Http404
    stem = roster_import.file_name.rsplit(".", 1)[0]
    return _xlsx(reports.error_bytes(roster_import), f"{stem}-检查结果.xlsx")
