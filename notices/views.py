"""Web pages of public notices: list, build, edit a draft, detail with its workflow, print view, PDF, objections."""

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aid.selectors import standard_for
from beneficiaries.choices import Stage
from casework.exports import attachment
from casework.paging import ListPaginator
from casework.permissions import IsReviewer
from casework.selectors import organisations_for, unit_from_text
from notices import forms, printing, selectors, services
from notices.filtersets import NoticeFilterSet
from notices.models import Objection

LIST_PAGE_SIZE = 200
BUILDER_PAGE_SIZE = 50  # persons offered a page on the notice builder
# The builder counts its eligible persons up to this many; a longer list reads "1000 条以上" (its conditions
# defeat the planner's estimate, and an exact count at province level reads every person).
BUILDER_COUNT_LIMIT = 1_000


def is_reviewer(request):
    return IsReviewer().has_permission(request, None)


def reviewer_required(view):
    """Building, publishing, withdrawing and deciding are a reviewer's (or an administrator's) work."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_reviewer(request):
            raise PermissionDenied(_("只有审核人员可以进行此操作。"))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _notice_or_404(user, pk):
    return get_object_or_404(selectors.notices_for(user), pk=pk)


def _errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def _add_errors(form, error):
    by_field = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
    for field, problems in by_field.items():
        for problem in problems:
            message = " ".join(problem.messages) if hasattr(problem, "messages") else str(problem)
            form.add_error(field if field in form.fields else None, message)


@login_required
def notice_list(request):
    filterset = NoticeFilterSet(request.GET or None, queryset=selectors.notices_for(request.user), request=request)
    notices = filterset.qs if filterset.is_bound else filterset.queryset
    if not notices.ordered:  # the entry counts' GROUP BY drops the model's ordering: pages need one
        notices = notices.order_by("-starts_on", "ref")
    page = Paginator(notices, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/list.html",
        {"filterset": filterset, "page": page, "can_build": is_reviewer(request)},
    )


def _organisation(request):
    """The unit the builder lists (``?org=``: a code, a picker label or a unique name of the user's
    subtree; the user's own unit by default) and the units it may be chosen from. A unit outside the
    subtree answers like an unknown one."""
    units = organisations_for(request.user)
    text = request.GET.get("org") or request.POST.get("org")
    if text:
        unit = unit_from_text(units, text)
        if unit is None:
            raise Http404
        return unit, units
    return (request.user.organisation or units.first()), units


def _builder_page(request, organisation, kind_default=None, exclude_notice=None, units=None):
    """The filter form (with the unit picker when ``units`` may be chosen from) and the page of eligible
    persons (with school, stage and standard) for the builder."""
    query = request.GET.copy()
    if kind_default and not query.get("kind"):
        query["kind"] = kind_default
    if units is not None:
        query["org"] = organisation.code
    filters = forms.BuilderFilterForm(query, units=units)
    values = filters.values()
    people = selectors.builder_list(request.user, organisation, exclude_notice=exclude_notice, **values)
    page = ListPaginator(people, BUILDER_PAGE_SIZE, count_limit=BUILDER_COUNT_LIMIT).get_page(request.GET.get("page"))
    stages = dict(Stage.choices)
    for person in page:  # the page's rows only
        person.standard = standard_for(person.stage)
        person.stage_label = stages.get(person.stage, "")
    return filters, values, page


@reviewer_required
def notice_build(request):
    """Build a draft from the eligible persons of a unit (a page at a time, filtered), each with the
    standard of their stage in the box; clearing a box leaves the person out."""
    organisation, units = _organisation(request)
    if organisation is None:
        raise PermissionDenied
    filters, values, page = _builder_page(request, organisation, units=units)
    people = list(page)
    form = forms.NoticeForm(
        request.POST or None,
        people=people,
        amounts={person.pk: person.standard for person in people},
        initial={**forms.NoticeForm.base_initial(), "kind": values["kind"]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_build(
                organisation=organisation,
                entries=form.entries(),
                acting_user=request.user,
                reason="build notice (web)",
                **form.details(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("公示草稿已生成，请核对后发布。"))
            return redirect("notices:detail", pk=notice.pk)
    return render(
        request,
        "notices/build.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "organisation": organisation,
            "notice": None,
        },
        status=400 if form.errors else 200,
    )


@reviewer_required
def notice_edit(request, pk):
    """Edit a draft: its own entries (amount, or empty to take the person off) and a page of further
    eligible persons (typing an amount adds them); the draft's version guards against lost updates."""
    notice = _notice_or_404(request.user, pk)
    if not notice.is_draft:
        messages.error(request, _("已发布的公示不能修改，只能撤回后发布新版本。"))
        return redirect("notices:detail", pk=pk)
    entries = list(selectors.notice_entries(notice).select_related("person__household"))
    listed = {entry.person_id for entry in entries}
    filters, _values, page = _builder_page(
        request, notice.organisation, kind_default=notice.kind, exclude_notice=notice.replaces
    )
    further = [person for person in page if person.pk not in listed]
    form = forms.NoticeForm(
        request.POST or None,
        people=[entry.person for entry in entries] + further,
        amounts={entry.person_id: entry.amount for entry in entries},
        hints={person.pk: person.standard for person in further},
        initial=forms.NoticeForm.initial_from(notice),
        notice=notice,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_update(
                notice,
                acting_user=request.user,
                reason="edit draft (web)",
                data=form.details(),
                entries=form.entries(),
                expected_version=form.expected_version(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect("notices:detail", pk=pk)
    return render(
        request,
        "notices/build.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "listed": listed,
            "organisation": notice.organisation,
            "notice": notice,
        },
        status=400 if form.errors else 200,
    )


@login_required
def notice_detail(request, pk):
    return _detail(request, _notice_or_404(request.user, pk))


def _detail(request, notice, *, objection_form=None, photo_form=None):
    """The notice's page; an objection or photo form sent back with errors shows them next to its fields."""
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "entries": selectors.notice_entries(notice),
            "totals": selectors.notice_totals(notice),
            "objections": selectors.notice_objections(notice),
            "versions": selectors.notice_versions(notice),
            "withdraw_form": forms.WithdrawForm(),
            "objection_form": objection_form or forms.ObjectionForm(notice=notice),
            "decide_form": forms.DecideForm(),
            "photo_form": photo_form or forms.PhotoForm(),
            "can_review": is_reviewer(request),
            # 发放: after the period, for who does casework (the service refuses the others too).
            "can_pay": services.may_pay(request.user)
            and selectors.payment_problem(notice, timezone.localdate()) is None,
        },
        status=400 if objection_form is not None or photo_form is not None else 200,
    )


@reviewer_required
@require_POST
def notice_publish(request, pk):
    notice = _notice_or_404(request.user, pk)
    try:
        services.notice_publish(notice, acting_user=request.user, reason="publish notice (web)")
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("公示已发布。"))
    return redirect("notices:detail", pk=pk)


