from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.choices import Level, Role
from casework.history import HistoricalRecords
from casework.validators import code_validator


class OrganisationQuerySet(models.QuerySet):
    def subtree(self, organisation):
        """The organisation and every unit below it, in one query (materialised path)."""
        return self.filter(path__startswith=organisation.path)


class Organisation(models.Model):
    """A union unit; ``path`` is the chain of codes from the root, so a subtree is one prefix."""

    code = models.CharField(_("单位代码"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("单位名称"), max_length=200)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=1000, db_index=True, editable=False)
    # 监督电话: printed on the public notices of the units directly below (and on its own when it has no parent).
    supervision_phone = models.CharField(_("监督电话"), max_length=50, blank=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    scope_path = "path"

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = pgettext_lazy("plural", "工会组织")
        ordering = ["path"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def is_within(self, other):
        return self.path.startswith(other.path)

    @property
    def notice_supervision_phone(self):
        """The 监督电话 a notice of this unit shows: the unit above's, or its own at the top of the tree."""
        return self.parent.supervision_phone if self.parent_id else self.supervision_phone


class User(AbstractUser):
    """A user belongs to one organisation and sees only its subtree."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.CASEWORKER)

    history = HistoricalRecords()

    scope_path = "organisation__path"
    # History pages name a password change but never show the hash (casework.history.changed_field_labels).
    secret_fields = {"password": _("密码")}

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")

    @property
    def sees_everything(self):
        return self.is_superuser and self.organisation_id is None


def new_ref():
    """Key for records made in the UI or API (bundles bring their own)."""
    import uuid

    return uuid.uuid4().hex


class Numbered:
    """The short readable number (编号) of a record, the one people read, type and say.

    One scheme for every record that has a ``ref`` (the bundle's 32-character
    interchange key, which stays the key but is not what users read): the record
    type's letters (pinyin initials of its name) and its id, ``PX-00042`` for
    training 42. A notice reads by its year instead (``Notice.number``: 2014-0007).
    Derived from the id, so every route (forms, admin, API, bundle and roster
    imports) gets it with nothing to set, and it never changes.
    """

    number_prefix = ""

    @classmethod
    def short_number(cls, pk):
        """The number of the record ``pk`` of this type, without loading it (drill-downs list values)."""
        if pk is None:
            return ""
        return f"{cls.number_prefix}-{pk:05d}" if cls.number_prefix else f"{pk:05d}"

    @property
    def number(self):
        return self.short_number(self.pk)

    number.fget.short_description = _("编号")  # the admin's column heading
    number.fget.reads = ()  # the primary key, always loaded (what an export loads: casework.listing)


class Record(Numbered, models.Model):
    """Base of the case records that a unit recorded: a stable ``ref`` and the recording unit."""

    ref = models.CharField(_("编号"), max_length=64, unique=True, default=new_ref, validators=[code_validator])
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_set"
    )

    scope_path = "organisation__path"

    class Meta:
        abstract = True

    def __str__(self):
        return self.number or self.ref


class AccessLog(models.Model):
    """One reading of a person's full ID number: who, when, which person, and why.

    An append-only log (no history of its own, never edited). The person is kept as
    a plain id and the recording unit as ``organisation`` so the log outlives the
    person and is scoped like the records it is about.
    """

    accessed_at = models.DateTimeField(_("查看时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("查看人账号"), max_length=150)
    person_id = models.BigIntegerField(_("人员编号"), db_index=True)
    person_name = models.CharField(_("人员姓名"), max_length=64)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("人员登记单位"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("查看目的"), max_length=300)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = pgettext_lazy("plural", "个人信息查看记录")
        ordering = ["-accessed_at", "-id"]
        default_permissions = ("view",)
        permissions = [("view_personal_data", _("可查看完整身份证号码"))]

    def __str__(self):
        return f"{self.user_name} {self.person_name} {self.accessed_at:%Y-%m-%d %H:%M}"


class ExportLog(models.Model):
    """One export of a filtered list (XLSX or CSV): who, when, which records, which filters, how many rows.

    Written by ``casework.exports.export_log_record`` in the same request that
    builds the file, so every list that left the system is accounted for.
    """

    exported_at = models.DateTimeField(_("导出时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(_("导出人账号"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("导出人单位"),
        null=True,
        blank=True,  # a superuser attached to no unit exports too, and is logged
        on_delete=models.PROTECT,
        related_name="+",
    )
    model = models.CharField(_("数据类型"), max_length=100)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    file_format = models.CharField(_("文件格式"), max_length=8)
    rows = models.PositiveIntegerField(_("导出行数"))

    history = HistoricalRecords()

    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = pgettext_lazy("plural", "导出记录")
        ordering = ["-exported_at", "-id"]

    def __str__(self):
        return f"{self.user_name} {self.model} {self.rows}"


class ApiToken(models.Model):
    """A script's key to the API, acting as one account (``user``): its unit and role are the token's scope.

    The token holds no rights of its own, so the API's one permission and scope code path
    (``casework.permissions``, ``casework.scoping``) applies to it unchanged. Only the SHA-256
    of the secret is stored; the secret is shown once, when the token is created
    (``casework.services.api_token_create``). A request with a token pays one indexed lookup,
    not a password hash. ``last_used_at`` moves at most once a minute and writes no history row.
    """

    name = models.CharField(_("名称"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代表账号"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    scope_path = "user__organisation__path"

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = pgettext_lazy("plural", "接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
