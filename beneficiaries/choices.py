from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdKind(models.TextChoices):
    WORKER = "worker", _("困难职工")
    MIGRANT_WORKER = "migrant_worker", _("困难农民工")


class HardshipReason(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    UNEMPLOYMENT = "unemployment", _("失业")
    EDUCATION = "education", _("因学")
    DISASTER = "disaster", _("因灾")
    SINGLE_PARENT = "single_parent", _("单亲")
    OTHER = "other", _("其他")


class Relationship(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    OTHER = "other", _("其他")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class HouseholdStatus(models.TextChoices):
    """Derived from the workflow dates: apply → review → public notice → on file → closed."""

    APPLIED = "applied", _("已申请")
    RETURNED = "returned", _("已退回修改")
    REVIEWED = "reviewed", _("已审核")
    NOTICED = "noticed", _("公示中")
    ON_FILE = "on_file", _("在档")
    CLOSED = "closed", _("已退出")


class ReviewOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("继续帮扶")
    UPDATED = "updated", _("信息已更新")
    CLOSED = "closed", _("脱困退出")


class ClosingCode(models.TextChoices):
    """Why a file is closed (脱困退出): a coded reason, with a note saying more."""

    OUT_OF_HARDSHIP = "out_of_hardship", _("收入超过标准，已脱困")
    DECEASED = "deceased", _("死亡")
    MOVED_AWAY = "moved_away", _("迁出本地")
    OTHER = "other", _("其他")


class Stage(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR_SECONDARY = "junior_secondary", _("初中")
    SENIOR_SECONDARY = "senior_secondary", _("高中")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中等职业教育")
    JUNIOR_COLLEGE = "junior_college", _("大专")
    UNDERGRADUATE = "undergraduate", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class StageGroup(models.TextChoices):
    PRIMARY_JUNIOR = "primary_junior", _("小学和初中")
    SENIOR_VOCATIONAL = "senior_vocational", _("高中和中等职业教育")
    COLLEGE_PLUS = "college_plus", _("大专以上")


STAGE_GROUPS = {
    StageGroup.PRIMARY_JUNIOR: (Stage.PRIMARY, Stage.JUNIOR_SECONDARY),
    StageGroup.SENIOR_VOCATIONAL: (Stage.SENIOR_SECONDARY, Stage.SECONDARY_VOCATIONAL),
    StageGroup.COLLEGE_PLUS: (Stage.JUNIOR_COLLEGE, Stage.UNDERGRADUATE, Stage.POSTGRADUATE),
}
STAGE_GROUP_OF = {stage: group for group, stages in STAGE_GROUPS.items() for stage in stages}
