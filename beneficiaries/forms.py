"""Web forms for persons, household files, schooling and graduate registrations: thin, they call the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.choices import ClosingCode, HardshipLevel, HardshipReason, IncomeSource, Relationship, ReviewOutcome
from beneficiaries.models import Graduate, Household, Person, Schooling
from beneficiaries.selectors import household_label, with_head_name
from beneficiaries.services import PERSON_DETAILS
from casework.scoping import scoped
from casework.webforms import DateInput, PickerInput, ScopedFormMixin, organisations_choice_field, use_pickers

DATE = DateInput()


class HouseholdPicker(PickerInput):
    """A household file chosen by its number or its head's name, shown as 豫0101-000123 张三户."""

    search_url_name = "household-picker-search"

    def __init__(self, attrs=None, *, households=None):
        self.households = households
        attrs = {
            "placeholder": _("输入档案编号或户主姓名查找"),
            "data-picker-empty": _("您管辖范围内没有编号或户主姓名与此相符的档案。"),
            **(attrs or {}),
        }
        super().__init__(attrs)

    def format_value(self, value):
        if isinstance(value, Household):
            return household_label(value)
        if isinstance(value, int) and self.households is not None:
            household = with_head_name(self.households.filter(pk=value)).first()
            return household_label(household) if household else ""
        return super().format_value(value)


class HouseholdChoiceField(forms.ModelChoiceField):
    """A household file of ``queryset`` (the scoped choices), picked with :class:`HouseholdPicker`.

    Takes the file's label (档案编号 户主户), its number, or its head's name when only one file of the
    choices has a head of that name; a file outside the choices is refused as an unknown one.
    """

    default_error_messages = {
        "invalid_choice": _("没有找到该档案（或不在您的管辖范围内）：请输入档案编号或户主姓名查找后选择。")
    }

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", HouseholdPicker())
        super().__init__(queryset, **kwargs)
        self.widget.households = self.queryset

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        if isinstance(getattr(self, "widget", None), HouseholdPicker):
            self.widget.households = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def prepare_value(self, value):
        return value  # the widget shows a file or its pk by its label

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Household):
            return value
        text = str(value).strip()
        numbers = {text, text.split()[0]} if text else set()
        household = self.queryset.filter(file_no__in=numbers).first()
        if household is None:
            headed = self.queryset.filter(members__relationship=Relationship.HEAD, members__name=text)
            named = list(headed.distinct()[:2])
            household = named[0] if len(named) == 1 else None
        if household is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return household

    def has_changed(self, initial, data):
        initial_pk = initial.pk if isinstance(initial, Household) else initial
        try:
            household = self.to_python(data)
        except forms.ValidationError:
            return True
        return str(initial_pk or "") != str(household.pk if household else "")


class PersonPickMixin:
    """A record's person: preset from the file page (``person`` = pk) or found by exact resident ID number.

    The full number is never shown back; lookups go through the blind index and
    the user's scope.
    """

    def _setup_person(self):
        if "person" not in self.fields:
            return
        self.fields["person"].required = False
        self.fields["person"].widget = forms.HiddenInput()
        self.fields["person_id_number"] = forms.CharField(
            label=_("身份证号码"), max_length=18, required=False, help_text=_("从档案页进入时可不填。")
        )
        self.order_fields(["person_id_number"] + [name for name in self.fields if name != "person_id_number"])
        preset = self.initial.get("person") or (self.instance.person_id if self.instance.pk else None)
        if preset:
            person = scoped(Person.objects.all(), self.user).filter(pk=preset).first()
            self.person_label = str(person) if person else ""

    def _clean_person(self, cleaned):
        if "person" not in self.fields:
            return
        if cleaned.get("person"):
            return
        number = (cleaned.get("person_id_number") or "").strip().upper()
        if not number:
            self.add_error("person_id_number", _("请填写身份证号码。"))
            return
        person = scoped(Person.objects.all(), self.user).filter(id_number_digest=Person.digest(number)).first()
        if person is None:
            self.add_error("person_id_number", _("本单位范围内没有该身份证号码的人员，请先登记人员。"))
        else:
            cleaned["person"] = person
            # The ModelForm builds its instance from cleaned_data after clean(); set it here too.
            self.instance.person = person


class RecordForm(PersonPickMixin, ScopedFormMixin, forms.ModelForm):
    """Base of every case-record form: scoped choices, date pickers, person by ID number."""

    person_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_pickers(self, Household, HouseholdChoiceField)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.DateField):
                form_field.widget = DATE
        self._setup_person()

    def clean(self):
        cleaned = super().clean()
        self._clean_person(cleaned)
        return cleaned


