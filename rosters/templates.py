"""The roster kinds (花名册): their sheets, columns, Chinese headers and downloadable XLSX templates.

A kind has one or more sections; a section is one sheet of the template and one
shape of row. Columns are found in an uploaded file by their header (or one of
its synonyms), so the order of columns and extra columns do not matter.
"""

import datetime
import io
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from aid.choices import GrantSource, PaymentMethod, Programme, Source, Use
from beneficiaries.choices import Grade, HardshipReason, HouseholdKind, Relationship, Stage
from beneficiaries.id_numbers import make_id_number
from casework.choices import Category
from employment.choices import CertificateLevel, Channel, Designation, Issuer, LoanKind, ServiceType, TrainingType
from rosters import normalise

D = datetime.date


def translated(text):
    """``text`` (a lazy translation) as written in Chinese and in each language of the interface."""
    forms = [str(text)]
    for language in [None, *(code for code, _name in settings.LANGUAGES)]:
        with translation.override(language):
            forms.append(str(text))
    return forms


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    type: str = "text"  # text, id_number, phone, date, money, integer, boolean, choice, choice_list
    required: bool = False
    choices: object = None
    aliases: dict = field(default_factory=dict)
    synonyms: tuple = ()
    example: object = None
    note: str = ""

    def headers(self):
        """Every comparable form this column is known by: its header in Chinese and in every language
        of the interface, and its synonyms. The one table of header names, for the page, the worker
        and the command line alike, whatever language each runs in."""
        return {normalise.header(h) for h in (*translated(self.header), *self.synonyms)}

    def normalise(self, value):
        if self.type == "choice":
            return normalise.choice(value, self.choices, self.aliases)
        if self.type == "choice_list":
            return normalise.choice_list(value, self.choices, self.aliases)
        return getattr(normalise, self.type)(value)

    def explanation(self):
        if self.note:
            return str(self.note)
        if self.choices is not None:
            pairs = "；".join(f"{label} = {code}" for code, label in self.choices.choices)
            many = _("可填多个，用顿号分隔。") if self.type == "choice_list" else ""
            return f"{_('可选')}：{pairs}{many}"
        return str(TYPE_NOTES.get(self.type, ""))


TYPE_NOTES = {
    "text": _("文本"),
    "id_number": _("18位居民身份证号码，末位可为X；请设为文本格式，勿存成数字"),
    "phone": _("手机或固定电话"),
    "date": _("日期，如 2014-09-01、2014/9/1、2014.9.1 或 2014年9月1日"),
    "money": _("金额（元），最多两位小数，可带千分位逗号"),
    "integer": _("非负整数"),
    "boolean": _("填“是”或“否”，空白视为“否”"),
}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: tuple

    def column(self, name):
        return next(c for c in self.columns if c.field == name)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    sections: tuple
    description: str = ""

    def section(self, key):
        return next(s for s in self.sections if s.key == key)


# A grade written as a year of school (一年级, 1, 第1学年, …): the conversion counts it in the row's stage
# (``beneficiaries.choices.grade_of_year``), so 一年级 of a 本科 student is 大一.
GRADE_ALIASES = {
    alias: f"p{year}"
    for year, chinese in enumerate("一二三四五六", start=1)
    for alias in (str(year), f"{year}年级", f"第{year}学年", f"{chinese}年级", f"第{chinese}学年")
    if alias != f"{chinese}年级"
} | {"大1": "u1", "大2": "u2", "大3": "u3", "大4": "u4", "大5": "u5", "高1": "s1", "高2": "s2", "高3": "s3"}


def _id(seq, born):
    return make_id_number("410100", born, seq)


HEAD_ID = _id(11, D(1980, 1, 1))
CHILD_ID = _id(12, D(2005, 6, 1))
TRAINEE_ID = _id(21, D(1988, 3, 15))
GRADUATE_ID = _id(32, D(2002, 10, 8))
WORKER_ID = _id(41, D(1985, 7, 20))

