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
