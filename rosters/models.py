from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework import crypto
from casework.history import HistoricalRecords
from casework.models import Organisation
from rosters.templates import KIND_CHOICES


class Status(models.TextChoices):
    MAPPING = "mapping", _("待确认列对应")
    CHECK_QUEUED = "check_queued", _("等待检查")
    CHECKING = "checking", _("检查中")
    CHECKED = "checked", _("检查通过，待确认导入")
    REFUSED = "refused", _("检查未通过")
    IMPORT_QUEUED = "import_queued", _("等待导入")
    IMPORTING = "importing", _("导入中")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("导入失败")


RUNNING = (Status.CHECK_QUEUED, Status.CHECKING, Status.IMPORT_QUEUED, Status.IMPORTING)


class RosterImport(models.Model):
    """One uploaded roster file on its way through mapping, dry run and import, with its progress and report."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("导入单位"), on_delete=models.PROTECT, related_name="roster_imports"
    )
    kind = models.CharField(_("花名册类型"), max_length=32, choices=KIND_CHOICES)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    # The file, encrypted like the personal-data columns; emptied after the retention period.
    content_encrypted = models.TextField(_("文件内容（加密）"), editable=False, blank=True, default="")
    file_purged_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True, editable=False)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.CHECK_QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    done_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    report = models.JSONField(_("检查报告"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    # The file itself is kept once, not copied into every history row; the progress
    # counter changes every thousand rows and is not part of the record's story.
    history = HistoricalRecords(excluded_fields=["content_encrypted", "done_rows"])

    scope_path = "organisation__path"
    rotation_batch_size = 1  # rotate_keys: one stored file in memory at a time

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = pgettext_lazy("plural", "花名册导入")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name}（{self.get_kind_display()}）"

    @property
    def content(self):
        """The uploaded file's bytes (empty once purged)."""
        return crypto.decrypt_bytes(self.content_encrypted)

    @content.setter
    def content(self, data):
        self.content_encrypted = crypto.encrypt_bytes(bytes(data))

    @property
    def running(self):
        return self.status in RUNNING

    @property
    def percent(self):
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.done_rows / self.total_rows))

    @property
    def reason(self):
        """The change reason written on every record this import touches: the file, its hash and who imported it."""
        by = f" by {self.user.get_username()}" if self.user_id else ""
        return f"roster import {self.file_name} sha256:{self.sha256}{by}"