ORG = Column(
    "org", _("单位代码"), synonyms=("填报单位代码", "工会代码", "建档单位代码"), note=_("留空则为导入时选择的单位")
)
NAME = Column("name", _("姓名"), synonyms=("名字", "学生姓名", "学员姓名", "人员姓名", "职工姓名", "成员姓名"))
ID = Column(
    "id_number",
    _("身份证号码"),
    "id_number",
    required=True,
    synonyms=("身份证号", "身份证", "公民身份号码", "居民身份证号码", "证件号码", "身份证件号码"),
)
PHONE = Column("phone", _("联系电话"), "phone", synonyms=("电话", "手机", "手机号", "手机号码", "联系方式"))
FILE_NO = Column("household", _("档案编号"), synonyms=("困难职工档案编号", "档案号", "建档编号"))
RELATIONSHIP = Column(
    "relationship",
    _("与户主关系"),
    "choice",
    choices=Relationship,
    aliases={"本人": "head", "妻子": "spouse", "丈夫": "spouse", "夫妻": "spouse", "儿子": "child", "女儿": "child"},
    synonyms=("家庭关系", "关系"),
    note=_("可选：户主、配偶、子女、父母、其他（填了档案编号时必填）"),
)
CATEGORY = Column(
    "category",
    _("人员类别"),
    "choice",
    required=True,
    choices=Category,
    aliases={"下岗职工": "laid_off", "失业人员": "laid_off", "高校毕业生": "graduate", "职工": "in_service"},
    synonyms=("类别", "对象类别"),
)


def ref(prefix):
    return Column(
        "ref",
        _("编号"),
        synonyms=(f"{prefix}编号", "记录编号"),
        note=_("可留空：留空时按内容生成，重复导入不会重复登记"),
    )


HOUSEHOLDS = Kind(
    "households",
    _("困难职工档案及家庭成员"),
    (
        Section(
            "households",
            _("困难职工档案"),
            (
                Column(
                    "file_no",
                    _("档案编号"),
                    required=True,
                    synonyms=("档案号", "困难职工档案编号"),
                    example="ZZ-2024-0001",
                ),
                Column(
                    "kind",
                    _("类别"),
                    "choice",
                    required=True,
                    choices=HouseholdKind,
                    aliases={"职工": "worker", "农民工": "migrant_worker"},
                    synonyms=("档案类别", "困难类别"),
                    example="困难职工",
                ),
                Column(
                    "single_parent_female",
                    _("困难单亲女职工家庭"),
                    "boolean",
                    synonyms=("单亲女职工", "单亲女职工家庭"),
                    example="否",
                ),
                Column(
                    "hardship_reasons",
                    _("致困原因"),
                    "choice_list",
                    choices=HardshipReason,
                    aliases={"疾病": "illness", "残疾": "disability", "子女上学": "education", "灾害": "disaster"},
                    synonyms=("困难原因",),
                    example="因病、因学",
                ),
                Column(
                    "applied_on", _("申请日期"), "date", required=True, synonyms=("申请时间",), example=D(2024, 3, 1)
                ),
                Column("filed_on", _("建档日期"), "date", synonyms=("建档时间",), example=D(2024, 4, 15)),
                Column("closed_on", _("退出日期"), "date", synonyms=("脱困日期", "退出时间")),
                ORG,
            ),
        ),
        Section(
            "members",
            _("家庭成员"),
            (
                Column("household", _("档案编号"), required=True, synonyms=FILE_NO.synonyms, example="ZZ-2024-0001"),
                Column("name", _("姓名"), required=True, synonyms=NAME.synonyms, example="张建国"),
                Column("id_number", ID.header, "id_number", required=True, synonyms=ID.synonyms, example=HEAD_ID),
                Column(
                    "relationship",
                    RELATIONSHIP.header,
                    "choice",
                    required=True,
                    choices=Relationship,
                    aliases=RELATIONSHIP.aliases,
                    synonyms=RELATIONSHIP.synonyms,
                    example="户主",
                ),
                Column("phone", PHONE.header, "phone", synonyms=PHONE.synonyms, example="13800000000"),
            ),
        ),
    ),
)

