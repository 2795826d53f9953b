"""Lists, exports and forms of the employment records (trainings, certificates, placements, loans, services,
job fairs, position offers, institutions)."""

from django.utils.translation import gettext_lazy as _

from casework import listing
from casework.listing import Column, RecordType, generic_create, generic_update, model_form_data
from casework.services import record_create
from employment import forms
from employment.models import (
    AssistancePlan,
    Certificate,
    Institution,
    JobFair,
    Loan,
    Pairing,
    Placement,
    PositionOffer,
    Service,
    Training,
)

UNIT = Column(_("填报单位"), "organisation.name", "organisation__path")
PERSON = Column(_("姓名"), "person.name", "person__name")
PERSON_ID = Column(_("身份证号码"), "person.id_number_masked")
CATEGORY = Column(_("人员类别"), "get_category_display", "category")
PERSON_RECORD = {"select_related": ("person", "organisation"), "create": generic_create, "update": generic_update}


def _create_plan(form, user, reason):
    # The plan records who made it: the user filling in the form.
    return record_create(
        AssistancePlan, acting_user=user, reason=reason, data={**model_form_data(form), "made_by": user}
    )


GRADUATE = Column(_("毕业生"), "graduate.person.name", "graduate__person__name")

listing.register(
    RecordType(
        slug="trainings",
        model=Training,
        filterset="employment.filtersets.TrainingFilterSet",
        fallback_filters=("type", "category", "institution"),
        default_sort="-started_on",
        columns=[
            PERSON,
            PERSON_ID,
            Column(_("培训类型"), "get_type_display", "type"),
            CATEGORY,
            Column(_("培训机构"), "institution.name", "institution__name"),
            Column(_("开始日期"), "started_on", "started_on"),
            Column(_("结束日期"), "ended_on", "ended_on"),
            UNIT,
        ],
        form_class=forms.TrainingForm,
        **{**PERSON_RECORD, "select_related": ("person", "organisation", "institution")},
    ),
    RecordType(
        slug="certificates",
        model=Certificate,
        filterset="employment.filtersets.CertificateFilterSet",
        fallback_filters=("issuer", "level", "via_assessment"),
        select_related=("person",),
        default_sort="-issued_on",
        columns=[
            PERSON,
            PERSON_ID,
            Column(_("发证部门"), "get_issuer_display", "issuer"),
            Column(_("等级"), "get_level_display", "level"),
            Column(_("发证日期"), "issued_on", "issued_on"),
            Column(_("通过职业技能鉴定"), "via_assessment"),
        ],
        form_class=forms.CertificateForm,
        create=generic_create,
        update=generic_update,
    ),
    RecordType(
        slug="placements",
        model=Placement,
        filterset="employment.filtersets.PlacementFilterSet",
        fallback_filters=("channel", "category"),
        default_sort="-employed_on",
        columns=[
            PERSON,
            PERSON_ID,
            Column(_("就业单位"), "employer", "employer"),
            Column(_("就业渠道"), "get_channel_display", "channel"),
            CATEGORY,
            Column(_("就业日期"), "employed_on", "employed_on"),
            Column(_("劳动合同期限（月）"), "contract_months", "contract_months"),
            UNIT,
        ],
        form_class=forms.PlacementForm,
        **PERSON_RECORD,
    ),
    RecordType(
        slug="loans",
        model=Loan,
        filterset="employment.filtersets.LoanFilterSet",
        fallback_filters=("kind", "category"),
        default_sort="-lent_on",
        columns=[
            PERSON,
            PERSON_ID,
            Column(_("种类"), "get_kind_display", "kind"),
            CATEGORY,
            Column(_("放款日期"), "lent_on", "lent_on"),
            Column(_("金额（元）"), "amount", "amount"),
            Column(_("带动就业人数"), "jobs_created", "jobs_created"),
            UNIT,
        ],
        form_class=forms.LoanForm,
        **PERSON_RECORD,
    ),
    RecordType(
        slug="services",
        model=Service,
        filterset="employment.filtersets.ServiceFilterSet",
        fallback_filters=("type",),
        default_sort="-served_on",
        columns=[
            PERSON,
            PERSON_ID,
            Column(_("服务类型"), "get_type_display", "type"),
            Column(_("服务日期"), "served_on", "served_on"),
            Column(_("补贴金额（元）"), "amount", "amount"),
            UNIT,
        ],
        form_class=forms.ServiceForm,
        **PERSON_RECORD,
    ),
    RecordType(
        slug="job-fairs",
        model=JobFair,
        filterset="employment.filtersets.JobFairFilterSet",
        select_related=("organisation",),
        default_sort="-held_on",
        columns=[
            Column(_("名称"), "name", "name"),
            Column(_("举办日期"), "held_on", "held_on"),
            Column(_("提供岗位数"), "positions_total", "positions_total"),
            Column(_("适合高校毕业生的岗位数"), "positions_for_graduates", "positions_for_graduates"),
            UNIT,
        ],
        form_class=forms.JobFairForm,
        create=generic_create,
        update=generic_update,
    ),
    RecordType(
        slug="position-offers",
        model=PositionOffer,
        filterset="employment.filtersets.PositionOfferFilterSet",
        fallback_filters=("employer_type",),
        select_related=("organisation",),
        default_sort="-offered_on",
        columns=[
            Column(_("提供单位"), "employer", "employer"),
            Column(_("单位类型"), "get_employer_type_display", "employer_type"),
            Column(_("提供日期"), "offered_on", "offered_on"),
            Column(_("岗位数"), "positions", "positions"),
            UNIT,
        ],
        form_class=forms.PositionOfferForm,
        create=generic_create,
        update=generic_update,
    ),
    RecordType(
        slug="institutions",
        model=Institution,
        filterset="employment.filtersets.InstitutionFilterSet",
        fallback_filters=("migrant_demo_base", "employment_training_base", "advanced_institution"),
        select_related=("organisation",),
        default_sort="code",
        columns=[
            Column(_("机构代码"), "code", "code"),
            Column(_("机构名称"), "name", "name"),
            Column(_("农民工技能培训示范基地"), "migrant_demo_base"),
            Column(_("就业培训基地"), "employment_training_base"),
            Column(_("先进就业培训机构"), "advanced_institution"),
            Column(_("主管单位"), "organisation.name", "organisation__path"),
        ],
        form_class=forms.InstitutionForm,
        create=generic_create,
        update=generic_update,
    ),
    RecordType(
        slug="assistance-plans",
        model=AssistancePlan,
        filterset="employment.filtersets.AssistancePlanFilterSet",
        select_related=("graduate__person", "made_by"),
        default_sort="-made_on",
        columns=[
            GRADUATE,
            Column(_("制订日期"), "made_on", "made_on"),
            Column(_("制订人"), "made_by"),
            Column(_("方案内容"), "content"),
            Column(_("下次回访日期"), "next_review_on", "next_review_on"),
        ],
        form_class=forms.AssistancePlanForm,
        create=_create_plan,
        update=generic_update,
    ),
    RecordType(
        slug="pairings",
        model=Pairing,
        filterset="employment.filtersets.PairingFilterSet",
        select_related=("graduate__person",),
        default_sort="-since",
        columns=[
            GRADUATE,
            Column(_("帮扶人"), "mentor", "mentor"),
            Column(_("帮扶人类别"), "get_mentor_kind_display", "mentor_kind"),
            Column(_("结对日期"), "since", "since"),
        ],
        form_class=forms.PairingForm,
        create=generic_create,
        update=generic_update,
    ),
)
