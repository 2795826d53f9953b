from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from casework.scoping import scoped
from rosters.models import RosterImport


@admin.register(RosterImport)
class RosterImportAdmin(SimpleHistoryAdmin):
    list_display = ["created_at", "file_name", "kind", "organisation", "user", "status", "total_rows"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "sha256"]
    exclude = ["content_encrypted"]
    readonly_fields = [f.name for f in RosterImport._meta.fields if f.name != "content_encrypted"]

    def get_queryset(self, request):
        return scoped(super().get_queryset(request).defer("content_encrypted"), request.user)

    def has_add_permission(self, request):
        # Imports start from an upload, which the web page and the command handle.
        return False

    def has_change_permission(self, request, obj=None):
        return False