STUDENTS = Kind(
    "students",
    _("学生、就学及助学"),
    (
        Section(
            "students",
            _("学生"),
            (
                Column("name", _("姓名"), required=True, synonyms=NAME.synonyms, example="张小明"),
                Column("id_number", ID.header, "id_number", required=True, synonyms=ID.synonyms, example=CHILD_ID),
                Column("household", FILE_NO.header, synonyms=FILE_NO.synonyms, example="ZZ-2024-0001"),
                Column(
                    "relationship",
                    RELATIONSHIP.header,
                    "choice",
                    choices=Relationship,
                    aliases=RELATIONSHIP.aliases,
                    synonyms=RELATIONSHIP.synonyms,
                    example="子女",
                ),
                Column(
                    "stage",
                    _("学段"),
                    "choice",
                    required=True,
                    choices=Stage,
                    aliases={"中职": "secondary_vocational", "专科": "junior_college", "高职": "junior_college"},
                    synonyms=("就读阶段", "学历层次"),
                    example="本科",
                ),
                Column("school", _("学校"), required=True, synonyms=("就读学校", "学校名称"), example="郑州大学"),
                Column(
                    "entered_on", _("入学日期"), "date", required=True, synonyms=("入学时间",), example=D(2024, 9, 1)
                ),
                Column(
                    "admitted_on",
                    _("录取日期"),
                    "date",
                    synonyms=("录取时间", "录取通知日期"),
                    example=D(2024, 7, 20),
                    note=_("日期，不晚于入学日期；升学以录取日期为准，留空则以入学日期为准"),
                ),
                Column(
                    "grade",
                    _("年级"),
                    "choice",
                    choices=Grade,
                    aliases=GRADE_ALIASES,
                    synonyms=("在读年级", "就读年级", "所在年级"),
                    example="大一",
                    note=_(
                        "须与学段相符：小学一年级至六年级，初一至初四，高一至高三，中职一年级至三年级，"
                        "大专大一至大三，本科大一至大五，研一至研三、博一至博四；"
                        "填“一年级”至“六年级”或数字1至6时，按该行学段的第几年计"
                    ),
                ),
                Column(
                    "amount",
                    _("助学金额（元）"),
                    "money",
                    synonyms=("助学金额", "资助金额", "救助金额", "助学金", "发放金额", "金额"),
                    example="2,000",
                ),
                Column(
                    "amount_reason",
                    _("金额调整原因"),
                    synonyms=("调整原因", "金额不同原因"),
                    note=_("金额与公示的帮扶标准不同时必填。"),
                ),
                Column("granted_on", _("发放日期"), "date", synonyms=("资助日期", "发放时间"), example=D(2024, 9, 10)),
                Column(
                    "fund_source",
                    _("资金来源"),
                    "choice",
                    choices=GrantSource,
                    aliases={"中央财政": "central_finance", "中央专项资金": "central_finance", "财政": "local_finance"},
                    synonyms=("助学资金来源", "资助资金来源", "来源"),
                    example="工会经费",
                ),
                Column(
                    "payment_method",
                    _("发放方式"),
                    "choice",
                    choices=PaymentMethod,
                    aliases={
                        "现金": "cash",
                        "本人签领": "cash",
                        "现金发放": "cash",
                        "银行卡发放": "bank_card",
                        "打卡": "bank_card",
                        "转账": "bank_card",
                        "银行转账": "bank_card",
                    },
                    synonyms=("支付方式", "发放形式", "领取方式"),
                    example="银行卡",
                ),
                Column("schooling_ref", _("就学编号"), note=_("可留空：留空时按内容生成")),
                Column("grant_ref", _("助学编号"), note=_("可留空：留空时按内容生成")),
                ORG,
            ),
        ),
    ),
    _("每行一名学生的一次入学；填了助学金额和发放日期的，同时登记一笔助学款。"),
)

