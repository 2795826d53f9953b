"""Lists, exports and forms of the aid records (grants, fund receipts, expenditures, work-study posts)."""

from django.utils.translation import gettext_lazy as _

from aid import services
from aid.forms import AidGrantForm, ExpenditureForm, FundReceiptForm, WorkStudyOfferForm
from aid.models import AidGrant, Expenditure, FundReceipt, WorkStudyOffer
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
        columns=[PERSON, PERSON_ID, Column(_("发放日期"), "granted_on", "granted_on"), AMOUNT, UNIT],
        form_class=AidGrantForm,
        **through_services(services.aid_grant_create, services.aid_grant_update),
    ),
    RecordType(
        slug="fund-receipts",
        model=FundReceipt,
        filterset="aid.filtersets.FundReceiptFilterSet",
        fallback_filters=("programme", "source"),
        select_related=("organisation",),
        default_sort="-received_on",
        columns=[
            Column(_("项目"), "get_programme_display", "programme"),
            Column(_("资金来源"), "get_source_display", "source"),
            Column(_("到账日期"), "received_on", "received_on"),
            AMOUNT,
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
)
