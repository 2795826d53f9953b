"""Web pages of the household file workspace: search, the file's history and workflow, members and records,
the annual review worklist, and the lists of persons, files, schooling and graduates.

The file page itself shows every app's records, so it lives at the top (``portal.views.household_detail``).
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from beneficiaries import services
from beneficiaries.forms import (
    AnnualReviewForm,
    FileSearchForm,
    GraduateForm,
    HouseholdForm,
    PersonForm,
    ReviewFindingsForm,
    SchoolingForm,
    WorkflowForm,
)
from beneficiaries.models import AnnualReview, Graduate, Household, Person, Schooling
from beneficiaries.selectors import (
    annual_reviews_due,
    household_changes,
    household_label,
    households_for,
    households_matching,
)
from casework import access_log, listing, private_search
from casework.listing import Column, RecordType, generic_create, generic_update, model_form_data, run_form
from casework.paging import ListPaginator
from casework.scoping import scoped
from casework.security import client_address
from casework.webforms import add_service_errors, reason_or

# --- record types (lists, exports, forms) ----------------------------------------------------------


def household_url(household):
    return reverse("household-detail", kwargs={"pk": household.pk}) if household else None


def _member_url(obj):
    return household_url(obj.household) if obj.household_id else reverse("person-edit", kwargs={"pk": obj.pk})


def _create_graduate(form, user, reason):
    data = model_form_data(form)
    return services.graduate_register(acting_user=user, reason=reason, **data)


PERSON = Column(gettext_lazy("姓名"), "person.name", "person__name")
PERSON_ID = Column(gettext_lazy("身份证号码"), "person.id_number_masked")

HOUSEHOLDS = RecordType(
    slug="households",
    model=Household,
    filterset="beneficiaries.filtersets.HouseholdFilterSet",
    select_related=("organisation",),
    default_sort="file_no",
    columns=[
        Column(gettext_lazy("档案编号"), "file_no", "file_no"),
        Column(gettext_lazy("类别"), "get_kind_display", "kind"),
        Column(gettext_lazy("状态"), "get_status_display"),
        Column(gettext_lazy("申请日期"), "applied_on", "applied_on"),
        Column(gettext_lazy("建档日期"), "filed_on", "filed_on"),
        Column(gettext_lazy("退出日期"), "closed_on", "closed_on"),
        Column(gettext_lazy("建档单位"), "organisation.name", "organisation__path"),
    ],
    form_class=HouseholdForm,
    create=lambda form, user, reason: services.household_apply(acting_user=user, reason=reason, **form.service_data()),
    update=lambda household, form, user, reason: services.household_update(
        household, acting_user=user, reason=reason, data=form.service_data(), expected_version=form.expected_version()
    ),
    detail_url=household_url,
)
PERSONS = RecordType(
    slug="persons",
    model=Person,
    filterset="beneficiaries.filtersets.PersonFilterSet",
    select_related=("organisation",),
    prefetch_related=("household",),  # joined before the sort, the files cost a lookup per person of the unit
    default_sort="id",
    hidden_filters=(),
    columns=[
        Column(gettext_lazy("姓名"), "name", "name"),
        Column(gettext_lazy("身份证号码"), "id_number_masked"),
        Column(gettext_lazy("性别"), "get_gender_display", "gender"),
        Column(gettext_lazy("出生年份"), "birth_year"),
        Column(gettext_lazy("所属档案"), "household.file_no", "household__file_no"),
        Column(gettext_lazy("与户主关系"), "get_relationship_display", "relationship"),
        Column(gettext_lazy("登记单位"), "organisation.name", "organisation__path"),
    ],
    detail_url=_member_url,
)
SCHOOLING = RecordType(
    slug="schooling",
    model=Schooling,
    filterset="beneficiaries.filtersets.SchoolingFilterSet",
    select_related=("person", "person__household"),
    default_sort="-entered_on",
    columns=[
        PERSON,
        PERSON_ID,
        Column(gettext_lazy("学段"), "get_stage_display", "stage"),
        Column(gettext_lazy("年级"), "get_grade_display", "grade"),
        Column(gettext_lazy("学校"), "school", "school"),
        Column(gettext_lazy("录取日期"), "admitted_on", "admitted_on"),
        Column(gettext_lazy("入学日期"), "entered_on", "entered_on"),
        Column(gettext_lazy("所属档案"), "person.household.file_no"),
    ],
    form_class=SchoolingForm,
    create=generic_create,
    update=generic_update,
)
GRADUATES = RecordType(
    slug="graduates",
    model=Graduate,
    filterset="beneficiaries.filtersets.GraduateFilterSet",
    select_related=("person", "organisation"),
    default_sort="-graduation_year",
    columns=[
        PERSON,
        PERSON_ID,
        Column(gettext_lazy("毕业年份"), "graduation_year", "graduation_year"),
        Column(gettext_lazy("毕业院校"), "university", "university"),
        Column(gettext_lazy("在本地就读"), "university_local"),
        Column(gettext_lazy("登记日期"), "registered_on", "registered_on"),
        Column(gettext_lazy("退出日期"), "exited_on", "exited_on"),
        Column(gettext_lazy("登记单位"), "organisation.name", "organisation__path"),
    ],
    form_class=GraduateForm,
    create=_create_graduate,
    update=generic_update,
)
ANNUAL_REVIEWS = RecordType(
    slug="annual-reviews",
    model=AnnualReview,
    select_related=("household", "reviewed_by"),
    default_sort="-reviewed_on",
    fallback_filters=("outcome",),
    columns=[
        Column(gettext_lazy("档案编号"), "household.file_no", "household__file_no"),
        Column(gettext_lazy("核实日期"), "reviewed_on", "reviewed_on"),
        Column(gettext_lazy("核实结果"), "get_outcome_display", "outcome"),
        Column(gettext_lazy("核实人"), "reviewed_by"),
        Column(gettext_lazy("说明"), "note"),
    ],
    detail_url=lambda review: household_url(review.household),
)
listing.register(HOUSEHOLDS, PERSONS, SCHOOLING, GRADUATES, ANNUAL_REVIEWS)


# --- file search ----------------------------------------------------------------------------------


def id_search_kind(q):
    """``"full"`` for a whole resident ID number, ``"tail"`` for its last six characters, else ``None``."""
    q = (q or "").strip().upper()
    if len(q) == 18:
        return "full"
    if TAIL_PATTERN.fullmatch(q):
        return "tail"
    return None


def persons_by_id(persons, q):
    """``persons`` whose ID number is ``q`` (whole) or ends with ``q`` (six characters), through the blind
    indexes; nothing when ``q`` is neither."""
    kind = id_search_kind(q)
    if kind == "full":
        return persons.filter(id_number_digest=Person.digest(q))
    if kind == "tail":
        return persons.filter(id_tail_digest=Person.tail_digest(q))
    return persons.none()


def search_households(user, q):
    """Files matching ``q``: a member's resident ID number (whole, or its last six characters, through the
    blind indexes), a file number, or a member's name."""
    households = scoped(Household.objects.select_related("organisation"), user)
    q = (q or "").strip()
    if not q:
        return households
    # The files found by a member (among the persons of the user's subtree: a member is registered by the
    # file's unit) and those found by number, as one list of keys: no join of every file to its members
    # (which needed DISTINCT over the files' columns), and no OR of the two, which the planner takes for
    # half the files and answers by walking the whole file-number index (both measured at 10^6 persons).
    persons = scoped(Person.objects.order_by(), user)
    found = persons.filter(name__icontains=q).values("household_id")
    if id_search_kind(q):
        found = found.union(persons_by_id(persons, q).values("household_id"))
    found = found.union(households.filter(file_no__icontains=q).order_by().values("pk"))
    return households.filter(pk__in=found)


