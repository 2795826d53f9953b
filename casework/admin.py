"""The admin, scoped like everything else: a staff user sees and edits only their subtree,
and every admin write goes through the services (history user and reason recorded)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from casework import guards
from casework.access_log import access_log_for
from casework.choices import Role
from casework.models import AccessLog, ApiToken, Organisation, User
from casework.scoping import scope_filter, scoped
from casework.services import (
    ACCOUNT_ACCESS_FIELDS,
    api_token_check,
    api_token_create,
    api_token_revoke,
    check_version,
    current_version,
    model_delete,
    model_save,
    organisation_check_parent,
    organisation_create,
    organisation_update,
    user_check,
    user_create,
    user_update,
)


class ScopedAdminForm(forms.ModelForm):
    """Runs the guard rules while the form validates, so a refusal shows on the form (not as an error page)."""

    def _post_clean(self):
        super()._post_clean()
        if self._errors:
            return  # the rules read whole records; a field already refused would only add noise
        problems = guards.check(type(self.instance), [self.instance])
        for field, messages in problems.get(0, {}).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


VERSION_FIELD = "_version"


class AdminFormMixin:
    """Mixed into every admin form (:meth:`ScopedAdmin.get_form`): the acting user, and no lost update.

    A change page carries the version it was loaded with (``_version``); a save from an older
    version is refused on the form with who changed what since (:func:`check_version`). The row
    is locked first, so nobody saves between the check and this save (the admin saves in one
    transaction).
    """

    acting_user = None

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        version = (self.data.get(VERSION_FIELD) or "").strip()
        if instance.pk and version and hasattr(type(instance), "history"):
            list(type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list("pk"))
            try:
                check_version(instance, version)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["version"]) from None
        return cleaned


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The history page's list of changes, with a model's ``secret_fields`` (a password hash) as ``***``."""

    def prepare_delta_change_value(self, change, value):
        if change.field in getattr(self.model, "secret_fields", {}):
            return "***"
        return super().prepare_delta_change_value(change, value)


class ScopedAdmin(SimpleHistoryAdmin):
    """Rows and related-object choices limited to the user's subtree; writes through services.

    The change and delete pages ask for a reason (``_change_reason``), kept in the history row,
    and the change page carries the record's version (:class:`AdminFormMixin`).
    """

    form = ScopedAdminForm
    change_form_template = "casework/admin/change_form.html"
    delete_confirmation_template = "casework/admin/delete_confirmation.html"
    object_history_form_template = "casework/admin/object_history_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form)(form.__name__, (AdminFormMixin, form), {"acting_user": request.user})

    @staticmethod
    def record_version(request, obj):
        """The version a change page carries: the one it was loaded with, kept when it comes back with errors."""
        if obj is None or not obj.pk or not hasattr(type(obj), "history"):
            return None
        if request.method == "POST":
            return request.POST.get(VERSION_FIELD, "")
        return current_version(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["record_version"] = self.record_version(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def _require_history_in_scope(self, request, object_id):
        """The history of a record is as private as the record: 404 outside the user's subtree.

        A deleted record is judged by its last history row.
        """
        user = request.user
        if user.sees_everything or self.get_queryset(request).filter(pk=object_id).exists():
            return
        rows = self.model.history.filter(**{self.model._meta.pk.attname: object_id})
        try:
            last = rows.order_by("-history_date", "-history_id").first()
        except (ValueError, ValidationError):
            raise Http404 from None
        if (
            last is None
            or last.history_type != "-"
            or user.organisation_id is None
            or not rows.filter(history_id=last.history_id, **scope_filter(self.model, user.organisation)).exists()
        ):
            raise Http404

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A form sent back with errors keeps the reason typed in.
        extra_context = {**(extra_context or {}), "change_reason": request.POST.get("_change_reason", "")}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._require_history_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_history_in_scope(request, object_id)
        live = self.get_queryset(request).filter(pk=object_id).first()
        extra_context = {**(extra_context or {}), "record_version": self.record_version(request, live)}
        # A revert is a save like any other: one transaction, the row locked by the version check.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    # A choice of these is searched (the admin's autocomplete, answered by that model's scoped admin and
    # its ``search_fields``), never a select of every row: a province has tens of thousands of units.
    searched_choices = ("casework.Organisation", "beneficiaries.Household")

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        for field in self.model._meta.fields:
            related = field.related_model if field.many_to_one else None
            searched = related is not None and related._meta.label in self.searched_choices
            if searched and field.editable and field.name not in fields and self.admin_site.is_registered(related):
                fields.append(field.name)
        return fields

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

    # The app's ``(create, update)`` services, for a model whose service does more than validate and
    # save (sets the author, say): the admin then writes through them like the pages and the API.
    services = None

    def save_model(self, request, obj, form, change):
        reason = self.admin_reason(request, "change" if change else "add")
        if self.services is None:
            model_save(obj, acting_user=request.user, reason=reason)
            return
        create, update = self.services
        names = {f.name for f in self.model._meta.fields}
        data = {name: value for name, value in form.cleaned_data.items() if name in names}
        if change:
            update(obj, acting_user=request.user, reason=reason, data=data)
        else:
            saved = create(acting_user=request.user, reason=reason, data=data)
            # The admin goes on with ``obj`` (its log entry, the redirect): make it the saved record.
            obj.__dict__.update(saved.__dict__)

    def delete_model(self, request, obj):
        model_delete(obj, acting_user=request.user, reason=self.admin_reason(request, "delete"))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class OrganisationAdminForm(ScopedAdminForm):
    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        try:
            organisation_check_parent(self.instance, parent)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["parent"]) from None
        return parent


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    form = OrganisationAdminForm
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
                supervision_phone=obj.supervision_phone,
                acting_user=request.user,
                reason=reason,
            )


