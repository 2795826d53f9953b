from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beneficiaries.models import Person, not_in_future
from casework.history import HistoricalRecords
from casework.models import Record
from notices.choices import NoticeKind, NoticeStatus, PeriodState


class Notice(Record):
    """A public notice (公示) of newly assisted persons and their assistance standard."""

    title = models.CharField(_("标题"), max_length=200, blank=True)
    posted_at = models.CharField(_("公示地点"), max_length=200)
    contact = models.CharField(_("异议联系人及电话"), max_length=200, blank=True)
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示结束日期"))
    status = models.CharField(_("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.PUBLISHED)
    kind = models.CharField(_("公示类别"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.STUDENT_AID)
    # Names are shown in full by default: neighbours must be able to check who is listed.
    mask_names = models.BooleanField(_("姓名脱敏"), default=False)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("替代的公示"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True, validators=[not_in_future])
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True, validators=[not_in_future])
    # A photo of the notice as posted, kept as proof (JPEG or PNG, checked by its first bytes).
    photo_name = models.CharField(_("张贴照片文件名"), max_length=200, blank=True, editable=False)
    photo_type = models.CharField(_("张贴照片类型"), max_length=20, blank=True, editable=False)
    photo_content = models.BinaryField(_("张贴照片"), null=True, blank=True, editable=False)
    photo_attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("照片上传人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_attached_at = models.DateTimeField(_("照片上传时间"), null=True, blank=True, editable=False)

    # The history says who attached a photo when; the bytes themselves stay out of it.
    history = HistoricalRecords(excluded_fields=["photo_content"])

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = pgettext_lazy("plural", "公示")
        ordering = ["-starts_on", "ref"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="notice_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.title or _('公示')}（{self.number}）"

    @classmethod
    def short_number(cls, pk, starts_on=None):
        """``2014-0007``: the year the notice starts and its id (``casework.models.Numbered``)."""
        if pk is None:
            return ""
        return f"{starts_on.year}-{pk:04d}" if starts_on else f"{pk:04d}"

    @property
    def number(self):
        return self.short_number(self.pk, self.starts_on)

    number.fget.short_description = _("编号")

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("公示结束日期不能早于开始日期。")})

    def period_state(self, day=None):
        """Upcoming, running or ended on ``day`` (today by default), by the notice's dates."""
        day = day or timezone.localdate()
        if day < self.starts_on:
            return PeriodState.UPCOMING
        return PeriodState.RUNNING if day <= self.ends_on else PeriodState.ENDED

    def get_period_state_display(self):
        return PeriodState(self.period_state()).label

    @property
    def has_photo(self):
        return bool(self.photo_name)

    @property
    def is_student_aid(self):
        return self.kind == NoticeKind.STUDENT_AID

    @property
    def is_draft(self):
        return self.status == NoticeStatus.DRAFT

    @property
    def is_published(self):
        return self.status == NoticeStatus.PUBLISHED


class NoticeEntry(models.Model):
    """One person on a notice, with the assistance standard (帮扶标准)."""

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="notice_entries")
    amount = models.DecimalField(_("帮扶标准（元）"), max_digits=14, decimal_places=2)
    # An upheld objection takes the person off the list; the row stays so the notice's history is whole.
    struck_off = models.BooleanField(_("异议成立已除名"), default=False)

    history = HistoricalRecords()

    scope_path = "notice__organisation__path"

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = pgettext_lazy("plural", "公示名单")
        ordering = ["notice_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "person"], name="notice_entry_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="notice_entry_amount_positive"),
        ]

    def __str__(self):
        return f"{self.notice_id}:{self.person_id}"


class Objection(models.Model):
    """An objection (异议) raised against a person on a notice, and its outcome."""

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="objections")
    person = models.ForeignKey(
        Person, verbose_name=_("被异议人员"), on_delete=models.PROTECT, related_name="objections"
    )
    raised_on = models.DateField(_("提出日期"), validators=[not_in_future])
    content = models.TextField(_("异议内容"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    decided_on = models.DateField(_("处理日期"), null=True, blank=True, validators=[not_in_future])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    scope_path = "notice__organisation__path"

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = pgettext_lazy("plural", "异议")
        ordering = ["raised_on", "id"]

    def __str__(self):
        return f"{self.notice_id}:{self.person_id} {self.raised_on}"
