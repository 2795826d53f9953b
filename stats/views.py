"""Web pages of the returns: choose a return, see it laid out as in the notice with every figure linked to
its records, download or print it, file it, and compare a filing with today's figures.

Only the public selectors and services of the stats app are called here.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework.choices import Role
from casework.exports import attachment
from casework.scoping import scoped
from casework.selectors import organisations_for
from casework.webforms import DateInput, UnitCodeField
from stats import outputs, selectors, services
from stats.models import Attachment, ReturnFiling

DATE = DateInput()
DRILL_PAGE_SIZE = 50
FILINGS_PAGE_SIZE = 20


class ReturnForm(forms.Form):
    attachment = forms.TypedChoiceField(label=gettext_lazy("报表"), choices=Attachment.choices, coerce=int)
    org = UnitCodeField(label=gettext_lazy("填报单位"))
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    cutoff = forms.DateField(
        label=gettext_lazy("统计截止日期"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("不填则用通知规定的截止日期（附件1 年度 11-30，附件2 09-10，附件3 08-31）。"),
    )

    as_recorded_at = forms.CharField(
        label=gettext_lazy("数据时点"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("不填则按当前数据；填写时按该时点的记录重现，例如 2014-09-01T08:00:00+08:00。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any unit of the user's subtree, picked by name (no list of units to cap); cleaned to its code.
        self.fields["org"].set_units(organisations_for(user))
        if user.organisation_id:
            self.fields["org"].initial = user.organisation.code
        self.fields["year"].initial = timezone.localdate().year

    def clean_org(self):
        return self.cleaned_data["org"].code

    def clean_as_recorded_at(self):
        try:
            return selectors.parse_moment(self.cleaned_data["as_recorded_at"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["as_recorded_at"]) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cutoff") and cleaned.get("year") and cleaned["cutoff"].year != cleaned["year"]:
            self.add_error("cutoff", _("统计截止日期必须在报告年度内。"))
        return cleaned


class FilingForm(forms.Form):
    preparer = forms.CharField(label=gettext_lazy("填报人"), max_length=64)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32)


def can_file(user):
    return user.is_superuser or user.role in {Role.STATISTICS_OFFICER, Role.ADMINISTRATOR}


def _params(form):
    data = form.cleaned_data
    params = {
        "attachment": data["attachment"],
        "org": data["org"],
        "year": data["year"],
        "cutoff": data["cutoff"].isoformat() if data.get("cutoff") else "",
    }
    if data.get("as_recorded_at"):
        params["as_recorded_at"] = data["as_recorded_at"].isoformat()
    return params


def _refused(request, form):
    """The returns page with the form's refusals under their fields, answered 400."""
    context = {
        "form": form,
        "can_file": can_file(request.user),
        "filings": _filings_page(request, selectors.filings_for(request.user)),
    }
    return render(request, "stats/return_page.html", context, status=400)


def _filings_page(request, filings):
    """One page of the filings listed under the return (newest first), with their total."""
    return Paginator(filings, FILINGS_PAGE_SIZE).get_page(request.GET.get("page"))


def _result(request, form):
    """The return the (valid) form asks for, or ``None`` with the refusal put on the form."""
    data = form.cleaned_data
    try:
        return selectors.return_for(
            request.user,
            attachment=data["attachment"],
            year=data["year"],
            org_code=data["org"],
            cutoff=data.get("cutoff"),
            as_of=data.get("as_recorded_at"),
        )
    except PermissionDenied:
        form.add_error("org", _("该单位不在您的管辖范围内。"))
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None


def _bound_form(request):
    return ReturnForm(request.GET if "attachment" in request.GET else None, user=request.user)


def sheet_lines(result, params):
    """The official table's lines, each value carrying the link to its drill-down."""
    base = reverse("stats-return-cell")
    lines = []
    for line in outputs.layout_lines(result, result.attachment.layout):
        parts = []
        for segment in line:
            if segment[0] == "text":
                parts.append({"text": segment[1]})
            elif result.as_of:  # the drill-down lists today's records: no link from an earlier moment's figure
                parts.append({"key": segment[1], "value": segment[2], "url": None})
            else:
                query = urlencode({**params, "cutoff": result.cutoff.isoformat(), "key": segment[1]})
                parts.append({"key": segment[1], "value": segment[2], "url": f"{base}?{query}"})
        lines.append(parts)
    return lines


