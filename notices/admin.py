from django.contrib import admin

from casework.admin import ScopedAdmin
from notices.models import Notice, NoticeEntry, Objection


@admin.register(Notice)
class NoticeAdmin(ScopedAdmin):
    list_display = ["ref", "title", "organisation", "posted_at", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    list_select_related = ["organisation"]
    search_fields = ["ref", "title"]


@admin.register(NoticeEntry)
class NoticeEntryAdmin(ScopedAdmin):
    list_display = ["notice", "person", "amount"]
    list_select_related = ["notice", "person"]
    raw_id_fields = ["notice", "person"]


@admin.register(Objection)
class ObjectionAdmin(ScopedAdmin):
    list_display = ["notice", "person", "raised_on", "upheld", "decided_on"]
    list_filter = ["upheld"]
    raw_id_fields = ["notice", "person"]
