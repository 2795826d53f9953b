"""A filed return: the figures as they were handed in, frozen, with a hash to prove it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.history import HistoricalRecords
from casework.models import Organisation


class Attachment(models.IntegerChoices):
    EMPLOYMENT = 1, _("附件1 技能培训促就业行动情况统计表")
    SUNSHINE = 2, _("附件2 工会阳光就业行动情况统计表")
    STUDENT_AID = 3, _("附件3 各地工会金秋助学情况统计表")


class ReturnFilingQuerySet(models.QuerySet):
    """Bulk ``update()`` and ``delete()`` would bypass the refusal in the model: refuse them too."""

    def update(self, **kwargs):
        raise ValidationError(_("已报送的报表不能修改；如需更正，请重新报送。"))

    def delete(self):
        raise ValidationError(_("已报送的报表不能删除。"))


class ReturnFiling(models.Model):
    """One return handed in by a unit (填报). Never edited: a correction is a new filing.

    ``figures`` is the return's JSON as computed at ``filed_at``; ``content_hash``
    is the SHA-256 of its canonical form. The same figures come back from the
    records as of ``filed_at`` (``--as-recorded-at``), whatever was corrected later.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="return_filings"
    )
    attachment = models.PositiveSmallIntegerField(_("附件"), choices=Attachment.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    cutoff = models.DateField(_("统计截止日期"))
    preparer = models.CharField(_("填报人"), max_length=64)
    phone = models.CharField(_("联系电话"), max_length=32)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送账号"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("报送时间"), default=timezone.now, db_index=True)
    figures = models.JSONField(_("报表数据"))
    content_hash = models.CharField(_("内容摘要（SHA-256）"), max_length=64)

    history = HistoricalRecords()
    objects = ReturnFilingQuerySet.as_manager()

    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("报表报送")
        verbose_name_plural = pgettext_lazy("plural", "报表报送")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["organisation", "attachment", "year", "cutoff"])]

    def __str__(self):
        return f"{self.organisation.code} 附件{self.attachment} {self.year} {self.cutoff}"

    def save(self, *args, **kwargs):
        # A filing is a record of what was handed in: once written it never changes.
        if not self._state.adding:
            raise ValidationError(_("已报送的报表不能修改；如需更正，请重新报送。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("已报送的报表不能删除。"))


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已上报")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已接收")


class ReturnSubmission(models.Model):
    """One version of a unit's return submitted (上报) to the unit above, with its written summary.

    Every submit makes a new row (``version`` counts them); the unit above accepts or
    returns (退回) it, which changes only ``status`` and the decision fields, kept in the
    row's history. The figures are those of ``filing``, computed from the records of the
    whole subtree when it was submitted.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("上报单位"), on_delete=models.PROTECT, related_name="return_submissions"
    )
    attachment = models.PositiveSmallIntegerField(_("附件"), choices=Attachment.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    cutoff = models.DateField(_("统计截止日期"))
    version = models.PositiveSmallIntegerField(_("版本"))
    filing = models.OneToOneField(
        ReturnFiling, verbose_name=_("报送的报表"), on_delete=models.PROTECT, related_name="submission"
    )
    status = models.CharField(_("状态"), max_length=16, choices=SubmissionStatus.choices)
    summary_name = models.CharField(_("总结文件名"), max_length=200)
    summary_type = models.CharField(_("总结文件类型"), max_length=100)
    summary_size = models.PositiveIntegerField(_("总结文件大小（字节）"))
    summary_content = models.BinaryField(_("总结文件"))
    note = models.TextField(_("说明"), blank=True)
    missing = models.JSONField(_("未通过审核的下级单位"), default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上报账号"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)

    history = HistoricalRecords(excluded_fields=["summary_content"])

    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("报表上报")
        verbose_name_plural = pgettext_lazy("plural", "报表上报")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "attachment", "year", "cutoff", "version"], name="stats_submission_version"
            )
        ]

    def __str__(self):
        return f"{self.organisation.code} 附件{self.attachment} {self.year} {self.cutoff} v{self.version}"


class ReturnDeadline(models.Model):
    """The date by which a unit's direct subordinates submit a return to it (上报期限), set by that unit.

    Without one, the deadline is five days before the unit's own (the notice's date at the top).
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("设定单位"), on_delete=models.PROTECT, related_name="return_deadlines"
    )
    attachment = models.PositiveSmallIntegerField(_("附件"), choices=Attachment.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    cutoff = models.DateField(_("统计截止日期"))
    due = models.DateField(_("下级上报期限"))

    history = HistoricalRecords()

    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("下级上报期限")
        verbose_name_plural = pgettext_lazy("plural", "下级上报期限")
        ordering = ["organisation__path", "year", "attachment", "cutoff"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "attachment", "year", "cutoff"], name="stats_deadline_once")
        ]

    def __str__(self):
        return f"{self.organisation.code} 附件{self.attachment} {self.cutoff} → {self.due}"
