from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class PeriodState(models.TextChoices):
    """Where a published notice stands on a given day, by its dates."""

    UPCOMING = "upcoming", _("未开始")
    RUNNING = "running", _("公示中")
    ENDED = "ended", _("已结束")


class NoticeKind(models.TextChoices):
    """What a notice lists: a Golden Autumn (金秋助学) notice also shows each student's school and stage."""

    STUDENT_AID = "student_aid", _("金秋助学")
    HARDSHIP = "hardship", _("困难职工帮扶")