def search_persons_outside_files(user, q):
    """Persons of the user's subtree in no household file, by name or ID number (whole or last six)."""
    q = (q or "").strip()
    persons = scoped(Person.objects.filter(household__isnull=True).select_related("organisation"), user)
    if not q:
        return persons.none()
    by_id = persons_by_id(persons, q).values("pk")
    return persons.filter(Q(name__icontains=q) | Q(pk__in=by_id)).order_by("name", "pk")


SEARCH_PRIVATE = ("q",)  # what is typed may be an ID number, whole or in part: it never goes into the URL
TAIL_PATTERN = re.compile(r"\d{5}[\dX]")
OUTSIDE_FILES_SHOWN = 20


def _log_id_search(request, q):
    """A search by ID number is written to the access log (once, when it is sent), one row per person found."""
    kind = id_search_kind(q)
    if kind is None:
        return
    purpose = _("档案查询：按身份证号码查找") if kind == "full" else _("档案查询：按身份证号码后六位查找")
    persons = persons_by_id(scoped(Person.objects.all(), request.user), q)
    access_log.log_id_search(persons, request.user, purpose, ip_address=client_address(request))


@login_required
def household_search(request):
    """The search form is posted; the results' URL carries a token in place of what was typed."""
    if request.method == "POST":
        _log_id_search(request, request.POST.get("q", ""))
        return private_search.redirect_to_results(request, request.POST, SEARCH_PRIVATE)
    moved = private_search.moved_out_of_the_url(request, SEARCH_PRIVATE)
    if moved:
        _log_id_search(request, request.GET.get("q", ""))
        return moved
    query = private_search.search_query(request, SEARCH_PRIVATE)
    if query is None:
        return private_search.expired(request)
    form = FileSearchForm(query or None)
    q = form.data.get("q", "") if form.is_bound else ""
    households = search_households(request.user, q).order_by("file_no")
    page = ListPaginator(households, listing.PAGE_SIZE).get_page(query.get("page"))
    members = {}
    for person in Person.objects.filter(household__in=list(page.object_list)).order_by("household_id", "id"):
        members.setdefault(person.household_id, []).append(person)
    rows = [{"household": h, "members": members.get(h.pk, [])} for h in page.object_list]
    outside = list(search_persons_outside_files(request.user, q)[: OUTSIDE_FILES_SHOWN + 1])
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "q": q,
        "outside": outside[:OUTSIDE_FILES_SHOWN],
        "outside_more": len(outside) > OUTSIDE_FILES_SHOWN,
    }
    template = "beneficiaries/search_results.html" if request.headers.get("HX-Request") else "beneficiaries/search.html"
    return render(request, template, context)


