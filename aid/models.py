from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aid.choices import SOURCES_BY_PROGRAMME, GrantSource, MeasureType, PaymentMethod, Programme, Source, Use
from beneficiaries.models import Household, Person, not_in_future
from casework.history import HistoricalRecords
from casework.models import Organisation, Record

MONEY = {"max_digits": 14, "decimal_places": 2}


class FundReceipt(Record):
    """Money raised for a programme (筹集资金)."""

    number_prefix = "CJ"

    programme = models.CharField(_("项目"), max_length=16, choices=Programme.choices)
    source = models.CharField(_("资金来源"), max_length=32, choices=Source.choices)
    received_on = models.DateField(_("到账日期"), validators=[not_in_future])
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    transferred_from = models.ForeignKey(
        Organisation,
        verbose_name=_("上级拨付单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("资金由其他工会单位拨付时填写（上级拨付）；在统计单位范围内拨付的资金只在最初到账处统计一次。"),
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("筹集资金")
        verbose_name_plural = pgettext_lazy("plural", "筹集资金")
        ordering = ["-received_on", "ref"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_receipt_amount_positive")]

    def clean(self):
        if self.programme and self.source and self.source not in SOURCES_BY_PROGRAMME[self.programme]:
            raise ValidationError({"source": _("该资金来源不适用于所选项目。")})
        if self.transferred_from_id is not None and self.transferred_from_id == self.organisation_id:
            raise ValidationError({"transferred_from": _("拨付单位不能是本单位。")})


class Expenditure(Record):
    """Money spent by a programme (使用资金)."""

    number_prefix = "ZC"

    programme = models.CharField(_("项目"), max_length=16, choices=Programme.choices)
    use = models.CharField(_("用途"), max_length=32, choices=Use.choices)
    spent_on = models.DateField(_("支出日期"), validators=[not_in_future])
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("使用资金")
        verbose_name_plural = pgettext_lazy("plural", "使用资金")
        ordering = ["-spent_on", "ref"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expenditure_amount_positive")]


class AidGrant(Record):
    """A Golden Autumn student-aid grant (助学款) to one student."""

    number_prefix = "ZX"

    person = models.ForeignKey(Person, verbose_name=_("受助学生"), on_delete=models.PROTECT, related_name="aid_grants")
    granted_on = models.DateField(_("发放日期"), validators=[not_in_future])
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    fund_source = models.CharField(_("资金来源"), max_length=32, choices=GrantSource.choices, blank=True)
    payment_method = models.CharField(_("发放方式"), max_length=16, choices=PaymentMethod.choices, blank=True)
    # A grant is paid at the standard its notice published; another amount says why (``notices.guards``).
    amount_reason = models.CharField(
        _("金额调整原因"),
        max_length=300,
        blank=True,
        help_text=_("金额与公示的帮扶标准不同时必填。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("助学款")
        verbose_name_plural = pgettext_lazy("plural", "助学款")
        ordering = ["-granted_on", "ref"]
        indexes = [models.Index(fields=["granted_on"]), models.Index(fields=["person", "granted_on"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="aid_grant_amount_positive")]


class WorkStudyOffer(Record):
    """Work-study posts (勤工俭学社会实践岗位) a unit obtained from an employer."""

    number_prefix = "QG"

    unit_name = models.CharField(_("联系单位"), max_length=200)
    offered_on = models.DateField(_("提供日期"), validators=[not_in_future])
    posts = models.PositiveIntegerField(_("岗位数"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("勤工俭学岗位")
        verbose_name_plural = pgettext_lazy("plural", "勤工俭学岗位")
        ordering = ["-offered_on", "ref"]


class AssistanceMeasure(Record):
    """One assistance a household file received (帮扶措施): living or medical relief, 送温暖, aid, employment…

    The notice's campaigns have records of their own (grants, trainings, placements…); this keeps
    every assistance of the file in one list, with its money and where the money came from.
    """

    number_prefix = "BF"

    household = models.ForeignKey(
        Household, verbose_name=_("困难职工档案"), on_delete=models.PROTECT, related_name="measures"
    )
    type = models.CharField(_("帮扶类型"), max_length=16, choices=MeasureType.choices)
    provided_on = models.DateField(_("帮扶日期"), validators=[not_in_future])
    amount = models.DecimalField(_("金额（元）"), null=True, blank=True, **MONEY)
    fund_source = models.CharField(_("资金来源"), max_length=32, choices=GrantSource.choices, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = pgettext_lazy("plural", "帮扶措施")
        ordering = ["-provided_on", "ref"]
        indexes = [models.Index(fields=["provided_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="assistance_measure_amount_positive",
                violation_error_message=_("金额必须大于0。"),
            )
        ]