@reviewer_required
@require_POST
def notice_discard(request, pk):
    notice = _notice_or_404(request.user, pk)
    try:
        services.notice_discard(notice, acting_user=request.user, reason="discard draft (web)")
    except ValidationError as error:
        _errors(request, error)
        return redirect("notices:detail", pk=pk)
    messages.success(request, _("草稿已删除。"))
    return redirect("notices:index")


@reviewer_required
@require_POST
def notice_withdraw(request, pk):
    notice = _notice_or_404(request.user, pk)
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤回原因。"))
        return redirect("notices:detail", pk=pk)
    try:
        services.notice_withdraw(
            notice,
            acting_user=request.user,
            withdrawn_reason=form.cleaned_data["withdrawn_reason"],
            reason="withdraw notice (web)",
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("公示已撤回。"))
    return redirect("notices:detail", pk=pk)


@reviewer_required
def notice_replace(request, pk):
    notice = _notice_or_404(request.user, pk)
    form = forms.ReplaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.notice_replace(
                notice, acting_user=request.user, reason="replace notice (web)", **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("新版本草稿已生成，原公示已撤回。请核对名单后发布。"))
            return redirect("notices:detail", pk=new.pk)
    return render(request, "notices/replace.html", {"notice": notice, "form": form}, status=400 if form.errors else 200)