@login_required
def household_picker_search(request):
    """The household pickers' search (``?q=``): at most 20 files of the user's subtree by number or head's name."""
    households = scoped(Household.objects.select_related("organisation"), request.user)
    results = [
        {
            "id": household.pk,
            "file_no": household.file_no,
            "head": household.head_name or "",
            "value": household_label(household),
            "detail": household.organisation.name,
        }
        for household in households_matching(households, request.GET.get("q", ""))
    ]
    return JsonResponse({"results": results})


# --- the file's history and workflow --------------------------------------------------------------


@login_required
def household_history(request, pk):
    """Every change to the file and its members, newest first (the history rows, with user and reason)."""
    household = get_object_or_404(households_for(request.user), pk=pk)
    return render(
        request,
        "beneficiaries/household_history.html",
        {"household": household, "changes": household_changes(household, request.user)},
    )


# step → (service, label, the form fields it takes). Who may take a step is the service's rule (may_decide).
WORKFLOW = {
    "review": (services.household_review, gettext_lazy("审核"), ("day",)),
    "return": (services.household_return, gettext_lazy("退回修改"), ("day", "return_reason")),
    "notice": (services.household_notice, gettext_lazy("公示"), ("notice",)),
    "file": (services.household_file, gettext_lazy("建档"), ("day",)),
    "close": (
        services.household_close,
        gettext_lazy("脱困退出"),
        ("day", "closing_code", "closing_reason", "confirm"),
    ),
    "reopen": (services.household_reopen, gettext_lazy("撤销退出"), ()),
}


