from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.choices import Level, Role
from casework.history import HistoricalRecords


class OrganisationQuerySet(models.QuerySet):
    def subtree(self, organisation):
        """The organisation and every unit below it, in one query (materialised path)."""
        return self.filter(path__startswith=organisation.path)


class Organisation(models.Model):
    """A union unit; ``path`` is the chain of codes from the root, so a subtree is one prefix."""

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=1000, db_index=True, editable=False)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    scope_path = "path"

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def is_within(self, other):
        return self.path.startswith(other.path)


class User(AbstractUser):
    """A user belongs to one organisation and sees only its subtree."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.CASEWORKER)

    history = HistoricalRecords()

    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def sees_everything(self):
        return self.is_superuser and self.organisation_id is None


def new_ref():
    """Key for records made in the UI or API (bundles bring their own)."""
    import uuid

    return uuid.uuid4().hex


class Record(models.Model):
    """Base of the case records that a unit recorded: a stable ``ref`` and the recording unit."""

    ref = models.CharField(_("编号"), max_length=64, unique=True, default=new_ref)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_set"
    )

    scope_path = "organisation__path"

    class Meta:
        abstract = True

    def __str__(self):
        return self.ref
