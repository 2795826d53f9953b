from django.contrib import admin

from casework.admin import ScopedAdmin
from stats.models import ReturnDeadline, ReturnFiling, ReturnSubmission


@admin.register(ReturnFiling)
class ReturnFilingAdmin(ScopedAdmin):
    """Filed returns, read only: a filing is never edited or deleted (refile instead)."""

    list_display = ["organisation", "attachment", "year", "cutoff", "preparer", "filed_at", "content_hash"]
    list_filter = ["attachment", "year"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__code", "organisation__name", "preparer"]
    readonly_fields = [
        "organisation",
        "attachment",
        "year",
        "cutoff",
        "preparer",
        "phone",
        "filed_by",
        "filed_at",
        "figures",
        "content_hash",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReturnSubmission)
class ReturnSubmissionAdmin(ScopedAdmin):
    """Submissions between levels, read only: they are made, accepted and returned on the pages and the API
    (stats.submissions), where the role and level rules are kept."""

    list_display = ["organisation", "attachment", "year", "cutoff", "version", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "attachment", "year"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__code", "organisation__name"]
    exclude = ["summary_content"]
    readonly_fields = [
        "organisation",
        "attachment",
        "year",
        "cutoff",
        "version",
        "filing",
        "status",
        "summary_name",
        "summary_type",
        "summary_size",
        "note",
        "missing",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "comment",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("summary_content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReturnDeadline)
class ReturnDeadlineAdmin(ScopedAdmin):
    """Deadlines units set for the level below, read only (set on the board page or the API)."""

    list_display = ["organisation", "attachment", "year", "cutoff", "due"]
    list_filter = ["attachment", "year"]
    list_select_related = ["organisation"]
    readonly_fields = ["organisation", "attachment", "year", "cutoff", "due"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