@login_required
@require_POST
def household_step(request, pk, step):
    """One workflow step of a file, through the beneficiaries services (which check roles and rules)."""
    household = get_object_or_404(scoped(Household.objects.all(), request.user), pk=pk)
    if step not in WORKFLOW:
        return redirect(household_url(household))
    service, label, fields = WORKFLOW[step]
    form = WorkflowForm(request.POST)
    if form.is_valid():
        kwargs = {field: form.cleaned_data[field] for field in fields}
        # Undoing a closing needs the user's own reason; the other steps default to their name.
        reason = form.cleaned_data["reason"] if step == "reopen" else reason_or(form, label)
        try:
            service(household, acting_user=request.user, reason=reason, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", None) or [str(error)]:
                messages.error(request, message)
        else:
            messages.success(request, _("已办理：%(step)s。") % {"step": label})
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(household_url(household))


@login_required
def household_create(request):
    form = HouseholdForm(request.POST or None, user=request.user, initial={"applied_on": timezone.localdate()})
    return run_form(
        request,
        form,
        lambda f, reason: services.household_apply(acting_user=request.user, reason=reason, **f.service_data()),
        success=household_url,
        title=_("新建困难职工档案（申请）"),
    )


@login_required
def household_edit(request, pk):
    household = get_object_or_404(scoped(Household.objects.all(), request.user), pk=pk)
    form = HouseholdForm(request.POST or None, user=request.user, instance=household)
    return run_form(
        request,
        form,
        lambda f, reason: services.household_update(
            household,
            acting_user=request.user,
            reason=reason,
            data=f.service_data(),
            expected_version=f.expected_version(),
        ),
        success=household_url,
        title=_("修改档案 %(no)s") % {"no": household.file_no},
        instance=household,
    )


# --- persons --------------------------------------------------------------------------------------


def _person_saved_url(person):
    return household_url(person.household) if person.household_id else reverse("persons-list")


@login_required
def person_create(request):
    initial = {"household": request.GET.get("household"), "relationship": request.GET.get("relationship", "")}
    form = PersonForm(request.POST or None, user=request.user, initial=initial)
    return run_form(
        request,
        form,
        lambda f, reason: services.person_register(
            acting_user=request.user,
            reason=reason,
            organisation=f.cleaned_data["organisation"],
            **f.service_data(),
        ),
        success=_person_saved_url,
        title=_("登记人员"),
    )


@login_required
def person_edit(request, pk):
    person = get_object_or_404(scoped(Person.objects.select_related("household"), request.user), pk=pk)
    # The stored phone is not put into the form (it shows masked, as the ID number does).
    initial = {
        "name": person.name,
        "household": person.household_id,
        "relationship": person.relationship,
    }
    form = PersonForm(request.POST or None, user=request.user, person=person, initial=initial)
    return run_form(
        request,
        form,
        lambda f, reason: services.person_update(
            person,
            acting_user=request.user,
            reason=reason,
            data=f.service_data(),
            expected_version=f.expected_version(),
        ),
        success=_person_saved_url,
        title=_("修改人员信息：%(name)s") % {"name": person.name},
        instance=person,
    )


# --- annual review --------------------------------------------------------------------------------


@login_required
def annual_review_list(request):
    year = timezone.localdate().year
    page = Paginator(annual_reviews_due(request.user), listing.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "beneficiaries/annual_review.html",
        {"page": page, "year": year, "form": AnnualReviewForm()},
    )


@login_required
@require_POST
def annual_review_bulk(request):
    """The ticked files of the worklist, one outcome for all, in one transaction (all or nothing)."""
    form = AnnualReviewForm(request.POST)
    chosen = {int(value) for value in request.POST.getlist("households") if value.isdigit()}
    households = list(annual_reviews_due(request.user).filter(pk__in=chosen))
    due = {household.pk for household in households}
    if not chosen:
        form.add_error(None, _("请先勾选要核实的档案。"))
    for file_no in scoped(Household.objects.filter(pk__in=chosen - due), request.user).values_list(
        "file_no", flat=True
    ):
        form.add_error(None, _("%(no)s：该档案今年已经核实或已不在档，不在待核实名单中。") % {"no": file_no})
    if chosen - due and not form.errors:  # ids outside the user's subtree answer like unknown ones
        form.add_error(None, _("所选档案不存在。"))
    # What the review found in each file: the row's own income and level, optional.
    findings = {}
    for household in households:
        row = ReviewFindingsForm(request.POST, prefix=str(household.pk))
        if not row.is_valid():
            for name, errors in row.errors.items():
                for message in errors:
                    form.add_error(None, f"{household.file_no}：{row.fields[name].label}：{message}")
        elif found := row.findings():
            findings[household.pk] = found
    if not form.errors:
        try:
            services.annual_review_bulk(
                households,
                findings=findings,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                closing_code=form.cleaned_data["closing_code"],
                confirm=form.cleaned_data["confirm"],
                acting_user=request.user,
                reason=_("年度核实"),
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        messages.error(request, _("没有档案完成核实："))
        for message in [m for errors in form.errors.values() for m in errors]:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(n)s 份档案已完成年度核实：%(files)s。")
            % {"n": len(households), "files": "、".join(h.file_no for h in households)},
        )
    return redirect("annual-review")


@login_required
@require_POST
def annual_review_submit(request, pk):
    household = get_object_or_404(scoped(Household.objects.all(), request.user), pk=pk)
    # From the worklist, the row's button sends the whole list's form: this file's fields carry its id.
    prefix = str(household.pk) if f"{household.pk}-outcome" in request.POST else None
    form = AnnualReviewForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            services.annual_review_record(
                household,
                **form.findings(),
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                closing_code=form.cleaned_data["closing_code"],
                confirm=form.cleaned_data["confirm"],
                acting_user=request.user,
                reason=_("年度核实"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
    if form.errors:
        for message in [m for errors in form.errors.values() for m in errors]:
            messages.error(request, f"{household.file_no}：{message}")
    else:
        messages.success(request, _("档案 %(no)s 已完成年度核实。") % {"no": household.file_no})
    if form.cleaned_data.get("outcome") == "updated" and not form.errors:
        return redirect("household-edit", pk=household.pk)
    return redirect("annual-review")