class AccountFormMixin:
    """The account rules of :func:`user_check` on the admin's user forms, so a refusal shows by its field."""

    def clean(self):
        cleaned = super().clean()
        stored = User.objects.select_related("organisation").get(pk=self.instance.pk) if self.instance.pk else None
        data = {field: cleaned[field] for field in ACCOUNT_ACCESS_FIELDS if field in cleaned}
        try:
            user_check(self.acting_user, stored, data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(User)
class ScopedUserAdmin(ScopedAdmin, UserAdmin):
    """Accounts, written through ``user_create``/``user_update``: a province administrator manages the
    accounts of its own subtree only, and nobody grants more than they hold (:func:`user_check`)."""

    form = UserAdmin.form  # the password widget of Django's own user form
    list_display = ["username", "first_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, (_("单位与角色"), {"fields": ["organisation", "role"]})]
    add_fieldsets = [*UserAdmin.add_fieldsets, (_("单位与角色"), {"fields": ["organisation", "role"]})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form)(form.__name__, (AccountFormMixin, form), {})

    def has_change_permission(self, request, obj=None):
        # A superuser's account is read only to everyone else.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)

    def save_form(self, request, form, change):
        return form.instance  # saved by the services in save_model, never by the form itself

    def save_model(self, request, obj, form, change):
        reason = self.admin_reason(request, "change" if change else "add")
        if change:
            data = {f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data and f != "password"}
            user_update(obj, acting_user=request.user, reason=reason, data=data)
            return
        cleaned = dict(form.cleaned_data)
        password = cleaned.get("password1") if cleaned.get("set_usable_password", True) else None
        names = {f.name for f in User._meta.get_fields()} - {"username", "password", "organisation", "role"}
        user = user_create(
            username=cleaned["username"],
            password=password,
            organisation=cleaned.get("organisation"),
            role=cleaned.get("role") or Role.CASEWORKER,
            acting_user=request.user,
            reason=reason,
            **{name: value for name, value in cleaned.items() if name in names},
        )
        # The admin goes on with ``obj`` (its log entry, the redirect): make it the saved account.
        obj.__dict__.update(user.__dict__)

    def save_related(self, request, form, formsets, change):
        # Groups and permissions were set by the service; an account has no inlines.
        pass

    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, unquote(id))
        if account is not None:
            try:
                user_check(request.user, account, {})
            except ValidationError:
                raise PermissionDenied from None
        return super().user_change_password(request, id, form_url)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """The readings of full ID numbers, for administrators to audit: read only for everyone.

    The log is the evidence of who saw whose number; if the admin could add, edit
    or delete a row it would prove nothing, so every write permission is refused,
    superusers included. Rows are scoped to the user's subtree (by the person's
    unit) like every other admin list, through the log's selector.
    """

    list_display = ["accessed_at", "user_name", "person_name", "person_id", "organisation", "purpose", "ip_address"]
    list_display_links = ["accessed_at"]
    list_select_related = ["organisation"]
    # Only the users and units that occur in the user's own rows: a plain related filter would
    # list every account and unit of the installation.
    list_filter = [
        "accessed_at",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("organisation", admin.RelatedOnlyFieldListFilter),
    ]
    date_hierarchy = "accessed_at"
    search_fields = ["user_name", "person_name", "person_id__exact", "purpose"]
    fields = ["accessed_at", "user", "user_name", "person_id", "person_name", "organisation", "purpose", "ip_address"]
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return access_log_for(request.user)

    def has_view_permission(self, request, obj=None):
        # Who read whose number is itself sensitive: administrators (or an explicit grant), not all staff.
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or user.role == Role.ADMINISTRATOR or user.has_perm("casework.view_accesslog")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApiTokenAdminForm(ScopedAdminForm):
    class Meta:
        model = ApiToken
        fields = ["name", "user", "expires_at"]

    def clean_user(self):
        user = self.cleaned_data.get("user")
        if user is not None:
            try:
                api_token_check(self.acting_user, user)
            except PermissionDenied as exc:
                raise ValidationError(str(exc) or _("该账号不在您单位的管辖范围内。")) from None
            except ValidationError as exc:
                raise ValidationError(exc.message_dict.get("user", exc.messages)) from None
        return user

    def _post_clean(self):
        # The secret and its hash are made by the service on save, not by the form.
        forms.ModelForm._post_clean(self)


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    """API tokens of the accounts in the user's subtree: listed, created (the secret shown once) and
    revoked through the services; never edited or deleted, so that the history says who used what."""

    form = ApiTokenAdminForm
    list_display = ["name", "prefix", "user", "unit", "created_by", "created_at", "last_used_at", "expires_at", "state"]
    list_select_related = ["user__organisation", "created_by"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    @admin.display(description=_("所属单位"))
    def unit(self, obj):
        return obj.user.organisation

    @admin.display(description=_("状态"))
    def state(self, obj):
        if obj.revoked_at is not None:
            return _("已吊销")
        if not obj.is_usable():
            return _("已过期")
        return _("有效")

    def get_fields(self, request, obj=None):
        return ["name", "user", "expires_at"] if obj is None else ["name", "user", "expires_at", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return False  # a token is revoked and replaced, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay, with their history

    def has_revoke_permission(self, request):
        return self._may_write(request)

    @admin.action(description=_("吊销所选令牌"), permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset:
            if token.revoked_at is None:
                api_token_revoke(token, acting_user=request.user, reason=self.admin_reason(request, "revoke"))
                revoked += 1
        self.message_user(request, _("已吊销 %(n)s 个令牌。") % {"n": revoked})

    def save_model(self, request, obj, form, change):
        token, secret = api_token_create(
            name=form.cleaned_data["name"],
            user=form.cleaned_data["user"],
            expires_at=form.cleaned_data.get("expires_at"),
            acting_user=request.user,
            reason=self.admin_reason(request, "add"),
        )
        obj.__dict__.update(token.__dict__)
        request._api_token_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        # The secret is shown on this page only, never stored, never put in a message cookie.
        from django.template.response import TemplateResponse

        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "token": obj,
            "secret": request._api_token_secret,
            "title": _("令牌已创建"),
        }
        return TemplateResponse(request, "casework/admin/api_token_created.html", context)


admin.site.site_header = _("工会困难职工帮扶管理系统")
admin.site.site_title = _("困难职工帮扶管理")
