"""The household file as a printable registration and approval form (困难职工家庭建档登记审批表, 一户一档).

One HTML document, shown in the browser and turned into an A4 PDF by the same machinery as the
notices (``casework.printing``). It shows what the file page shows to the same users, and nothing
more: the resident ID numbers masked (first 6 and last 4 characters), the person responsible and
the low-income certificate number as on the page, no member's phone. Downloading the PDF is logged
in ``casework.ExportLog`` like every other file that leaves the system; the page itself, like the
file page, is not.
"""

from pathlib import Path

from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import exports, printing
from portal import selectors

STYLESHEET = Path(__file__).parent / "static" / "portal" / "file-form.css"


def _name(user):
    """Who took a step, as the file page names them (full name, else the account)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def workflow_steps(household):
    """The file's workflow, one row per step in order: what, when, by whom, and any note."""
    steps = [(_("申请"), household.applied_on, household.applied_by, "")]
    if household.returned_on:
        steps.append((_("退回修改"), household.returned_on, household.returned_by, household.return_reason))
    steps.append((_("审核"), household.reviewed_on, household.reviewed_by, ""))
    notice = _("公示 %(ref)s") % {"ref": household.notice_ref} if household.notice_ref else ""
    steps.append((_("公示"), household.noticed_on, None, notice))
    steps.append((_("建档"), household.filed_on, household.filed_by, ""))
    if household.closed_on:
        closing = household.get_closing_code_display() or ""
        if household.closing_reason:
            closing = f"{closing}：{household.closing_reason}" if closing else household.closing_reason
        steps.append((_("脱困退出"), household.closed_on, household.closed_by, closing))
    return [{"step": step, "day": day, "by": _name(by), "note": note} for step, day, by, note in steps]


def print_context(household, user):
    records = selectors.file_facts(household, user)
    measures = records["measures"]
    return {
        "household": household,
        "members": records["members"],
        "income_sources": records["income_sources"],
        "hardship_reasons": records["hardship_reasons"],
        "measures": measures,
        "measure_totals": measures.aggregate(count=Count("id"), amount=Sum("amount")),
        "reviews": records["reviews"],
        "steps": workflow_steps(household),
        "printed_on": timezone.localdate(),
    }


def render_html(household, user, *, for_pdf=False, request=None):
    """The form as an HTML document (``for_pdf``: the stylesheet inline, no print button)."""
    context = {
        **print_context(household, user),
        "for_pdf": for_pdf,
        "stylesheet": printing.stylesheet(STYLESHEET) if for_pdf else "",
    }
    return render_to_string("portal/household_print.html", context, request=request)


def render_pdf(household, user):
    """The form as A4 PDF bytes, its download logged (who, which file, how many members)."""
    content = printing.write_pdf(render_html(household, user, for_pdf=True))
    exports.export_log_record(
        acting_user=user,
        model="beneficiaries.Household.form",
        filters={"file_no": household.file_no},
        file_format="pdf",
        rows=household.members.count(),
        reason="household form PDF",
    )
    return content


def pdf_filename(household):
    return f"档案-{household.file_no}.pdf"
