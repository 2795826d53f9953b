from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from beneficiaries import services
from beneficiaries.models import AnnualReview, Graduate, Household, Person, Schooling
from casework.admin import ScopedAdmin


class PersonAdminForm(forms.ModelForm):
    id_number = forms.CharField(label=_("身份证号码"), max_length=32)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)

    class Meta:
        model = Person
        fields = ["id_number", "name", "phone", "organisation", "household", "relationship"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["id_number"] = self.instance.id_number
            self.initial["phone"] = self.instance.phone

    def clean(self):
        cleaned = super().clean()
        # The same checks as the services (they run again on save), shown on the form's fields.
        try:
            Person(household=cleaned.get("household"), relationship=cleaned.get("relationship") or "").clean()
            if cleaned.get("id_number"):
                cleaned["id_number"] = services.person_check(
                    id_number=cleaned["id_number"],
                    household=cleaned.get("household"),
                    person=self.instance if self.instance.pk else None,
                )
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned

    def _post_clean(self):
        # The ID number is encrypted by the service; model validation of the form's instance would see none.
        pass


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    form = PersonAdminForm
    list_display = ["name", "id_number_masked", "gender", "birth_year", "organisation", "household"]
    list_select_related = ["organisation", "household"]
    search_fields = ["name"]
    readonly_fields = ["gender", "birth_year"]

    def save_model(self, request, obj, form, change):
        reason = self.admin_reason(request, "change" if change else "add")
        data = dict(form.cleaned_data)
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
    list_filter = ["kind", "single_parent_female"]
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
    list_display = ["household", "reviewed_on", "outcome", "reviewed_by"]
    list_filter = ["outcome"]


@admin.register(Schooling)
class SchoolingAdmin(ScopedAdmin):
    list_display = ["ref", "person", "stage", "school", "entered_on"]
    list_filter = ["stage"]
    list_select_related = ["person"]
    search_fields = ["ref", "school"]
    raw_id_fields = ["person"]


@admin.register(Graduate)
class GraduateAdmin(ScopedAdmin):
    list_display = ["person", "organisation", "graduation_year", "university", "registered_on", "exited_on"]
    list_filter = ["graduation_year", "university_local"]
    list_select_related = ["person", "organisation"]
    raw_id_fields = ["person"]
