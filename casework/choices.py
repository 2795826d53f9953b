"""Enumerations shared by every app (the exact words of ``bundle.md``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    NATIONAL = "national", _("全国总工会")
    PROVINCE = "province", _("省级工会")
    CITY = "city", _("市级工会")
    COUNTY = "county", _("县级工会")
    GRASSROOTS = "grassroots", _("基层工会")


LEVEL_ORDER = [level.value for level in Level]


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("个案工作人员")
    REVIEWER = "reviewer", _("审核人员")
    STATISTICS_OFFICER = "statistics_officer", _("统计人员")
    ADMINISTRATOR = "administrator", _("管理员")


class Category(models.TextChoices):
    """The beneficiary's status when served, recorded on trainings, placements and loans."""

    LAID_OFF = "laid_off", _("下岗失业人员")
    MIGRANT_WORKER = "migrant_worker", _("农民工")
    GRADUATE = "graduate", _("困难职工家庭高校毕业生")
    IN_SERVICE = "in_service", _("在职职工")
    OTHER = "other", _("其他")