TRAINEES = Kind(
    "trainees",
    _("培训学员、培训及证书"),
    (
        Section(
            "trainings",
            _("培训"),
            (
                Column("name", _("姓名"), synonyms=NAME.synonyms, example="王利民"),
                Column("id_number", ID.header, "id_number", required=True, synonyms=ID.synonyms, example=TRAINEE_ID),
                Column("phone", PHONE.header, "phone", synonyms=PHONE.synonyms),
                Column(
                    "institution",
                    _("培训机构代码"),
                    required=True,
                    synonyms=("机构代码", "培训机构编号"),
                    example="JG-001",
                ),
                Column(
                    "type",
                    _("培训类型"),
                    "choice",
                    required=True,
                    choices=TrainingType,
                    aliases={"技能": "skills", "创业": "entrepreneurship", "家政": "domestic_service"},
                    example="技能培训",
                ),
                replace(CATEGORY, example="下岗失业人员"),
                Column(
                    "started_on",
                    _("开始日期"),
                    "date",
                    required=True,
                    synonyms=("培训开始日期",),
                    example=D(2024, 5, 6),
                ),
                Column(
                    "ended_on", _("结束日期"), "date", required=True, synonyms=("培训结束日期",), example=D(2024, 6, 28)
                ),
                ref("培训"),
                ORG,
            ),
        ),
        Section(
            "certificates",
            _("证书"),
            (
                Column("name", _("姓名"), synonyms=NAME.synonyms, example="王利民"),
                Column("id_number", ID.header, "id_number", required=True, synonyms=ID.synonyms, example=TRAINEE_ID),
                Column(
                    "issuer",
                    _("发证部门"),
                    "choice",
                    required=True,
                    choices=Issuer,
                    aliases={"劳动部门颁发": "labour_dept", "人社部门": "labour_dept", "其他": "other"},
                    example="劳动部门",
                ),
                Column(
                    "level",
                    _("证书等级"),
                    "choice",
                    required=True,
                    choices=CertificateLevel,
                    synonyms=("等级", "职业资格等级"),
                    example="中级",
                ),
                Column("issued_on", _("发证日期"), "date", required=True, example=D(2024, 7, 10)),
                Column(
                    "via_assessment", _("通过职业技能鉴定"), "boolean", synonyms=("职业技能鉴定", "鉴定"), example="是"
                ),
                ref("证书"),
            ),
        ),
        Section(
            "institutions",
            _("培训机构"),
            (
                Column("code", _("培训机构代码"), required=True, synonyms=("机构代码",), example="JG-001"),
                Column(
                    "name", _("机构名称"), required=True, synonyms=("培训机构名称",), example="郑州市职工技能培训中心"
                ),
                Column(
                    "designations",
                    _("称号"),
                    "choice_list",
                    choices=Designation,
                    synonyms=("荣誉称号", "基地称号"),
                    example="全国工会就业培训基地",
                ),
                ORG,
            ),
        ),
    ),
    _("“培训”表每行一人次培训；“证书”表每行一本证书；培训机构已登记的，“培训机构”表可不填。"),
)

GRADUATES = Kind(
    "graduates",
    pgettext_lazy("plural", "困难职工家庭高校毕业生"),
    (
        Section(
            "graduates",
            _("毕业生"),
            (
                Column("name", _("姓名"), required=True, synonyms=NAME.synonyms, example="李静"),
                Column("id_number", ID.header, "id_number", required=True, synonyms=ID.synonyms, example=GRADUATE_ID),
                Column("household", FILE_NO.header, synonyms=FILE_NO.synonyms, example="ZZ-2024-0001"),
                Column(
                    "relationship",
                    RELATIONSHIP.header,
                    "choice",
                    choices=Relationship,
                    aliases=RELATIONSHIP.aliases,
                    synonyms=RELATIONSHIP.synonyms,
                    example="子女",
                ),
                Column("phone", PHONE.header, "phone", synonyms=PHONE.synonyms),
                Column(
                    "graduation_year",
                    _("毕业年份"),
                    "integer",
                    required=True,
                    synonyms=("毕业年度", "届别"),
                    example=2024,
                ),
                Column("university", _("毕业院校"), required=True, synonyms=("院校", "毕业学校"), example="河南大学"),
                Column("university_local", _("在本地就读"), "boolean", synonyms=("本地院校",), example="是"),
                Column("origin_local", _("本地生源"), "boolean", synonyms=("生源地为本地",), example="是"),
                Column("registered_on", _("登记日期"), "date", required=True, example=D(2024, 7, 1)),
                Column("exited_on", _("退出日期"), "date"),
                ORG,
            ),
        ),
    ),
    _("毕业生须是某一困难职工档案的家庭成员；尚未加入档案的，请填写档案编号和与户主关系。"),
)

