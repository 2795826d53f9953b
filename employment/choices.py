from django.db import models
from django.utils.translation import gettext_lazy as _


class Designation(models.TextChoices):
    MIGRANT_DEMO_BASE = "migrant_demo_base", _("全国工会农民工技能培训示范基地")
    EMPLOYMENT_TRAINING_BASE = "employment_training_base", _("全国工会就业培训基地")
    ADVANCED_INSTITUTION = "advanced_institution", _("全国工会系统先进就业培训机构")


class TrainingType(models.TextChoices):
    SKILLS = "skills", _("技能培训")
    ENTREPRENEURSHIP = "entrepreneurship", _("创业培训")
    DOMESTIC_SERVICE = "domestic_service", _("家政服务培训")


class Issuer(models.TextChoices):
    LABOUR_DEPT = "labour_dept", _("劳动部门")
    OTHER = "other", _("其他部门")


class CertificateLevel(models.TextChoices):
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")
    TECHNICIAN = "technician", _("技师")
    SENIOR_TECHNICIAN = "senior_technician", _("高级技师")


MID_HIGH_LEVELS = (
    CertificateLevel.INTERMEDIATE,
    CertificateLevel.SENIOR,
    CertificateLevel.TECHNICIAN,
    CertificateLevel.SENIOR_TECHNICIAN,
)


class Channel(models.TextChoices):
    UNION_REFERRAL = "union_referral", _("工会介绍就业")
    SELF_FOUND = "self_found", _("自谋职业")
    ENTERPRISE_PROGRAMME = "enterprise_programme", _("企业吸纳")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("公益性岗位")


class LoanKind(models.TextChoices):
    SMALL_LOAN = "small_loan", _("小额贷款")
    SMALL_BORROWING = "small_borrowing", _("小额借款")
    ASSISTED_LOAN = "assisted_loan", _("助贷")
    GUARANTEED_LOAN = "guaranteed_loan", _("小额担保贷款")


# The loans of Attachment 1 (a1.3, a1.4); the last two are 助贷 (``returns.md``: a 小额担保贷款 the union
# helped obtain is a 助贷).
ASSISTED_LOAN_KINDS = (LoanKind.ASSISTED_LOAN, LoanKind.GUARANTEED_LOAN)
A1_LOAN_KINDS = (LoanKind.SMALL_LOAN, LoanKind.SMALL_BORROWING, *ASSISTED_LOAN_KINDS)


class ServiceType(models.TextChoices):
    JOB_INTRODUCTION = "job_introduction", _("职业介绍")
    LABOUR_EXPORT = "labour_export", _("劳务输出")
    ENTREPRENEURSHIP_CONSULTING = "entrepreneurship_consulting", _("创业咨询")
    RIGHTS_PROTECTION = "rights_protection", _("劳动维权服务")
    LEGAL_AID = "legal_aid", _("法律援助")
    INTERNSHIP = "internship", _("实习见习")
    ENTREPRENEURSHIP_GUIDANCE = "entrepreneurship_guidance", _("创业指导")
    POLICY_ASSISTANCE = "policy_assistance", _("落实就业扶持政策")
    JOB_SEARCH_SUBSIDY = "job_search_subsidy", _("求职补贴")


class EmployerType(models.TextChoices):
    STATE_OWNED = "state_owned", _("国有大中型企业")
    MODEL_WORKER = "model_worker", _("劳模企业")
    CARING_ENTERPRISE = "caring_enterprise", _("社会爱心企业")
    PUBLIC_WELFARE = "public_welfare", _("政府公益性岗位")


class MentorKind(models.TextChoices):
    CADRE = "cadre", _("领导干部")
    MODEL_WORKER = "model_worker", _("劳动模范")
