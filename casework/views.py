from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ParseError

from casework import listing
from casework.api.parsers import parse_json_file
from casework.listing import Column, RecordType
from casework.models import ExportLog

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
            Column(gettext_lazy("数据类型"), "model", "model"),
            Column(gettext_lazy("筛选条件"), "filters"),
            Column(gettext_lazy("文件格式"), "file_format", "file_format"),
            Column(gettext_lazy("导出行数"), "rows", "rows"),
        ],
    )
)


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


MAX_BUNDLE_BYTES = 50 * 1024 * 1024


@login_required
def bundle_import(request):
    """Upload a case bundle: checked all or nothing by the bundle importer; every refusal with its path."""
    form = BundleImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BUNDLE_BYTES:
            form.add_error("file", _("文件过大（不能超过 50 MB）。"))
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
