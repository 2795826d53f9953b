from django.contrib import admin

from casework.admin import ScopedAdmin
from stats.models import ReturnFiling


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