PLACEMENTS = Kind(
    "placements",
    pgettext_lazy("plural", "就业"),
    (
        Section(
            "placements",
            _("就业"),
            (
                Column("name", _("姓名"), synonyms=NAME.synonyms, example="赵红"),
                Column("id_number", ID.header, "id_number", required=True, synonyms=ID.synonyms, example=WORKER_ID),
                Column(
                    "employer", _("就业单位"), required=True, synonyms=("用人单位", "工作单位"), example="郑州宇通客车"
                ),
                Column(
                    "channel",
                    _("就业渠道"),
                    "choice",
                    required=True,
                    choices=Channel,
                    aliases={"工会介绍": "union_referral", "介绍就业": "union_referral", "自主就业": "self_found"},
                    synonyms=("就业方式",),
                    example="工会介绍就业",
                ),
                replace(CATEGORY, example="下岗失业人员"),
                Column(
                    "employed_on", _("就业日期"), "date", required=True, synonyms=("上岗日期",), example=D(2024, 8, 1)
                ),
                Column(
                    "contract_months",
                    _("劳动合同期限（月）"),
                    "integer",
                    synonyms=("合同期限", "合同期限（月）", "劳动合同期限"),
                    example=12,
                ),
                ref("就业"),
                ORG,
            ),
        ),
    ),
)

LOANS = Kind(
    "loans",
    pgettext_lazy("plural", "小额贷款"),
    (
        Section(
            "loans",
            _("小额贷款"),
            (
                Column("name", _("姓名"), synonyms=NAME.synonyms, example="赵红"),
                Column("id_number", ID.header, "id_number", required=True, synonyms=ID.synonyms, example=WORKER_ID),
                Column(
                    "kind",
                    _("贷款种类"),
                    "choice",
                    required=True,
                    choices=LoanKind,
                    aliases={"贷款": "small_loan", "借款": "small_borrowing", "担保贷款": "guaranteed_loan"},
                    synonyms=("种类", "贷款类型"),
                    example="小额贷款",
                ),
                replace(CATEGORY, example="下岗失业人员"),
                Column(
                    "lent_on",
                    _("放款日期"),
                    "date",
                    required=True,
                    synonyms=("贷款日期", "借款日期"),
                    example=D(2024, 4, 2),
                ),
                Column(
                    "amount", _("金额（元）"), "money", required=True, synonyms=("贷款金额", "金额"), example="50,000元"
                ),
                Column("jobs_created", _("带动就业人数"), "integer", synonyms=("带动就业",), example=3),
                ref("贷款"),
                ORG,
            ),
        ),
    ),
)

SERVICES = Kind(
    "services",
    pgettext_lazy("plural", "就业服务"),
    (
        Section(
            "services",
            _("就业服务"),
            (
                Column("name", _("姓名"), synonyms=NAME.synonyms, example="赵红"),
                Column("id_number", ID.header, "id_number", required=True, synonyms=ID.synonyms, example=WORKER_ID),
                Column(
                    "type",
                    _("服务类型"),
                    "choice",
                    required=True,
                    choices=ServiceType,
                    aliases={"就业扶持政策": "policy_assistance", "维权": "rights_protection"},
                    synonyms=("服务项目",),
                    example="求职补贴",
                ),
                Column("served_on", _("服务日期"), "date", required=True, example=D(2024, 6, 3)),
                Column(
                    "amount",
                    _("补贴金额（元）"),
                    "money",
                    synonyms=("补贴金额", "金额"),
                    example=500,
                    note=_("只有“求职补贴”填写金额（元）"),
                ),
                ref("服务"),
                ORG,
            ),
        ),
    ),
)

_PROGRAMME = Column(
    "programme",
    _("项目"),
    "choice",
    required=True,
    choices=Programme,
    aliases={"助学": "student_aid", "就业": "employment", "促就业": "employment"},
    synonyms=("资金项目",),
)

FUNDS = Kind(
    "funds",
    _("筹集和使用资金"),
    (
        Section(
            "fund_receipts",
            _("筹集资金"),
            (
                replace(_PROGRAMME, example="金秋助学"),
                Column(
                    "source",
                    _("资金来源"),
                    "choice",
                    required=True,
                    choices=Source,
                    aliases={"政府资助": "government", "中央财政": "central_finance", "地方财政": "local_finance"},
                    synonyms=("来源",),
                    example="工会经费",
                ),
                Column(
                    "received_on", _("到账日期"), "date", required=True, synonyms=("筹集日期",), example=D(2024, 7, 20)
                ),
                Column(
                    "amount",
                    _("金额（元）"),
                    "money",
                    required=True,
                    synonyms=("筹集金额", "金额"),
                    example="100,000.00",
                ),
                Column(
                    "transferred_from",
                    _("上级拨付单位"),
                    synonyms=("拨付单位", "拨款单位", "上级拨款单位", "拨付单位代码"),
                    note=_(
                        "资金由其他工会单位拨付时填写（上级拨付）：单位代码或名称，须为本单位的上级单位或管辖范围内的单位；"
                        "本单位自筹的留空"
                    ),
                ),
                ref("筹集"),
                ORG,
            ),
        ),
        Section(
            "expenditures",
            _("使用资金"),
            (
                replace(_PROGRAMME, example="技能培训促就业"),
                Column(
                    "use",
                    _("用途"),
                    "choice",
                    required=True,
                    choices=Use,
                    aliases={"培训": "training", "职业介绍": "job_introduction"},
                    synonyms=("资金用途",),
                    example="各类培训投入",
                ),
                Column(
                    "spent_on", _("支出日期"), "date", required=True, synonyms=("使用日期",), example=D(2024, 8, 15)
                ),
                Column(
                    "amount", _("金额（元）"), "money", required=True, synonyms=("支出金额", "金额"), example="30000元"
                ),
                ref("支出"),
                ORG,
            ),
        ),
    ),
)

