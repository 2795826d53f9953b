import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beneficiaries import id_numbers
from beneficiaries.choices import (
    GRADES_BY_STAGE,
    STAGE_GROUP_OF,
    ClosingCode,
    DisabilityLevel,
    EmploymentStatus,
    Gender,
    Grade,
    HardshipLevel,
    Health,
    HouseholdKind,
    HouseholdStatus,
    Housing,
    IncomeSource,
    Relationship,
    ReviewOutcome,
    Stage,
    WorkUnitType,
)
from casework import crypto
from casework.dates import is_future
from casework.history import HistoricalRecords
from casework.models import Numbered, Organisation, new_ref
from casework.validators import code_validator


def not_in_future(value):
    if value and is_future(value):
        raise ValidationError(_("日期不能晚于今天。"), code="future")


def advance_date(prefix=""):
    """The one definition of a school entry's advance date (升学日期) in a query: its admission
    date when recorded, else its entry date (``returns.md``). A record is in force from it."""
    return Coalesce(f"{prefix}admitted_on", f"{prefix}entered_on")


def on_file_q(day, prefix=""):
    """The one definition of "on file on ``day``" (在档), usable through relations via ``prefix``."""
    return Q(**{f"{prefix}filed_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


class HouseholdQuerySet(models.QuerySet):
    def on_file(self, day):
        return self.filter(on_file_q(day))


class Household(models.Model):
    """A hardship household's file (困难职工档案), with its workflow dates."""

    file_no = models.CharField(_("档案编号"), max_length=64, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("建档单位"), on_delete=models.PROTECT, related_name="households"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=HouseholdKind.choices)
    single_parent_female = models.BooleanField(_("困难单亲女职工家庭"), default=False)
    hardship_reasons = models.JSONField(_("致困原因"), default=list, blank=True)
    address = models.CharField(_("家庭住址"), max_length=300, blank=True)
    # 困难类型 is ``kind`` (困难职工 / 困难农民工); 困难程度 is this level.
    hardship_level = models.CharField(_("困难程度"), max_length=16, choices=HardshipLevel.choices, blank=True)
    # Household economics. The per-capita income is derived (``per_capita_income``), never stored.
    monthly_income = models.DecimalField(
        _("家庭月收入（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    income_members = models.PositiveSmallIntegerField(
        _("计算收入的家庭人口"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    income_sources = models.JSONField(_("收入来源"), default=list, blank=True)
    dibao = models.BooleanField(_("享受低保"), default=False)
    # A certificate number, stored plainly, shown on the file page only (not in lists).
    dibao_no = models.CharField(_("低保证号"), max_length=64, blank=True)
    housing = models.CharField(_("住房情况"), max_length=16, choices=Housing.choices, blank=True)
    # 帮扶责任人: a user of the file's unit or a unit above it, or a named cadre (name and phone).
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("帮扶责任人（用户）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsible_name = models.CharField(_("帮扶责任人"), max_length=64, blank=True)
    responsible_phone = models.CharField(_("帮扶责任人电话"), max_length=32, blank=True)
    applied_on = models.DateField(_("申请日期"), validators=[not_in_future])
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The last return for correction (退回): kept after the file is reviewed again; every return is in the history.
    returned_on = models.DateField(_("退回日期"), null=True, blank=True, validators=[not_in_future])
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("退回人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True, validators=[not_in_future])
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    noticed_on = models.DateField(_("公示日期"), null=True, blank=True, validators=[not_in_future])
    # The public notice (公示, the notices app's ``Notice.ref``) that listed the household; ``noticed_on`` is its start.
    notice_ref = models.CharField(_("公示编号"), max_length=64, blank=True)
    filed_on = models.DateField(_("建档日期"), null=True, blank=True, validators=[not_in_future])
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建档人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_on = models.DateField(_("退出日期"), null=True, blank=True, validators=[not_in_future])
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理退出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closing_code = models.CharField(_("退出原因类别"), max_length=16, choices=ClosingCode.choices, blank=True)
    closing_reason = models.CharField(_("退出原因"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = HouseholdQuerySet.as_manager()

    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = pgettext_lazy("plural", "困难职工档案")
        ordering = ["file_no"]
        indexes = [
            # The annual review worklist's order (oldest filing first): its first rows without a sort.
            models.Index(fields=["filed_on", "file_no"], name="household_filed_order"),
            # The few files not yet reviewed (applications, files returned for correction): the work lists of
            # the home page read them without scanning every file.
            models.Index(
                fields=["applied_on", "file_no"],
                name="household_unreviewed",
                condition=Q(reviewed_on__isnull=True, closed_on__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(filed_on__isnull=True) | Q(filed_on__gte=models.F("applied_on")),
                name="household_filed_after_applied",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(filed_on__isnull=False, closed_on__gt=models.F("filed_on")),
                name="household_closed_after_filed",
            ),
        ]

    def __str__(self):
        return self.file_no

    def clean(self):
        errors = {}
        from beneficiaries.choices import HardshipReason

        reasons = self.hardship_reasons or []
        if not isinstance(reasons, list) or not all(isinstance(reason, str) for reason in reasons):
            errors["hardship_reasons"] = _("致困原因应为文本列表。")
        elif unknown := set(reasons) - set(HardshipReason.values):
            errors["hardship_reasons"] = _("未知的致困原因：%(v)s") % {"v": "、".join(sorted(unknown))}
        sources = self.income_sources or []
        if not isinstance(sources, list) or not all(isinstance(source, str) for source in sources):
            errors["income_sources"] = _("收入来源应为文本列表。")
        elif unknown := set(sources) - set(IncomeSource.values):
            errors["income_sources"] = _("未知的收入来源：%(v)s") % {"v": "、".join(sorted(unknown))}
        if self.dibao_no and not self.dibao:
            errors["dibao_no"] = _("未享受低保的家庭不填写低保证号。")
        if self.responsible_user_id and self.organisation_id:
            unit = self.responsible_user.organisation
            if unit is None or not self.organisation.path.startswith(unit.path):
                errors["responsible_user"] = _("帮扶责任人须为本档案建档单位或其上级单位的用户。")
        if self.reviewed_on and self.applied_on and self.reviewed_on < self.applied_on:
            errors["reviewed_on"] = _("审核日期不能早于申请日期。")
        if self.returned_on and self.applied_on and self.returned_on < self.applied_on:
            errors["returned_on"] = _("退回日期不能早于申请日期。")
        if self.filed_on and self.applied_on and self.filed_on < self.applied_on:
            errors["filed_on"] = _("建档日期不能早于申请日期。")
        if self.closed_on and not self.filed_on:
            errors["closed_on"] = _("未建档的档案不能退出。")
        elif self.closed_on and self.closed_on <= self.filed_on:
            errors["closed_on"] = _("退出日期必须晚于建档日期。")
        if errors:
            raise ValidationError(errors)

    @property
    def status(self):
        if self.closed_on:
            return HouseholdStatus.CLOSED
        if self.filed_on:
            return HouseholdStatus.ON_FILE
        if self.noticed_on:
            return HouseholdStatus.NOTICED
        if self.reviewed_on:
            return HouseholdStatus.REVIEWED
        if self.returned_on:
            return HouseholdStatus.RETURNED
        return HouseholdStatus.APPLIED

    def get_status_display(self):
        return HouseholdStatus(self.status).label

    @property
    def per_capita_income(self):
        """家庭人均月收入 (yuan, to the fen): the monthly income over the members counted, or None."""
        if self.monthly_income is None or not self.income_members:
            return None
        return (Decimal(self.monthly_income) / self.income_members).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def responsible(self):
        """The 帮扶责任人 as shown: the user (full name, else username), else the named cadre."""
        if self.responsible_user is not None:
            return self.responsible_user.get_full_name() or self.responsible_user.username
        return self.responsible_name

    def is_on_file(self, day):
        return bool(self.filed_on and self.filed_on <= day and (not self.closed_on or self.closed_on > day))


class AnnualReview(models.Model):
    """The yearly re-check of an on-file household (跟踪核实动态情况)."""

    household = models.ForeignKey(Household, verbose_name=_("档案"), on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("核实日期"), validators=[not_in_future])
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核实人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("核实结果"), max_length=16, choices=ReviewOutcome.choices)
    # What the review found (re-checked income and level); a change of level is written to the file too.
    income_found = models.DecimalField(
        _("核实家庭月收入（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    level_found = models.CharField(_("核实困难程度"), max_length=16, choices=HardshipLevel.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)

    history = HistoricalRecords()

    scope_path = "household__organisation__path"

    class Meta:
        verbose_name = _("年度核实")
        verbose_name_plural = pgettext_lazy("plural", "年度核实")
        ordering = ["-reviewed_on"]

    def __str__(self):
        return f"{self.household} {self.reviewed_on}"


TAIL_LENGTH = 6
# Hashed with a prefix, so the index of six characters never equals that of a whole value (keyed alike).
TAIL_DOMAIN = "id-tail:"


class Person(models.Model):
    """A real-name person, one record nationwide, keyed by the resident ID number.

    The number and the phone are stored encrypted; ``id_number_digest`` (a keyed
    hash) makes the number unique and searchable without reading it, and
    ``id_tail_digest`` (a keyed hash of its last six characters, in a domain of
    its own) finds a person by those within the user's subtree.
    """

    id_number_encrypted = models.TextField(editable=False)
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_tail_digest = models.CharField(max_length=64, db_index=True, editable=False, blank=True, default="")
    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    phone_encrypted = models.TextField(blank=True, default="", editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("登记单位"),
        on_delete=models.PROTECT,
        related_name="persons",
        db_index=False,  # indexed by person_unit_names, which leads with it
    )
    household = models.ForeignKey(
        Household, verbose_name=_("所属档案"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    relationship = models.CharField(_("与户主关系"), max_length=16, choices=Relationship.choices, blank=True)
    health = models.CharField(_("健康状况"), max_length=16, choices=Health.choices, blank=True)
    disabled = models.BooleanField(_("残疾"), default=False)
    disability_level = models.CharField(_("残疾等级"), max_length=8, choices=DisabilityLevel.choices, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=200, blank=True)
    work_unit_type = models.CharField(_("单位性质"), max_length=16, choices=WorkUnitType.choices, blank=True)
    union_member = models.BooleanField(_("工会会员"), default=False)
    employment_status = models.CharField(_("就业状况"), max_length=16, choices=EmploymentStatus.choices, blank=True)

    history = HistoricalRecords()

    scope_path = "organisation__path"
    # Encrypted columns change whenever the value is re-encrypted: a change is named by what the
    # column holds and its values are never shown. Birth date and gender are read from the ID
    # number (its middle digits): they change with it and are left out.
    secret_fields = {
        "id_number_encrypted": _("身份证号码"),
        "phone_encrypted": _("联系电话"),
        "id_number_digest": None,
        "id_tail_digest": None,
        "birth_date": None,
        "gender": None,
    }

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = pgettext_lazy("plural", "人员")
        ordering = ["id"]
        indexes = [
            # Persons outside any file (the employment programme's) of a unit: the file search finds them by
            # name within a county without reading the province's (360 ms to 14 ms at 10^6 persons).
            models.Index(fields=["organisation"], name="person_outside_files", condition=Q(household__isnull=True)),
            # The file search finds members by name among a unit's persons (``search_households``): the names
            # and files of a county's persons are read from this index alone, not from the table's rows
            # (search results 33 to 25 ms at 10^6 persons; the index is 44 MB there). It replaces the foreign
            # key's own index, which it leads with.
            models.Index(fields=["organisation"], include=["name", "household"], name="person_unit_names"),
        ]

    def __str__(self):
        return f"{self.name}（{self.id_number_masked}）"

    @staticmethod
    def digest(id_number):
        return crypto.blind_index(id_numbers.normalise(id_number))

    @staticmethod
    def tail_digest(id_number):
        """The blind index of a number's last six characters (what a caseworker reads off a paper copy)."""
        return crypto.blind_index(TAIL_DOMAIN + id_numbers.normalise(id_number)[-TAIL_LENGTH:])

    @property
    def id_number(self):
        return crypto.decrypt(self.id_number_encrypted)

    @id_number.setter
    def id_number(self, value):
        """Set from a validated number: encrypts it and derives gender and birth date."""
        number = id_numbers.normalise(value)
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_digest = crypto.blind_index(number)
        self.id_tail_digest = self.tail_digest(number)
        self.gender = id_numbers.gender(number)
        self.birth_date = id_numbers.birth_date(number)

    @property
    def birth_year(self):
        """What lists show: the full birth date is the masked middle of the ID number."""
        return self.birth_date.year if self.birth_date else None

    birth_year.fget.reads = ("birth_date",)  # what an export loads for it (casework.listing)

    @property
    def id_number_masked(self):
        return id_numbers.mask(self.id_number)

    id_number_masked.fget.reads = ("id_number_encrypted",)

    @property
    def phone(self):
        return crypto.decrypt(self.phone_encrypted)

    @phone.setter
    def phone(self, value):
        self.phone_encrypted = crypto.encrypt((value or "").strip())

    @property
    def phone_masked(self):
        """What forms and the admin show: the last four digits only."""
        phone = self.phone
        return "*" * max(len(phone) - 4, 0) + phone[-4:] if len(phone) > 4 else "*" * len(phone)

    def clean(self):
        if self.disability_level and not self.disabled:
            raise ValidationError({"disability_level": _("未残疾的人员不填写残疾等级。")})
        if self.household_id and not self.relationship:
            raise ValidationError({"relationship": _("加入档案时必须填写与户主关系。")})
        if not self.household_id and self.relationship:
            raise ValidationError({"relationship": _("未加入档案的人员不填写与户主关系。")})


class Schooling(Numbered, models.Model):
    """A school entry (升学): the stage a student entered and when."""

    number_prefix = "JX"

    ref = models.CharField(_("编号"), max_length=64, unique=True, default=new_ref, validators=[code_validator])
    person = models.ForeignKey(Person, verbose_name=_("学生"), on_delete=models.PROTECT, related_name="schooling")
    stage = models.CharField(_("学段"), max_length=32, choices=Stage.choices)
    school = models.CharField(_("学校"), max_length=200)
    entered_on = models.DateField(_("入学日期"), validators=[not_in_future])
    admitted_on = models.DateField(
        _("录取日期"),
        null=True,
        blank=True,
        validators=[not_in_future],
        help_text=_("升学以录取日期为准，未填写时以入学日期为准。"),
    )
    grade = models.CharField(
        _("年级"),
        max_length=4,
        choices=Grade.choices,
        blank=True,
        help_text=_("在读年级，须与学段相符（如大专最多到大三）。"),
    )

    history = HistoricalRecords()

    scope_path = "person__organisation__path"

    class Meta:
        verbose_name = _("就学记录")
        verbose_name_plural = pgettext_lazy("plural", "就学记录")
        ordering = ["person_id", "entered_on"]
        indexes = [
            models.Index(fields=["entered_on"]),
            models.Index(fields=["admitted_on"]),
            models.Index(fields=["person", "entered_on"]),
            # The record in force (latest advance date first, ``advance_date``): the lookups per person read it
            # from this index, and PostgreSQL keeps statistics on the expression for its estimates.
            models.Index(models.F("person"), Coalesce("admitted_on", "entered_on"), name="schooling_person_advance"),
        ]

    def __str__(self):
        return f"{self.school} {self.get_stage_display()}"

    def clean(self):
        errors = {}
        if self.admitted_on and self.entered_on and self.admitted_on > self.entered_on:
            errors["admitted_on"] = _("录取日期不能晚于入学日期。")
        if self.grade and self.stage in GRADES_BY_STAGE and self.grade not in GRADES_BY_STAGE[self.stage]:
            errors["grade"] = _("年级“%(grade)s”与学段“%(stage)s”不符，可选：%(allowed)s。") % {
                "grade": self.get_grade_display(),
                "stage": self.get_stage_display(),
                "allowed": "、".join(str(Grade(g).label) for g in GRADES_BY_STAGE[self.stage]),
            }
        if errors:
            raise ValidationError(errors)

    @property
    def advanced_on(self):
        """The advance date (升学日期, ``returns.md``): admitted on, else entered on."""
        return self.admitted_on or self.entered_on

    @property
    def stage_group(self):
        return STAGE_GROUP_OF[self.stage]


class Graduate(models.Model):
    """A hardship-family college graduate's registration (Attachment 2)."""

    person = models.OneToOneField(Person, verbose_name=_("毕业生"), on_delete=models.PROTECT, related_name="graduate")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="graduates"
    )
    graduation_year = models.PositiveSmallIntegerField(_("毕业年份"))
    university = models.CharField(_("毕业院校"), max_length=200)
    university_local = models.BooleanField(_("在本地就读"), default=False)
    origin_local = models.BooleanField(_("本地生源"), default=False)
    registered_on = models.DateField(_("登记日期"), validators=[not_in_future])
    exited_on = models.DateField(_("退出日期"), null=True, blank=True, validators=[not_in_future])

    history = HistoricalRecords()

    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("困难职工家庭高校毕业生")
        verbose_name_plural = pgettext_lazy("plural", "困难职工家庭高校毕业生")
        ordering = ["-graduation_year", "id"]

    def __str__(self):
        return f"{self.person.name} {self.graduation_year}"

    def clean(self):
        if self.graduation_year and self.graduation_year > datetime.date.today().year + 1:
            raise ValidationError({"graduation_year": _("毕业年份不合理。")})
        if self.exited_on and self.registered_on and self.exited_on < self.registered_on:
            raise ValidationError({"exited_on": _("退出日期不能早于登记日期。")})
