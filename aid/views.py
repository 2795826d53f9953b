"""Lists, exports and forms of the aid records (grants, fund receipts, expenditures, work-study posts),
and the ledgers (台账) page with its downloads."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from aid import ledgers, services
from aid.forms import (
    AidGrantForm,
    AssistanceMeasureForm,
    ExpenditureForm,
    FundReceiptForm,
    LedgerForm,
    WorkStudyOfferForm,
)
from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from casework import exports, listing
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


LEDGER_DESCRIPTIONS = (
    (
        "grants",
        _("金秋助学发放台账"),
        _(
            "每笔助学款一行：学生、学校、学段、家长、档案编号、家庭类别、金额、资金来源、发放日期、发放方式；现金发放留领取人签字栏。"
        ),
    ),
    (
        "funds",
        _("资金台账"),
        _(
            "按项目和资金来源列出收入（含上级拨付，单位内部拨付单列、不计入收入），按用途列出支出，各有小计，并列出各项目结余。"
        ),
    ),
    (
        "households",
        _("困难职工档案台账"),
        _(
            "每份档案一行：档案编号、单位、类别、户主、家庭人口、致困原因、各环节日期、状态，以及期间内的帮扶措施和助学款。"
        ),
    ),
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ledgers_page(request, form, status=200):
    context = {"form": form, "ledgers": LEDGER_DESCRIPTIONS}
    return render(request, "aid/ledgers.html", context, status=status)


@login_required
def ledgers_page(request):
    """Choose a unit of the user's subtree and a period (default: this calendar year), download a ledger."""
    return _ledgers_page(request, LedgerForm.with_defaults({}, user=request.user))


@login_required
def ledger_download(request, kind):
    """One ledger as an XLSX file, logged like every export; a bad unit or period shows the page again."""
    build = ledgers.LEDGERS.get(kind)
    if build is None:
        raise Http404
    form = LedgerForm.with_defaults(request.GET, user=request.user)
    if not form.is_valid():
        return _ledgers_page(request, form, status=400)
    unit, start, end = form.cleaned_data["org"], form.cleaned_data["start"], form.cleaned_data["end"]
    ledger = build(request.user, unit, start, end)
    content = ledgers.as_xlsx(ledger)
    exports.export_log_record(
        acting_user=request.user,
        model=f"aid.ledger.{kind}",
        filters={"org": unit.code, "start": start.isoformat(), "end": end.isoformat()},
        file_format="xlsx",
        rows=ledger.record_count,
    )
    name = f"ledger-{kind}-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return exports.attachment(HttpResponse(content, content_type=XLSX), name)