KINDS = {k.key: k for k in (HOUSEHOLDS, STUDENTS, TRAINEES, GRADUATES, PLACEMENTS, LOANS, SERVICES, FUNDS)}
KIND_CHOICES = [(k.key, k.label) for k in KINDS.values()]

_HEADER_FILL = PatternFill("solid", fgColor="FDE9D9")
_REQUIRED_FONT = Font(bold=True, color="B71C1C")
_FONT = Font(bold=True)
_COLUMN_FORMATS = {"id_number": "@", "phone": "@", "text": "@", "date": "yyyy-mm-dd"}


def header_text(column):
    """The header as written in a template: required columns carry a leading ``*``."""
    return f"*{column.header}" if column.required else str(column.header)


def template_workbook(kind, *, with_example=True):
    """The XLSX template of ``kind``: one sheet per section (header row + example row) and a 填写说明 sheet."""
    book = Workbook()
    book.remove(book.active)
    for section in kind.sections:
        sheet = book.create_sheet(str(section.title))
        for index, column in enumerate(section.columns, start=1):
            letter = get_column_letter(index)
            cell = sheet.cell(row=1, column=index, value=header_text(column))
            cell.font = _REQUIRED_FONT if column.required else _FONT
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.comment = Comment(column.explanation(), "")
            sheet.column_dimensions[letter].width = max(12, 2.2 * len(header_text(column)) + 2)
            if column.type == "id_number":
                sheet.column_dimensions[letter].width = 22
            fmt = _COLUMN_FORMATS.get(column.type)
            if with_example and column.example is not None:
                example = sheet.cell(row=2, column=index, value=column.example)
                if fmt:
                    example.number_format = fmt
            if column.type == "choice":
                # Excel's list validation is limited to 255 characters, which every list here fits.
                labels = ",".join(str(label) for label in column.choices.labels)
                validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
                validation.error = str(_("请从下拉列表中选择。"))
                validation.errorStyle = "warning"
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}10000")
            if fmt == "@":
                # Text format keeps Excel from turning ID numbers into 1.10101E+17. Set on the
                # column, not on empty cells, which would make the sheet look 1,000 rows long.
                sheet.column_dimensions[letter].number_format = "@"
        sheet.freeze_panes = "A2"
    notes = book.create_sheet(str(_("填写说明")))
    notes.append([str(_("工作表")), str(_("列名")), str(_("是否必填")), str(_("填写要求和可选值"))])
    for cell in notes[1]:
        cell.font = _FONT
        cell.fill = _HEADER_FILL
    for section in kind.sections:
        for column in section.columns:
            notes.append(
                [
                    str(section.title),
                    str(column.header),
                    str(_("必填") if column.required else _("选填")),
                    column.explanation(),
                ]
            )
    notes.append([])
    notes.append([str(_("说明")), str(_("第1行为列名，请勿修改；第2行为示例，请替换为实际数据或删除。"))])
    if kind.description:
        notes.append(["", str(kind.description)])
    notes.append(["", str(_("标*的列为必填。身份证号码等编号列已设为文本格式，粘贴时请选择“只粘贴值”。"))])
    for letter, width in zip("ABCD", (14, 22, 10, 90), strict=True):
        notes.column_dimensions[letter].width = width
    return book


def template_bytes(kind):
    buffer = io.BytesIO()
    template_workbook(kind).save(buffer)
    return buffer.getvalue()
