from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aid.choices import GrantSource, PaymentMethod
from beneficiaries.choices import StageGroup
from casework.services import current_version
from casework.webforms import VERSION_FIELD, DateInput, UnitCodeField
from notices import selectors
from notices.choices import NoticeKind
from notices.models import Notice


class NoticeForm(forms.Form):
    """A notice's details and its list: one amount box per person offered, an empty box leaves the person out.

    The build page offers a page of the eligible persons with their standard already in the box; a
    draft's edit page shows its own entries with their amounts and a page of further persons with the
    standard as a hint only (typing it in adds the person). An edit carries the version of the draft
    it was loaded with (``version``), so a save over someone else's changes is refused.
    """

    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("公示类别"), choices=NoticeKind.choices, initial=NoticeKind.STUDENT_AID, required=False
    )
    posted_at = forms.CharField(label=_("公示地点"), max_length=200, help_text=_("职工所在单位，或所在社区（村）。"))
    contact = forms.CharField(label=_("异议联系人及电话"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput)
    period_days = forms.IntegerField(label=_("公示期（天）"), min_value=1, max_value=366)
    mask_names = forms.BooleanField(label=_("姓名脱敏（如 张*明）"), required=False)

    def __init__(self, *args, people, amounts=None, standards=None, hints=None, notice=None, **kwargs):
        """``people``: the persons offered (a page of candidates, and a draft's own entries); ``amounts``:
        person pk → amount in the box; ``hints``: person pk → amount shown as a hint in an empty box."""
        kwargs.setdefault("initial", self.base_initial())
        super().__init__(*args, **kwargs)
        if notice is not None:
            self.fields[VERSION_FIELD] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=current_version(notice)
            )
        self.people = list(people)
        amounts, hints = amounts or {}, hints or {}
        for person in self.people:
            hint = hints.get(person.pk)
            self.fields[self.amount_field(person)] = forms.DecimalField(
                label=person.name,
                required=False,
                min_value=Decimal("0.01"),
                max_digits=14,
                decimal_places=2,
                initial=amounts.get(person.pk),
                widget=forms.NumberInput(attrs={"step": "0.01", **({"placeholder": hint} if hint else {})}),
            )

    @staticmethod
    def base_initial():
        return {
            "title": _("困难职工帮扶对象公示"),
            "starts_on": timezone.localdate(),
            "period_days": selectors.period_days(),
            "kind": NoticeKind.STUDENT_AID,
            "mask_names": False,
        }

    @staticmethod
    def amount_field(person):
        return f"amount_{person.pk}"

    def rows(self):
        """``(person, bound amount field)`` for the template."""
        return [(person, self[self.amount_field(person)]) for person in self.people]

    def entries(self):
        return [
            {"person": person, "amount": self.cleaned_data[self.amount_field(person)]}
            for person in self.people
            if self.cleaned_data.get(self.amount_field(person))
        ]

    def details(self):
        fields = ("title", "kind", "posted_at", "contact", "starts_on", "period_days", "mask_names")
        details = {k: self.cleaned_data[k] for k in fields}
        details["kind"] = details["kind"] or NoticeKind.STUDENT_AID  # optional: student aid unless chosen
        return details

    def expected_version(self):
        """The draft's version the edit page was loaded with (``None`` when not sent)."""
        return (self.cleaned_data.get(VERSION_FIELD) or "").strip() or None

    @classmethod
    def initial_from(cls, notice):
        return {
            "title": notice.title,
            "kind": notice.kind,
            "posted_at": notice.posted_at,
            "contact": notice.contact,
            "starts_on": notice.starts_on,
            "period_days": (notice.ends_on - notice.starts_on).days + 1,
            "mask_names": notice.mask_names,
        }


class BuilderFilterForm(forms.Form):
    """The notice builder's list: which unit, which kind of notice, and narrowing by name, file and stage."""

    org = UnitCodeField(label=_("公示单位"), required=False)
    kind = forms.ChoiceField(label=_("公示类别"), choices=NoticeKind.choices, required=False)
    name = forms.CharField(label=_("姓名"), max_length=64, required=False)
    file_no = forms.CharField(label=_("档案编号"), max_length=64, required=False)
    stage_group = forms.ChoiceField(label=_("学段"), choices=[("", _("全部学段")), *StageGroup.choices], required=False)

    def __init__(self, *args, units=None, **kwargs):
        """``units``: the units the list may be of (the unit picker's choices); ``None`` when the unit is
        fixed (a draft's), and the form then has no unit field."""
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["org"]
        else:
            self.fields["org"].set_units(units)

    def values(self):
        """The filters, empty when the query was not valid; ``kind`` defaults to 金秋助学."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("kind") or NoticeKind.STUDENT_AID,
            "name": (data.get("name") or "").strip(),
            "file_no": (data.get("file_no") or "").strip(),
            "stage_group": data.get("stage_group") or "",
        }


class WithdrawForm(forms.Form):
    withdrawn_reason = forms.CharField(label=_("撤回原因"), max_length=300)


class ReplaceForm(forms.Form):
    withdrawn_reason = forms.CharField(
        label=_("撤回原因"), max_length=300, required=False, help_text=_("原公示仍在发布状态时必填。")
    )
    starts_on = forms.DateField(label=_("新公示开始日期"), widget=DateInput)
    period_days = forms.IntegerField(label=_("公示期（天）"), min_value=1, max_value=366)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"starts_on": timezone.localdate(), "period_days": selectors.period_days()})
        super().__init__(*args, **kwargs)


class ObjectionForm(forms.Form):
    person = forms.TypedChoiceField(label=_("被异议人员"), coerce=int)
    raised_on = forms.DateField(label=_("提出日期"), widget=DateInput)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, notice: Notice, **kwargs):
        kwargs.setdefault("initial", {"raised_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            (entry.person_id, f"{entry.person.name}（{entry.person.id_number_masked}）")
            for entry in selectors.notice_entries(notice)
        ]


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("", _("请选择")), ("1", _("异议成立")), ("0", _("异议不成立"))],
        coerce=lambda v: v == "1",
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("张贴照片"), help_text=_("JPEG 或 PNG 图片。"))


class PaymentForm(forms.Form):
    """A payment batch of an ended notice: the day and how the money is paid, then the confirmation of what
    the page showed (how many, how much), so the batch writes exactly what was confirmed."""

    granted_on = forms.DateField(label=_("发放日期"), widget=DateInput)
    fund_source = forms.ChoiceField(
        label=_("资金来源"), choices=[("", "---------"), *GrantSource.choices], required=False
    )
    payment_method = forms.ChoiceField(
        label=_("发放方式"), choices=[("", "---------"), *PaymentMethod.choices], required=False
    )
    expected_count = forms.IntegerField(widget=forms.HiddenInput, required=False)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, required=False, decimal_places=2, max_digits=16)
    confirm = forms.BooleanField(label=_("已核对名单和金额，确认发放"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"granted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_granted_on(self):
        day = self.cleaned_data["granted_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("发放日期不能晚于今天。"))
        return day
