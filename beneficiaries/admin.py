from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from beneficiaries import services
from beneficiaries.models import AnnualReview, Graduate, Household, Person, Schooling
from casework.access_log import reveal_id_number
from casework.admin import ScopedAdmin
from casework.security import may_view_personal_data


class PersonAdminForm(forms.ModelForm):
    """The stored ID number and phone are never put back into the form: it shows them masked, and an
    empty field keeps them. The full numbers are read on the reveal page, logged (``reveal_id_number``)."""

    id_number = forms.CharField(label=_("身份证号码"), max_length=32)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    clear_phone = forms.BooleanField(label=_("清除联系电话"), required=False)

    class Meta:
        model = Person
        fields = [
            "id_number",
            "name",
            "phone",
            "clear_phone",
            "organisation",
            "household",
            "relationship",
            *services.PERSON_DETAILS,
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("当前：%(masked)s；不修改请留空。") % {
                "masked": self.instance.id_number_masked
            }
            self.fields["phone"].help_text = _("当前：%(masked)s；不修改请留空。") % {
                "masked": self.instance.phone_masked or _("（无）")
            }

    def clean(self):
        cleaned = super().clean()
        # The same checks as the services (they run again on save), shown on the form's fields.
        try:
            Person(household=cleaned.get("household"), relationship=cleaned.get("relationship") or "").clean()
            number = cleaned.get("id_number") or (self.instance.id_number if self.instance.pk else "")
            if number:
                checked = services.person_check(
                    id_number=number,
                    household=cleaned.get("household"),
                    person=self.instance if self.instance.pk else None,
                )
                if cleaned.get("id_number"):
                    cleaned["id_number"] = checked
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned

    def _post_clean(self):
        # The ID number is encrypted by the service; model validation of the form's instance would see none.
        pass

    def service_data(self):
        """What the service writes: an empty ID number or phone keeps the stored one."""
        data = dict(self.cleaned_data)
        if not data.get("id_number"):
            data.pop("id_number", None)
        if data.pop("clear_phone", False):
            data["phone"] = ""
        elif not data.get("phone") and self.instance.pk:
            data.pop("phone", None)
        return data


class RevealForm(forms.Form):
    purpose = forms.CharField(label=_("查看目的"), max_length=300)


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    form = PersonAdminForm
    list_display = ["name", "id_number_masked", "gender", "birth_year", "organisation", "household"]
    list_select_related = ["organisation", "household"]
    search_fields = ["name"]
    readonly_fields = ["gender", "birth_year"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            return fields
        return [name for name in fields if name != "clear_phone"]  # nothing to clear on an add or read-only page

    # A read-only change page (staff who do not write) shows its fields through these, found before
    # the model's properties of the same name, which would decrypt.
    @admin.display(description=_("身份证号码"))
    def id_number(self, obj):
        return obj.id_number_masked

    @admin.display(description=_("联系电话"))
    def phone(self, obj):
        return obj.phone_masked

    def save_model(self, request, obj, form, change):
        reason = self.admin_reason(request, "change" if change else "add")
        data = form.service_data()
        if change:
            services.person_update(obj, acting_user=request.user, reason=reason, data=data)
        else:
            person = services.person_register(acting_user=request.user, reason=reason, **data)
            # The admin goes on with ``obj`` (its log entry, the redirect): make it the saved person.
            obj.__dict__.update(person.__dict__)

    def save_form(self, request, form, change):
        return form.instance

    def save_related(self, request, form, formsets, change):
        # A person has no many-to-many fields or inlines, and the form was never saved by the form itself.
        pass

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if len(search_term.strip()) == 18:
            queryset |= self.get_queryset(request).filter(id_number_digest=Person.digest(search_term))
        return queryset, duplicates

    def get_urls(self):
        reveal = path(
            "<path:object_id>/reveal/",
            self.admin_site.admin_view(self.reveal_view),
            name="beneficiaries_person_reveal",
        )
        return [reveal, *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and may_view_personal_data(request.user):
            context["reveal_url"] = reverse("admin:beneficiaries_person_reveal", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def reveal_view(self, request, object_id):
        """The full ID number and phone of one person, for a holder of the permission, each reading logged."""
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404
        if not may_view_personal_data(request.user):
            raise PermissionDenied
        form = RevealForm(request.POST or None)
        revealed = None
        if request.method == "POST" and form.is_valid():
            number = reveal_id_number(
                person, request.user, form.cleaned_data["purpose"], ip_address=request.META.get("REMOTE_ADDR")
            )
            revealed = {"id_number": number, "phone": person.phone}
        context = {
            **self.admin_site.each_context(request),
            "title": _("查看完整号码：%(name)s") % {"name": person.name},
            "opts": self.opts,
            "original": person,
            "form": form,
            "revealed": revealed,
            "change_url": reverse("admin:beneficiaries_person_change", args=[person.pk]),
        }
        # admin_view marks the page never_cache (no-store): the numbers stay in no cache.
        return TemplateResponse(request, "casework/admin/reveal.html", context)


class MemberInline(admin.TabularInline):
    model = Person
    fields = ["name", "relationship"]
    readonly_fields = ["name", "relationship"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["file_no", "organisation", "kind", "single_parent_female", "applied_on", "filed_on", "closed_on"]
    list_filter = ["kind", "hardship_level", "single_parent_female", "dibao"]
    list_select_related = ["organisation"]
    search_fields = ["file_no"]
    date_hierarchy = "applied_on"
    inlines = [MemberInline]
    # The workflow is taken on the file page and the API, with its roles and rules (beneficiaries.services).
    readonly_fields = sorted(services.WORKFLOW_FIELDS)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Through the service: a file moved to another unit takes its members along.
        data = {field: form.cleaned_data[field] for field in form.changed_data}
        services.household_update(obj, acting_user=request.user, reason=self.admin_reason(request, "change"), data=data)


@admin.register(AnnualReview)
class AnnualReviewAdmin(ScopedAdmin):
    list_display = ["household", "reviewed_on", "outcome", "level_found", "income_found", "reviewed_by"]
    list_filter = ["outcome"]
    readonly_fields = ["reviewed_by"]  # the reviewer is whoever records the review (the service sets it)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Through the service, like the worklist and the API: its rules, its reviewer, its closing.
        review = services.annual_review_record(
            obj.household,
            outcome=obj.outcome,
            day=obj.reviewed_on,
            note=obj.note,
            income_found=obj.income_found,
            level_found=obj.level_found,
            acting_user=request.user,
            reason=self.admin_reason(request, "add"),
        )
        obj.__dict__.update(review.__dict__)


@admin.register(Schooling)
class SchoolingAdmin(ScopedAdmin):
    list_display = ["number", "person", "stage", "grade", "school", "admitted_on", "entered_on"]
    list_filter = ["stage", "grade"]
    list_select_related = ["person"]
    search_fields = ["ref", "school"]
    raw_id_fields = ["person"]


@admin.register(Graduate)
class GraduateAdmin(ScopedAdmin):
    list_display = ["person", "organisation", "graduation_year", "university", "registered_on", "exited_on"]
    list_filter = ["graduation_year", "university_local"]
    list_select_related = ["person", "organisation"]
    raw_id_fields = ["person"]