@login_required
def notice_pay(request, pk):
    """Pay an ended 金秋助学 notice at its published standards in one confirmed action (a 发放 batch).

    GET (and a POST without the confirmation) shows what the batch would write — how many grants, the
    total, each person's amount and unit, and who is left out and why; the POST with the confirmation
    writes it through :func:`notices.services.notice_pay`, all or nothing.
    """
    notice = _notice_or_404(request.user, pk)
    if not services.may_pay(request.user):
        raise PermissionDenied(_("只有个案工作人员、审核人员或管理员可以发放助学款。"))
    form = forms.PaymentForm(request.POST or request.GET or None)
    plan = problem = None
    chosen = {"granted_on": timezone.localdate(), "fund_source": "", "payment_method": ""}
    if form.is_bound and form.is_valid():
        values = form.cleaned_data
        chosen = {key: values[key] for key in chosen}
        problem = selectors.payment_problem(notice, values["granted_on"])
        if problem is None:
            plan = selectors.payment_plan(
                notice,
                granted_on=values["granted_on"],
                fund_source=values["fund_source"],
                payment_method=values["payment_method"],
            )
        if request.method == "POST" and problem is None and not values["confirm"]:
            form.add_error("confirm", _("请勾选确认后再发放。"))
        elif request.method == "POST" and problem is None:
            try:
                grants = services.notice_pay(
                    notice,
                    granted_on=values["granted_on"],
                    fund_source=values["fund_source"],
                    payment_method=values["payment_method"],
                    expected_count=values["expected_count"],
                    expected_total=values["expected_total"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                total = sum((grant.amount for grant in grants), Decimal("0.00"))
                messages.success(
                    request,
                    _("已发放助学款 %(count)s 人，合计 %(total)s 元（%(batch)s）。")
                    % {
                        "count": len(grants),
                        "total": total,
                        "batch": services.payment_batch_name(notice, values["granted_on"]),
                    },
                )
                return redirect("notices:detail", pk=pk)
    elif not form.is_bound:
        problem = selectors.payment_problem(notice, chosen["granted_on"])
        if problem is None:
            plan = selectors.payment_plan(notice, granted_on=chosen["granted_on"])
    return render(
        request,
        "notices/pay.html",
        {"notice": notice, "form": form, "plan": plan, "problem": problem, "chosen": chosen},
        status=400 if form.errors else 200,
    )


@login_required
def notice_print(request, pk):
    """The printable list (A4) in the browser: the same document the PDF is made from."""
    notice = _notice_or_404(request.user, pk)
    return HttpResponse(printing.render_html(notice, request=request))


@login_required
def notice_pdf(request, pk):
    notice = _notice_or_404(request.user, pk)
    response = HttpResponse(printing.render_pdf(notice), content_type="application/pdf")
    return attachment(response, printing.pdf_filename(notice))


@login_required
@require_POST
def notice_photo_attach(request, pk):
    """Attach a photo of the notice as posted (proof of posting), by anyone who works in the notice's subtree."""
    notice = _notice_or_404(request.user, pk)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.notice_attach_photo(
                notice, photo=form.cleaned_data["photo"], acting_user=request.user, reason="attach photo (web)"
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("张贴照片已上传。"))
            return redirect("notices:detail", pk=pk)
    return _detail(request, notice, photo_form=form)


@login_required
def notice_photo_download(request, pk):
    """The photo of the posted notice (scoped like the notice; none attached answers 404)."""
    notice = selectors.notice_photo(request.user, pk)
    if notice is None:
        raise Http404
    response = HttpResponse(bytes(notice.photo_content), content_type=notice.photo_type)
    response["X-Content-Type-Options"] = "nosniff"
    return attachment(response, notice.photo_name)


@login_required
@require_POST
def objection_record(request, pk):
    notice = _notice_or_404(request.user, pk)
    form = forms.ObjectionForm(request.POST, notice=notice)
    if form.is_valid():
        try:
            services.objection_record(
                notice, acting_user=request.user, reason="record objection (web)", **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("异议已登记。"))
            return redirect("notices:detail", pk=pk)
    # The refusal (the form's or the rules') next to the field it is about, with what was typed.
    return _detail(request, notice, objection_form=form)


@reviewer_required
@require_POST
def objection_decide(request, pk, objection_id):
    notice = _notice_or_404(request.user, pk)
    objection = get_object_or_404(Objection, pk=objection_id, notice=notice)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处理结果。"))
        return redirect("notices:detail", pk=pk)
    try:
        services.objection_decide(
            objection, upheld=form.cleaned_data["upheld"], acting_user=request.user, reason="decide objection (web)"
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("异议已处理。"))
    return redirect("notices:detail", pk=pk)
