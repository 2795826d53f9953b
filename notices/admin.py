from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from casework.admin import ScopedAdmin
from notices import services
from notices.choices import NoticeStatus
from notices.models import Notice, NoticeEntry, Objection

# A published notice is never edited (withdraw it and publish a new version, on the notices pages):
# in the admin, only drafts and their lists can change; the rest is read-only.


@admin.register(Notice)
class NoticeAdmin(ScopedAdmin):
    list_display = ["number", "title", "kind", "organisation", "posted_at", "starts_on", "ends_on", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["organisation"]
    search_fields = ["ref", "title"]
    # The photo of the posted notice is attached on the notice's page (its checks are in notices.services).
    readonly_fields = [
        "status",
        "published_on",
        "withdrawn_on",
        "withdrawn_reason",
        "replaces",
        "photo_name",
        "photo_attached_by",
        "photo_attached_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("photo_content")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.status = NoticeStatus.DRAFT  # published only through notice_publish, with its checks
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == NoticeStatus.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == NoticeStatus.DRAFT)


@admin.register(NoticeEntry)
class NoticeEntryAdmin(ScopedAdmin):
    list_display = ["notice", "person", "amount", "struck_off"]
    list_select_related = ["notice", "person"]
    raw_id_fields = ["notice", "person"]

    def _draft(self, obj):
        return obj is None or obj.notice.status == NoticeStatus.DRAFT

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._draft(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._draft(obj)

    def save_model(self, request, obj, form, change):
        if obj.notice.status != NoticeStatus.DRAFT:
            raise PermissionDenied(_("已发布的公示不能修改。"))
        super().save_model(request, obj, form, change)


@admin.register(Objection)
class ObjectionAdmin(ScopedAdmin):
    list_display = ["notice", "person", "raised_on", "upheld", "decided_on"]
    list_filter = ["upheld"]
    raw_id_fields = ["notice", "person"]
    # Decided on the notice's page (objection_decide), which also sets who decided and strikes the person off.
    readonly_fields = ["upheld", "decided_on", "decided_by"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        objection = services.objection_record(
            obj.notice,
            person=obj.person,
            raised_on=obj.raised_on,
            content=obj.content,
            acting_user=request.user,
            reason=self.admin_reason(request, "add"),
        )
        # The admin goes on with ``obj`` (its log entry, the redirect): make it the saved objection.
        obj.__dict__.update(objection.__dict__)

    def has_change_permission(self, request, obj=None):
        # An objection is decided once, on the notice's page (which also takes the person off the list).
        return super().has_change_permission(request, obj) and (obj is None or obj.upheld is None)