@login_required
def return_page(request):
    """Choose attachment, unit, year and cut-off; the return laid out as in the notice, every number a link."""
    form = _bound_form(request)
    context = {"form": form, "can_file": can_file(request.user)}
    if form.is_bound:
        result = _result(request, form) if form.is_valid() else None
        if result is None:
            return _refused(request, form)
        params = _params(form)
        query = urlencode({**params, "cutoff": result.cutoff.isoformat()})
        context.update(
            {
                "result": result,
                "head": outputs.header(result),
                "lines": sheet_lines(result, params),
                "notes": [n.replace("{cutoff}", outputs.header(result)["cutoff"]) for n in result.attachment.notes],
                "query": query,
                "filing_form": FilingForm(
                    initial={"preparer": request.user.get_full_name() or request.user.get_username()}
                ),
                "filings": _filings_page(
                    request,
                    selectors.filings_for(
                        request.user,
                        {
                            "attachment": result.attachment.number,
                            "year": result.year,
                            "cutoff": result.cutoff.isoformat(),
                        },
                    ).filter(organisation__code=params["org"]),
                ),
            }
        )
    if "result" not in context:
        context["filings"] = _filings_page(request, selectors.filings_for(request.user))
    return render(request, "stats/return_page.html", context)


def _result_or_refusal(request):
    """``(result, None)`` for the return asked for, or ``(None, response)``: the page with the refusals, 400."""
    form = _bound_form(request)
    if not form.is_bound:
        raise Http404
    result = _result(request, form) if form.is_valid() else None
    if result is None:
        return None, _refused(request, form)
    return result, None


@login_required
def return_xlsx(request):
    result, refusal = _result_or_refusal(request)
    if refusal:
        return refusal
    response = HttpResponse(
        outputs.as_xlsx(result, request.GET.get("preparer", ""), request.GET.get("phone", "")),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"return-a{result.attachment.number}-{result.organisation['code']}-{result.cutoff.isoformat()}.xlsx"
    return attachment(response, name)


@login_required
def return_print(request):
    """The print view (A4, laid out as in the notice), styled by a linked stylesheet the CSP allows."""
    result, refusal = _result_or_refusal(request)
    if refusal:
        return refusal
    return render(request, "stats/return_print_page.html", _print_context(result))


def _print_context(result, preparer="", phone=""):
    head = outputs.header(result, preparer, phone)
    return {
        "head": head,
        "result": result,
        "lines": [
            [{"text": s[1]} if s[0] == "text" else {"key": s[1], "value": s[2]} for s in line]
            for line in outputs.layout_lines(result, result.attachment.layout)
        ],
        "notes": [n.replace("{cutoff}", head["cutoff"]) for n in result.attachment.notes],
    }


@login_required
def return_cell(request):
    """The records and persons behind one figure (the cell's own definition, listing instead of counting)."""
    form = _bound_form(request)
    key = request.GET.get("key", "")
    if not form.is_bound:
        raise Http404
    if not form.is_valid():
        return _refused(request, form)
    data = form.cleaned_data

    def drill_page(number):
        return selectors.cell_drilldown(
            request.user,
            attachment=data["attachment"],
            year=data["year"],
            org_code=data["org"],
            key=key,
            cutoff=data.get("cutoff"),
            limit=DRILL_PAGE_SIZE,
            offset=(number - 1) * DRILL_PAGE_SIZE,
        )

    wanted = _page_number(request.GET.get("page"))
    try:
        drill = drill_page(wanted)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('stats-returns')}?{urlencode(_params(form))}")
    # One page number pages every part's records and persons together; the counts come from the database.
    longest = max((max(part["record_count"], part["person_count"] or 0) for part in drill["parts"]), default=0)
    page = Paginator(range(longest), DRILL_PAGE_SIZE).get_page(wanted)
    if page.number != wanted:  # past the last page: show the last one
        drill = drill_page(page.number)
    for part in drill["parts"]:
        # Shown as people read them: short numbers, names, choice labels, the unit's name (code beside it).
        shown = [record["display"] for record in part["records"]]
        names = [name for name in (shown[0] if shown else {}) if name != "organisation_code"]
        part["columns"] = [_column_label(part["source"], name) for name in names]
        if part["is_money"]:  # money is listed and added up in exact yuan
            part["value_display"] = _("%(value)s 元") % {"value": part["value"]}
        else:
            part["value_display"] = f"{part['value']} {part['unit']}"
        part["rows"] = [
            {
                "cells": [
                    {"value": values[name], "code": values.get("organisation_code") if name == "organisation" else None}
                    for name in names
                ],
                "url": _record_url(part["source"], record),
            }
            for record, values in zip(part["records"], shown, strict=True)
        ]
    back = f"{reverse('stats-returns')}?{urlencode(_params(form))}"
    return render(request, "stats/return_cell.html", {"drill": drill, "back": back, "page": page})


