from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beneficiaries.models import Graduate, Person, not_in_future
from casework.choices import Category
from casework.history import HistoricalRecords
from casework.models import Numbered, Organisation, Record, new_ref
from casework.validators import code_validator
from employment.choices import (
    CertificateLevel,
    Channel,
    Designation,
    EmployerType,
    Issuer,
    LoanKind,
    MentorKind,
    ServiceType,
    TrainingType,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class Institution(models.Model):
    """A training institution (培训机构) and the national designations it holds."""

    code = models.CharField(_("机构代码"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("机构名称"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("主管单位"), on_delete=models.PROTECT, related_name="institutions"
    )
    # One flag per national designation (Designation): filtered on by Attachment 1, rows 7-9.
    migrant_demo_base = models.BooleanField(Designation.MIGRANT_DEMO_BASE.label, default=False)
    employment_training_base = models.BooleanField(Designation.EMPLOYMENT_TRAINING_BASE.label, default=False)
    advanced_institution = models.BooleanField(Designation.ADVANCED_INSTITUTION.label, default=False)

    history = HistoricalRecords()

    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("培训机构")
        verbose_name_plural = pgettext_lazy("plural", "培训机构")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def designations(self):
        return [d for d in Designation.values if getattr(self, d)]


class Training(Record):
    """One person's enrolment in a training (培训)."""

    number_prefix = "PX"

    person = models.ForeignKey(Person, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="trainings")
    institution = models.ForeignKey(
        Institution, verbose_name=_("培训机构"), on_delete=models.PROTECT, related_name="trainings"
    )
    type = models.CharField(_("培训类型"), max_length=32, choices=TrainingType.choices)
    category = models.CharField(_("人员类别"), max_length=32, choices=Category.choices)
    started_on = models.DateField(_("开始日期"), validators=[not_in_future])
    ended_on = models.DateField(_("结束日期"), validators=[not_in_future])
    order_based = models.BooleanField(_("订单式培训"), default=False)
    targeted = models.BooleanField(_("定向式培训"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = pgettext_lazy("plural", "培训")
        ordering = ["-started_on", "ref"]
        indexes = [models.Index(fields=["started_on"]), models.Index(fields=["person", "started_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__gte=models.F("started_on")), name="training_ends_after_start")
        ]

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("结束日期不能早于开始日期。")})


class Certificate(Numbered, models.Model):
    """A vocational certificate (职业资格证书); it carries no organisation, so it is no ``Record``, but its
    ``ref`` works like one: generated when typed in, the bundle's key when imported."""

    number_prefix = "ZS"

    ref = models.CharField(_("编号"), max_length=64, unique=True, default=new_ref, validators=[code_validator])
    person = models.ForeignKey(Person, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates")
    issuer = models.CharField(_("发证部门"), max_length=16, choices=Issuer.choices)
    level = models.CharField(_("等级"), max_length=32, choices=CertificateLevel.choices)
    issued_on = models.DateField(_("发证日期"), validators=[not_in_future])
    via_assessment = models.BooleanField(_("通过职业技能鉴定"), default=False)

    history = HistoricalRecords()

    scope_path = "person__organisation__path"

    class Meta:
        verbose_name = _("职业资格证书")
        verbose_name_plural = pgettext_lazy("plural", "职业资格证书")
        ordering = ["-issued_on", "ref"]
        indexes = [models.Index(fields=["person", "issued_on"])]

    def __str__(self):
        return self.number or self.ref


class Placement(Record):
    """A person taking up employment (就业), and through which channel."""

    number_prefix = "JY"

    person = models.ForeignKey(Person, verbose_name=_("就业人员"), on_delete=models.PROTECT, related_name="placements")
    employer = models.CharField(_("就业单位"), max_length=200)
    channel = models.CharField(_("就业渠道"), max_length=32, choices=Channel.choices)
    category = models.CharField(_("人员类别"), max_length=32, choices=Category.choices)
    employed_on = models.DateField(_("就业日期"), validators=[not_in_future])
    contract_months = models.PositiveIntegerField(_("劳动合同期限（月）"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("就业")
        verbose_name_plural = pgettext_lazy("plural", "就业")
        ordering = ["-employed_on", "ref"]
        indexes = [models.Index(fields=["employed_on"]), models.Index(fields=["person", "employed_on"])]


class Loan(Record):
    """A small loan, borrowing or loan assistance (小额贷款)."""

    number_prefix = "DK"

    person = models.ForeignKey(Person, verbose_name=_("借款人"), on_delete=models.PROTECT, related_name="loans")
    kind = models.CharField(_("种类"), max_length=32, choices=LoanKind.choices)
    category = models.CharField(_("人员类别"), max_length=32, choices=Category.choices)
    lent_on = models.DateField(_("放款日期"), validators=[not_in_future])
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    jobs_created = models.PositiveIntegerField(_("带动就业人数"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("小额贷款")
        verbose_name_plural = pgettext_lazy("plural", "小额贷款")
        ordering = ["-lent_on", "ref"]
        indexes = [models.Index(fields=["lent_on"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive")]


class Service(Record):
    """A free employment service (就业服务) given to one person."""

    number_prefix = "FW"

    person = models.ForeignKey(Person, verbose_name=_("服务对象"), on_delete=models.PROTECT, related_name="services")
    type = models.CharField(_("服务类型"), max_length=32, choices=ServiceType.choices)
    served_on = models.DateField(_("服务日期"), validators=[not_in_future])
    amount = models.DecimalField(_("补贴金额（元）"), null=True, blank=True, **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("就业服务")
        verbose_name_plural = pgettext_lazy("plural", "就业服务")
        ordering = ["-served_on", "ref"]
        indexes = [models.Index(fields=["served_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="service_amount_positive")
        ]

    def clean(self):
        if self.type == ServiceType.JOB_SEARCH_SUBSIDY and self.amount is None:
            raise ValidationError({"amount": _("求职补贴须填写金额。")})
        if self.type and self.type != ServiceType.JOB_SEARCH_SUBSIDY and self.amount is not None:
            raise ValidationError({"amount": _("只有求职补贴填写金额。")})


class JobFair(Record):
    """A job fair or similar event (招聘会)."""

    number_prefix = "ZP"

    name = models.CharField(_("名称"), max_length=200)
    held_on = models.DateField(_("举办日期"), validators=[not_in_future])
    positions_total = models.PositiveIntegerField(_("提供岗位数"))
    positions_for_graduates = models.PositiveIntegerField(_("适合高校毕业生的岗位数"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = pgettext_lazy("plural", "招聘会")
        ordering = ["-held_on", "ref"]

    def clean(self):
        if (
            self.positions_total is not None
            and self.positions_for_graduates is not None
            and self.positions_for_graduates > self.positions_total
        ):
            raise ValidationError({"positions_for_graduates": _("适合高校毕业生的岗位数不能超过岗位总数。")})


class PositionOffer(Record):
    """Positions offered for graduates by an employer (岗位)."""

    number_prefix = "GW"

    employer = models.CharField(_("提供单位"), max_length=200)
    employer_type = models.CharField(_("单位类型"), max_length=32, choices=EmployerType.choices)
    offered_on = models.DateField(_("提供日期"), validators=[not_in_future])
    positions = models.PositiveIntegerField(_("岗位数"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = pgettext_lazy("plural", "岗位")
        ordering = ["-offered_on", "ref"]


class AssistancePlan(models.Model):
    """An individual assistance plan (个性化就业帮扶方案) for a registered graduate."""

    graduate = models.ForeignKey(Graduate, verbose_name=_("毕业生"), on_delete=models.CASCADE, related_name="plans")
    made_on = models.DateField(_("制订日期"), validators=[not_in_future])
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制订人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.TextField(_("方案内容"))
    next_review_on = models.DateField(_("下次回访日期"), null=True, blank=True)

    history = HistoricalRecords()

    scope_path = "graduate__organisation__path"

    class Meta:
        verbose_name = _("个性化就业帮扶方案")
        verbose_name_plural = pgettext_lazy("plural", "个性化就业帮扶方案")
        ordering = ["-made_on"]

    def __str__(self):
        return f"{self.graduate_id} {self.made_on}"


class Pairing(models.Model):
    """A cadre or model worker paired with a graduate (结对帮扶)."""

    graduate = models.ForeignKey(Graduate, verbose_name=_("毕业生"), on_delete=models.CASCADE, related_name="pairings")
    mentor = models.CharField(_("帮扶人"), max_length=100)
    mentor_kind = models.CharField(_("帮扶人类别"), max_length=16, choices=MentorKind.choices)
    since = models.DateField(_("结对日期"), validators=[not_in_future])

    history = HistoricalRecords()

    scope_path = "graduate__organisation__path"

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = pgettext_lazy("plural", "结对帮扶")
        ordering = ["-since"]

    def __str__(self):
        return f"{self.mentor} → {self.graduate_id}"