class PersonForm(ScopedFormMixin, forms.Form):
    """Register a person or change one; the ID number is validated by the service (Chinese message by the field).

    An edit shows neither the stored ID number nor the stored phone, only masked (as the admin's
    form does): an empty field keeps them, and the phone is cleared only by ticking "清除联系电话".
    The full numbers are read on the reveal page, each reading logged (``reveal_id_number``).
    """

    name = forms.CharField(label=_("姓名"), max_length=64)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    household = HouseholdChoiceField(queryset=Household.objects.all(), label=_("所属档案"), required=False)
    relationship = forms.ChoiceField(
        label=_("与户主关系"), choices=[("", "---------"), *Relationship.choices], required=False
    )

    def __init__(self, *args, person=None, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)
        # The member's details, as the model defines them (choices, labels); an edit starts from the stored ones.
        self.fields.update(forms.fields_for_model(Person, fields=PERSON_DETAILS))
        if person is not None:
            for name in PERSON_DETAILS:
                self.initial.setdefault(name, getattr(person, name))
        use_pickers(self, Household, HouseholdChoiceField)  # an initial ?household= is the file's pk
        self.fields["organisation"] = organisations_choice_field(self.user, label=_("登记单位"))
        if self.user.organisation_id:
            self.fields["organisation"].initial = self.user.organisation_id
        if person is not None:
            # The stored number is not shown again: leave it empty to keep it.
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("当前：%(masked)s；不修改请留空。") % {
                "masked": person.id_number_masked
            }
            self.fields["phone"].help_text = _("当前：%(masked)s；不修改请留空。") % {
                "masked": person.phone_masked or _("（无）")
            }
            if person.phone_encrypted:
                self.fields["clear_phone"] = forms.BooleanField(label=_("清除联系电话"), required=False)
            self.fields.pop("organisation")
        self.order_fields(
            [
                "name",
                "id_number",
                "phone",
                "clear_phone",
                "household",
                "relationship",
                *PERSON_DETAILS,
                "organisation",
                "reason",
            ]
        )

    def instance_pk(self):
        return self.person.pk if self.person else None

    def edited_record(self):
        return self.person

    def service_data(self):
        data = {key: self.cleaned_data[key] for key in ("name", "phone", "household", "relationship", *PERSON_DETAILS)}
        if self.cleaned_data.get("id_number"):
            data["id_number"] = self.cleaned_data["id_number"].strip()
        if self.person is not None:
            # An empty phone keeps the stored one (the form never shows it); ticking the box clears it.
            if self.cleaned_data.get("clear_phone"):
                data["phone"] = ""
            elif not (data["phone"] or "").strip():
                data.pop("phone")
        return data


class HouseholdForm(ScopedFormMixin, forms.ModelForm):
    hardship_reasons = forms.MultipleChoiceField(
        label=_("致困原因"), choices=HardshipReason.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    income_sources = forms.MultipleChoiceField(
        label=_("收入来源"), choices=IncomeSource.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Household
        fields = [
            "file_no",
            "organisation",
            "kind",
            "single_parent_female",
            "hardship_reasons",
            "hardship_level",
            "address",
            "applied_on",
            "monthly_income",
            "income_members",
            "income_sources",
            "dibao",
            "dibao_no",
            "housing",
            "responsible_user",
            "responsible_name",
            "responsible_phone",
        ]
        widgets = {"applied_on": DATE}

    def service_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SchoolingForm(RecordForm):
    class Meta:
        model = Schooling
        fields = ["person", "stage", "grade", "school", "admitted_on", "entered_on"]


class GraduateForm(RecordForm):
    class Meta:
        model = Graduate
        fields = [
            "person",
            "organisation",
            "graduation_year",
            "university",
            "university_local",
            "origin_local",
            "registered_on",
            "exited_on",
        ]


class ClosingFieldsMixin(forms.Form):
    """A closing's coded reason and the user's confirmation; the service refuses a closing without them."""

    closing_code = forms.ChoiceField(
        label=_("退出原因类别"), choices=[("", "---------"), *ClosingCode.choices], required=False
    )
    confirm = forms.BooleanField(label=_("确认办理脱困退出（退出后该户不再在档）"), required=False)


class WorkflowForm(ClosingFieldsMixin, forms.Form):
    """A workflow step on a date, with what the step asks for and a reason."""

    day = forms.DateField(label=_("日期"), widget=DATE, required=False)
    notice = forms.CharField(label=_("公示"), max_length=64, required=False)
    return_reason = forms.CharField(label=_("退回原因"), max_length=300, required=False)
    closing_reason = forms.CharField(label=_("退出说明"), max_length=300, required=False)
    reason = forms.CharField(label=_("修改原因"), max_length=200, required=False)


class ReviewFindingsForm(forms.Form):
    """What a review found (the household's monthly income and level), both optional; on the worklist each
    row has its own, prefixed with the file's id."""

    income_found = forms.DecimalField(
        label=_("核实家庭月收入（元）"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    level_found = forms.ChoiceField(
        label=_("核实困难程度"), choices=[("", "---------"), *HardshipLevel.choices], required=False
    )

    def findings(self):
        """``{income_found, level_found}`` as the service takes them (only those given)."""
        return {k: v for k in ("income_found", "level_found") if (v := self.cleaned_data.get(k)) not in (None, "")}


class AnnualReviewForm(ClosingFieldsMixin, forms.Form):
    """This year's review of a file; outcome "closed" is a closing (the service asks for its code, note and
    confirmation)."""

    outcome = forms.ChoiceField(label=_("核实结果"), choices=ReviewOutcome.choices)
    income_found = ReviewFindingsForm.base_fields["income_found"]
    level_found = ReviewFindingsForm.base_fields["level_found"]
    note = forms.CharField(label=_("说明"), required=False, widget=forms.TextInput)

    findings = ReviewFindingsForm.findings


class FileSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名、身份证号码（或后六位）或档案编号"), required=False)