def _page_number(value):
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def _column_label(source, name):
    """The model's own field label for a drill-down column (``person_id`` shows the person's name)."""
    from stats.sources import source_model

    field_name = {"person_id": "person"}.get(name, name)
    try:
        return source_model(source)._meta.get_field(field_name).verbose_name
    except FieldDoesNotExist:  # a computed column has no field: show its key
        return name


def _record_url(source, record):
    """The edit page of a drilled-down record, when the web interface has one for its kind."""
    from casework.listing import registered
    from stats.sources import source_model

    model = source_model(source)
    for record_type in registered().values():
        if record_type.model is model and record_type.update:
            return reverse(f"{record_type.slug}-edit", kwargs={"pk": record["id"]})
    return None


@login_required
@require_POST
def return_file(request):
    """File (报送) the return shown: the figures are frozen with their hash (stats.services.return_file)."""
    if not can_file(request.user):
        raise PermissionDenied
    form = ReturnForm(request.POST, user=request.user)
    filing_form = FilingForm(request.POST)
    if not (form.is_valid() and filing_form.is_valid()):
        for errors in [*form.errors.values(), *filing_form.errors.values()]:
            for message in errors:
                messages.error(request, message)
        return redirect(f"{reverse('stats-returns')}?{urlencode(request.POST.dict())}")
    data = form.cleaned_data
    try:
        filing = services.return_file(
            organisation=selectors.organisation_by_code(data["org"]),
            attachment=data["attachment"],
            year=data["year"],
            cutoff=data.get("cutoff"),
            preparer=filing_form.cleaned_data["preparer"],
            phone=filing_form.cleaned_data["phone"],
            acting_user=request.user,
            reason=_("网页报送"),
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(f"{reverse('stats-returns')}?{urlencode(_params(form))}")
    messages.success(request, _("报表已报送。"))
    return redirect("stats-filing", pk=filing.pk)


@login_required
def filing_page(request, pk):
    """A filed return against today's figures: changed cells highlighted, and the records changed since."""
    filing = get_object_or_404(
        scoped(ReturnFiling.objects.select_related("organisation", "filed_by"), request.user), pk=pk
    )
    difference = selectors.filing_difference(request.user, filing)
    params = {
        "attachment": filing.attachment,
        "org": filing.organisation.code,
        "year": filing.year,
        "cutoff": filing.cutoff.isoformat(),
    }
    labels = {source: selectors.source_label(source) for cell in difference["cells"] for source in cell["sources"]}
    for cell in difference["cells"]:
        cell["url"] = f"{reverse('stats-return-cell')}?{urlencode({**params, 'key': cell['key']})}"
        cell["changed_labels"] = [labels[source] for source in cell["changed_sources"]]
    # The lists by their names (培训, 助学款…), not their interchange keys.
    changed_lists = [
        {"source": source, "label": labels.get(source) or selectors.source_label(source), "changes": changes}
        for source, changes in difference["records"].items()
    ]
    # The changed cells first (in the table's order), the unchanged ones only when asked for (?all=1).
    show_all = request.GET.get("all") == "1"
    cells = sorted(difference["cells"], key=lambda cell: not cell["changed"])
    return render(
        request,
        "stats/return_filing.html",
        {
            "filing": filing,
            "difference": difference,
            "changed_lists": changed_lists,
            "cells": cells if show_all else [cell for cell in cells if cell["changed"]],
            "show_all": show_all,
            "query": urlencode(params),
        },
    )


@login_required
def filing_print(request, pk):
    """The filing as it was handed in (its frozen figures), in the print layout."""
    from stats.engine import ReturnResult

    filing = get_object_or_404(scoped(ReturnFiling.objects.select_related("organisation"), request.user), pk=pk)
    result = ReturnResult.from_figures(filing.figures)
    return render(request, "stats/return_print_page.html", _print_context(result, filing.preparer, filing.phone))
