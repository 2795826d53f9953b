from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    STUDENT_AID = "student_aid", _("金秋助学")
    EMPLOYMENT = "employment", _("技能培训促就业")


class Source(models.TextChoices):
    GOVERNMENT = "government", _("各级党委政府资助")
    CENTRAL_FINANCE = "central_finance", _("中央财政帮扶资金")
    LOCAL_FINANCE = "local_finance", _("地方财政补贴")
    UNION = "union", _("工会经费")
    SOCIAL_DONATION = "social_donation", _("社会捐助")


SOURCES_BY_PROGRAMME = {
    Programme.STUDENT_AID: {Source.GOVERNMENT, Source.SOCIAL_DONATION, Source.UNION},
    Programme.EMPLOYMENT: {Source.CENTRAL_FINANCE, Source.LOCAL_FINANCE, Source.UNION, Source.SOCIAL_DONATION},
}


class Use(models.TextChoices):
    TRAINING = "training", _("各类培训投入")
    JOB_INTRODUCTION = "job_introduction", _("职业介绍投入")
    OTHER = "other", _("其他")


class GrantSource(models.TextChoices):
    """Where the money of a grant or another assistance measure came from (助学款、帮扶措施的资金来源)."""

    CENTRAL_FINANCE = "central_finance", _("中央财政专项资金")
    LOCAL_FINANCE = "local_finance", _("地方财政")
    UNION = "union", _("工会经费")
    SOCIAL_DONATION = "social_donation", _("社会捐助")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("现金（本人签领）")
    BANK_CARD = "bank_card", _("银行卡")


class MeasureType(models.TextChoices):
    """Kinds of assistance a household file receives (帮扶措施), beyond the notice's three campaigns too."""

    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("医疗救助")
    WARMTH = "warmth", _("送温暖")
    EDUCATION = "education", _("助学")
    EMPLOYMENT = "employment", _("就业帮扶")
    OTHER = "other", _("其他")
