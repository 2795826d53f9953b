from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from rest_framework.exceptions import ParseError

from casework import listing
from casework.api.parsers import parse_json_file
from casework.bundle.limits import bundle_too_large
from casework.display import list_label
from casework.listing import Column, RecordType
from casework.models import ExportLog
from casework.selectors import UNIT_SCOPES, unit_paths, units_matching
from casework.services import user_set_password


def model_label(label):
    """An exported list by its name (培训), not the model's ``app.Model`` label the log keeps."""
    try:
        return list_label(apps.get_model(label))
    except (LookupError, ValueError):
        return label


# The audit log of exports, readable by the units above the exporting user (no form: nobody edits it).
listing.register(
    RecordType(
        slug="export-log",
        model=ExportLog,
        select_related=("organisation",),
        default_sort="-exported_at",
        fallback_filters=("file_format",),
        columns=[
            Column(gettext_lazy("导出时间"), "exported_at", "exported_at"),
            Column(gettext_lazy("导出人账号"), "user_name", "user_name"),
            Column(gettext_lazy("导出人单位"), "organisation.name", "organisation__path"),
            Column(gettext_lazy("数据类型"), lambda log: model_label(log.model), "model"),
            Column(gettext_lazy("筛选条件"), "filters"),
            Column(gettext_lazy("文件格式"), "file_format", "file_format"),
            Column(gettext_lazy("导出行数"), "rows", "rows"),
        ],
    )
)


@sensitive_post_parameters()
@login_required
def password_change(request):
    """Change one's own password: the old one, the new one twice, checked by Django's password validators."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["new_password1"]
        user_set_password(request.user, password=password, acting_user=request.user, reason=_("本人修改密码"))
        update_session_auth_hash(request, request.user)  # the other sessions end; this one stays signed in
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return render(request, "casework/password_change.html", {"form": form})


@login_required
def records_index(request):
    """Every record type with a list page, grouped by app (each app registers its types when it is ready)."""
    groups = {}
    for record_type in listing.registered().values():
        groups.setdefault(record_type.model._meta.app_config.verbose_name, []).append(record_type)
    return render(request, "casework/records_index.html", {"groups": groups})


class BundleImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("案卷包文件（JSON）"))
    dry_run = forms.BooleanField(label=gettext_lazy("只检查，不写入"), required=False, initial=True)
    reason = forms.CharField(label=gettext_lazy("导入原因"), max_length=200, required=False)


@login_required
def bundle_import(request):
    """Upload a case bundle: checked all or nothing by the bundle importer; every refusal with its path."""
    form = BundleImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.BUNDLE_UPLOAD_MAX_BYTES:
            form.add_error("file", bundle_too_large())
        else:
            try:
                bundle = parse_json_file(upload)
            except ParseError as error:
                form.add_error("file", str(error.detail))
            else:
                from casework.bundle import import_bundle

                result = import_bundle(
                    bundle,
                    acting_user=request.user,
                    reason=form.cleaned_data["reason"] or _("网页导入案卷包：%(name)s") % {"name": upload.name},
                    dry_run=form.cleaned_data["dry_run"],
                )
    return render(request, "casework/bundle_import.html", {"form": form, "result": result})


@login_required
def unit_search(request):
    """The unit pickers' search (``?q=洛阳``): at most 20 units of the user's choices, nearest the top first.

    ``?scope=`` names the choices (:data:`casework.selectors.UNIT_SCOPES`): the user's subtree, or the
    units a fund receipt may name as 上级拨付. Nothing outside them is found.
    """
    choices = UNIT_SCOPES.get(request.GET.get("scope") or "subtree")
    if choices is None:
        raise Http404
    units = list(units_matching(choices(request.user), request.GET.get("q", "")))
    paths = unit_paths(units)
    results = [
        {"id": unit.pk, "code": unit.code, "name": unit.name, "path": paths[unit.pk], "value": str(unit)}
        for unit in units
    ]
    return JsonResponse({"results": results})
