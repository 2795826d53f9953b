"""Web forms of the aid records; they validate input and leave the writing to the record services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aid.ledgers import ledger_unit, this_year
from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from aid.selectors import published_standard
from beneficiaries.forms import RecordForm
from beneficiaries.models import Person
from casework.models import Organisation
from casework.scoping import scoped, transfer_sources
from casework.selectors import organisations_for
from casework.webforms import UnitCodeField


class AidGrantForm(RecordForm):
    """A grant to one student. From the file page (person preset) the unit defaults to the household's and
    the amount to the standard the student's notice published; another amount needs a reason (the guard
    ``notices.guards.grant_at_published_standard`` says so on every route). Left empty, the unit is the
    household's."""

    class Meta:
        model = AidGrant
        fields = ["person", "organisation", "granted_on", "amount", "amount_reason", "fund_source", "payment_method"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = False
        self.fields["organisation"].help_text = _("不填时为受助学生所在档案的建档单位。")
        if self.instance.pk:
            return
        person = self._preset_person()
        if person is None:
            return
        unit = self._household_unit(person)
        if unit is not None:
            self.initial["organisation"] = unit.pk
        day = timezone.localdate()
        self.initial.setdefault("granted_on", day)
        standard = published_standard(person, day)
        if standard is not None:
            self.initial.setdefault("amount", standard)

    def _preset_person(self):
        preset = self.initial.get("person")
        if not preset:
            return None
        return scoped(Person.objects.select_related("household"), self.user).filter(pk=preset).first()

    def _household_unit(self, person):
        """The unit of the person's household file, when the user's scope holds it."""
        household = person.household if person.household_id else None
        if household is None:
            return None
        return scoped(Organisation.objects.all(), self.user).filter(pk=household.organisation_id).first()

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        if not cleaned.get("organisation") and person is not None:
            unit = self._household_unit(person)
            if unit is None:
                self.add_error("organisation", _("请选择填报单位。"))
            else:
                cleaned["organisation"] = unit
                self.instance.organisation = unit
        elif not cleaned.get("organisation") and "organisation" not in self.errors:
            self.add_error("organisation", _("请选择填报单位。"))
        return cleaned


class FundReceiptForm(RecordForm):
    class Meta:
        model = FundReceipt
        fields = ["organisation", "programme", "source", "received_on", "amount", "transferred_from", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["transferred_from"]
        field.queryset = transfer_sources(Organisation.objects.order_by("path"), self.user)
        field.widget.scope = "transfer"  # the picker searches the same choices (casework.selectors.UNIT_SCOPES)


class ExpenditureForm(RecordForm):
    class Meta:
        model = Expenditure
        fields = ["organisation", "programme", "use", "spent_on", "amount", "note"]


class WorkStudyOfferForm(RecordForm):
    class Meta:
        model = WorkStudyOffer
        fields = ["organisation", "unit_name", "offered_on", "posts"]


class AssistanceMeasureForm(RecordForm):
    class Meta:
        model = AssistanceMeasure
        fields = ["household", "organisation", "type", "provided_on", "amount", "fund_source", "note"]


class LedgerForm(forms.Form):
    """Which unit's subtree and which period a ledger (台账) covers; the unit must be one the user sees."""

    org = UnitCodeField(label=_("单位"))
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["org"].set_units(organisations_for(user))  # any unit of the subtree, picked by name

    @classmethod
    def with_defaults(cls, query, *, user):
        """Bound to ``query`` over the defaults: the user's own unit and this calendar year."""
        start, end = this_year(timezone.localdate())
        org = user.organisation.code if user.organisation_id else ""
        data = {"org": org, "start": start.isoformat(), "end": end.isoformat()}  # type="date" wants ISO
        data.update({key: query[key] for key in ("org", "start", "end") if query.get(key)})
        return cls(data, user=user)

    def clean_org(self):
        unit = self.cleaned_data["org"]
        if unit is None or ledger_unit(self.user, unit.code) is None:
            raise ValidationError(_("该单位不在您的管辖范围内。"))
        return unit

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return cleaned
