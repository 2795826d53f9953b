"""The admin, scoped like everything else: a staff user sees and edits only their subtree,
and every admin write goes through the services (history user and reason recorded)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from casework.choices import Role
from casework.models import Organisation, User
from casework.scoping import scoped
from casework.services import model_delete, model_save, organisation_create, organisation_update


class ScopedAdmin(SimpleHistoryAdmin):
    """Rows and related-object choices limited to the user's subtree; writes through services."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset.model, "scope_path"):
            field.queryset = scoped(field.queryset, request.user)
        return field

    def _may_write(self, request):
        return request.user.is_superuser or request.user.role == Role.ADMINISTRATOR

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request)

    @staticmethod
    def admin_reason(request, verb):
        return (request.POST.get("_change_reason") or "").strip() or f"admin {verb}"

    def save_model(self, request, obj, form, change):
        model_save(obj, acting_user=request.user, reason=self.admin_reason(request, "change" if change else "add"))

    def delete_model(self, request, obj):
        model_delete(obj, acting_user=request.user, reason=self.admin_reason(request, "delete"))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        reason = self.admin_reason(request, "change" if change else "add")
        if change:
            data = {f: form.cleaned_data[f] for f in form.changed_data}
            organisation_update(obj, acting_user=request.user, reason=reason, **data)
        else:
            organisation_create(
                code=obj.code,
                name=obj.name,
                level=obj.level,
                parent=obj.parent,
                acting_user=request.user,
                reason=reason,
            )


@admin.register(User)
class ScopedUserAdmin(ScopedAdmin, UserAdmin):
    list_display = ["username", "first_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, (_("单位与角色"), {"fields": ["organisation", "role"]})]
    add_fieldsets = [*UserAdmin.add_fieldsets, (_("单位与角色"), {"fields": ["organisation", "role"]})]

    def save_model(self, request, obj, form, change):
        from casework.history import set_change_reason

        # The password form hashes in form.save(); the history row still carries user and reason.
        set_change_reason(obj, user=request.user, reason=self.admin_reason(request, "change" if change else "add"))
        obj.save()


admin.site.site_header = _("工会困难职工帮扶管理系统")
admin.site.site_title = _("困难职工帮扶管理")
