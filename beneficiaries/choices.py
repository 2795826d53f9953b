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
    ENTERPRISE_SHUTDOWN = "enterprise_shutdown", _("企业停产半停产")
    OTHER = "other", _("其他")


class HardshipLevel(models.TextChoices):
    """困难程度: how hard the household's situation is (set at filing, re-checked at annual review)."""

    GENERAL = "general", _("一般困难")
    SPECIAL = "special", _("特殊困难")
    DEEP = "deep", _("深度困难")


class IncomeSource(models.TextChoices):
    WAGES = "wages", _("工资性收入")
    PENSION = "pension", _("养老金")
    UNEMPLOYMENT_BENEFIT = "unemployment_benefit", _("失业保险金")
    SOCIAL_ASSISTANCE = "social_assistance", _("低保金等社会救助")
    BUSINESS = "business", _("经营性收入")
    OTHER = "other", _("其他")


class Housing(models.TextChoices):
    OWNED = "owned", _("自有")
    RENTED = "rented", _("租住")
    BORROWED = "borrowed", _("借住")
    OTHER = "other", _("其他")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    ILL = "ill", _("患病")
    DISABLED = "disabled", _("残疾")


class DisabilityLevel(models.TextChoices):
    LEVEL_1 = "1", _("一级")
    LEVEL_2 = "2", _("二级")
    LEVEL_3 = "3", _("三级")
    LEVEL_4 = "4", _("四级")


class WorkUnitType(models.TextChoices):
    """单位性质 of a member's work unit."""

    STATE = "state", _("国有")
    COLLECTIVE = "collective", _("集体")
    PRIVATE = "private", _("私营")
    FOREIGN = "foreign", _("外资")
    PUBLIC_SERVICE = "public_service", _("机关事业")
    OTHER = "other", _("其他")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("在岗")
    LAID_OFF = "laid_off", _("下岗失业")
    RETIRED = "retired", _("退休")
    STUDENT = "student", _("在校")
    NOT_WORKING = "not_working", _("无业")
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
    LEVEL_CHANGED = "level_changed", _("调整困难程度")
    UPDATED = "updated", _("信息已更新")
    CLOSED = "closed", _("脱困退出")
    OTHER = "other", _("其他")


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


class Grade(models.TextChoices):
    """The year of a stage a student is in (年级), as Chinese schools name it.

    专科 and 本科 share 大一…; which grades a stage has is ``GRADES_BY_STAGE``.
    """

    P1 = "p1", _("一年级")
    P2 = "p2", _("二年级")
    P3 = "p3", _("三年级")
    P4 = "p4", _("四年级")
    P5 = "p5", _("五年级")
    P6 = "p6", _("六年级")
    J1 = "j1", _("初一")
    J2 = "j2", _("初二")
    J3 = "j3", _("初三")
    J4 = "j4", _("初四")
    S1 = "s1", _("高一")
    S2 = "s2", _("高二")
    S3 = "s3", _("高三")
    V1 = "v1", _("中职一年级")
    V2 = "v2", _("中职二年级")
    V3 = "v3", _("中职三年级")
    U1 = "u1", _("大一")
    U2 = "u2", _("大二")
    U3 = "u3", _("大三")
    U4 = "u4", _("大四")
    U5 = "u5", _("大五")
    M1 = "m1", _("研一")
    M2 = "m2", _("研二")
    M3 = "m3", _("研三")
    D1 = "d1", _("博一")
    D2 = "d2", _("博二")
    D3 = "d3", _("博三")
    D4 = "d4", _("博四")


# The grades of each stage, in order: 小学 six years (五四制 five), 初中 three (五四制 four), 高中 and 中职
# three, 专科 three, 本科 four or five (medicine, architecture), 研究生 a master's and a doctorate.
GRADES_BY_STAGE = {
    Stage.PRIMARY: (Grade.P1, Grade.P2, Grade.P3, Grade.P4, Grade.P5, Grade.P6),
    Stage.JUNIOR_SECONDARY: (Grade.J1, Grade.J2, Grade.J3, Grade.J4),
    Stage.SENIOR_SECONDARY: (Grade.S1, Grade.S2, Grade.S3),
    Stage.SECONDARY_VOCATIONAL: (Grade.V1, Grade.V2, Grade.V3),
    Stage.JUNIOR_COLLEGE: (Grade.U1, Grade.U2, Grade.U3),
    Stage.UNDERGRADUATE: (Grade.U1, Grade.U2, Grade.U3, Grade.U4, Grade.U5),
    Stage.POSTGRADUATE: (Grade.M1, Grade.M2, Grade.M3, Grade.D1, Grade.D2, Grade.D3, Grade.D4),
}


def grade_of_year(stage, year):
    """The ``year``-th grade (1, 2, …) of ``stage``, or ``None`` when the stage has no such year."""
    grades = GRADES_BY_STAGE.get(stage, ())
    return grades[year - 1] if 1 <= year <= len(grades) else None


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
