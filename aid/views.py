"""Lists, exports and forms of the aid records (grants, fund receipts, expenditures, work-study posts)."""

from django.utils.translation import gettext_lazy as _

from aid import services
from aid.forms import AidGrantForm, AssistanceMeasureForm, ExpenditureForm, FundReceiptForm, WorkStudyOfferForm
from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from casework import listing
from casework.listing import Column, RecordType, through_services

UNIT = Column(_("填报单位"), "organisation.name", "organisation__path")
PERSON = Column(_("姓名"), "person.name", "person__name")
PERSON_ID = Column(_("身份证号码"), "person.id_number_masked")
AMOUNT = Column(_("金额（元）"), "amount", "amount")

listing.register(
    RecordType(
        slug="grants",
        model=AidGrant,
        filterset="aid.filtersets.AidGrantFilterSet",
        select_related=("person", "organisation"),
        default_sort="-granted_on",
        columns=[
            PERSON,
            PERSON_ID,
            Column(_("发放日期"), "granted_on", "granted_on"),
            AMOUNT,
            Column(_("资金来源"), "get_fund_source_display", "fund_source"),
            Column(_("发放方式"), "get_payment_method_display", "payment_method"),
            UNIT,
        ],
        form_class=AidGrantForm,
        **through_services(services.aid_grant_create, services.aid_grant_update),
    ),
    RecordType(
        slug="fund-receipts",
        model=FundReceipt,
        filterset="aid.filtersets.FundReceiptFilterSet",
        fallback_filters=("programme", "source"),
        select_related=("organisation", "transferred_from"),
        default_sort="-received_on",
        columns=[
            Column(_("项目"), "get_programme_display", "programme"),
            Column(_("资金来源"), "get_source_display", "source"),
            Column(_("到账日期"), "received_on", "received_on"),
            AMOUNT,
            Column(_("上级拨付单位"), "transferred_from.name"),
            Column(_("备注"), "note"),
            UNIT,
        ],
        form_class=FundReceiptForm,
        **through_services(services.fund_receipt_create, services.fund_receipt_update),
    ),
    RecordType(
        slug="expenditures",
        model=Expenditure,
        filterset="aid.filtersets.ExpenditureFilterSet",
        fallback_filters=("programme", "use"),
        select_related=("organisation",),
        default_sort="-spent_on",
        columns=[
            Column(_("项目"), "get_programme_display", "programme"),
            Column(_("用途"), "get_use_display", "use"),
            Column(_("支出日期"), "spent_on", "spent_on"),
            AMOUNT,
            Column(_("备注"), "note"),
            UNIT,
        ],
        form_class=ExpenditureForm,
        **through_services(services.expenditure_create, services.expenditure_update),
    ),
    RecordType(
        slug="work-study",
        model=WorkStudyOffer,
        filterset="aid.filtersets.WorkStudyOfferFilterSet",
        select_related=("organisation",),
        default_sort="-offered_on",
        columns=[
            Column(_("联系单位"), "unit_name", "unit_name"),
            Column(_("提供日期"), "offered_on", "offered_on"),
            Column(_("岗位数"), "posts", "posts"),
            UNIT,
        ],
        form_class=WorkStudyOfferForm,
        **through_services(services.work_study_offer_create, services.work_study_offer_update),
    ),
    RecordType(
        slug="measures",
        model=AssistanceMeasure,
        filterset="aid.filtersets.AssistanceMeasureFilterSet",
        fallback_filters=("type", "fund_source"),
        select_related=("organisation", "household"),
        default_sort="-provided_on",
        columns=[
            Column(_("档案编号"), "household.file_no", "household__file_no"),
            Column(_("帮扶类型"), "get_type_display", "type"),
            Column(_("帮扶日期"), "provided_on", "provided_on"),
            Column(_("金额（元）"), "amount", "amount"),
            Column(_("资金来源"), "get_fund_source_display", "fund_source"),
            Column(_("备注"), "note"),
            UNIT,
        ],
        form_class=AssistanceMeasureForm,
        **through_services(services.assistance_measure_create, services.assistance_measure_update),
    ),
)
