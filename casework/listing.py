"""Generic web pages for the case records: filtered, sorted, paginated lists; add and edit forms; exports.

Each app describes its record types once (:class:`RecordType`: the model, its
FilterSet, the columns, the form and the service calls) and registers them; the
views here do the rest. Every queryset passes through :func:`scoped` first, the
app's FilterSet second, so the list, its export and its counts agree.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import exports, private_search
from casework.display import choice_label
from casework.filtersets import OrganisationSubtreeFilter, ScopedFilterSet
from casework.models import Numbered
from casework.paging import ListPaginator
from casework.routers import reporting_db
from casework.scoping import scoped
from casework.webforms import DateInput, add_service_errors, reason_or

PAGE_SIZE = 50
_registry = {}
_DISPLAY = re.compile(r"get_(\w+)_display")


def _choice_field(obj, part):
    """The choice field whose ``get_FOO_display`` ``part`` names on the model instance ``obj``, else ``None``."""
    if not isinstance(obj, models.Model):
        return None
    return _model_choice_field(type(obj), part)


@functools.cache
def _model_choice_field(model, part):
    """Looked up once per model and name: a list asks for every cell of every row."""
    display = _DISPLAY.fullmatch(part)
    if display is None:
        return None
    try:
        field = model._meta.get_field(display[1])
    except FieldDoesNotExist:
        return None  # a method of the model's own
    return field if field.choices else None


def _reads(model, path):
    """The ORM paths (``household__file_no``) the attribute path ``path`` reads, starting at ``model``;
    ``None`` when it cannot tell: a property that does not say what it reads (``fget.reads``).

    A path ending on a relation shows the related object whole (its ``__str__``), so it reads the relation.
    """
    prefix = []
    for part in path.split("."):
        display = _DISPLAY.fullmatch(part)
        name = display[1] if display else part
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            reads = getattr(getattr(getattr(model, name, None), "fget", None), "reads", None)
            return None if reads is None else ["__".join([*prefix, read]) for read in reads]
        if not field.is_relation or display:
            return ["__".join([*prefix, name])]
        prefix.append(name)
        model = field.related_model
    return ["__".join(prefix)]


@dataclass
class Column:
    label: Any
    value: Any  # callable(obj) -> display value, or an attribute path "a.b"
    sort: str | None = None

    def __call__(self, obj):
        if callable(self.value):
            return self.value(obj)
        for part in self.value.split("."):
            field = _choice_field(obj, part)
            if field is not None:
                obj = choice_label(field, getattr(obj, field.attname))  # get_FOO_display, without its cost per row
                continue
            obj = getattr(obj, part, None)
            if obj is None:
                return None
            if callable(obj) and not isinstance(obj, models.Manager):
                obj = obj()
        return obj


@dataclass
class RecordType:
    slug: str
    model: type
    columns: list
    form_class: Any = None  # a form class or its dotted path
    create: Any = None  # callable(form, user, reason) -> instance
    update: Any = None  # callable(instance, form, user, reason) -> instance
    filterset: str | None = None  # dotted path; a minimal FilterSet is built when the module is not there yet
    select_related: tuple = ()
    prefetch_related: tuple = ()  # relations loaded after the page is cut (a join would probe every row)
    default_sort: str = "-id"
    fallback_filters: tuple = ()
    hidden_filters: tuple = ("person",)
    detail_url: Any = None  # callable(obj) -> url of the page the row opens
    title: Any = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        # Every numbered record shows its short number first (casework.models.Numbered), on the page and in
        # the export alike; the 32-character ref is the bundle's key, not what people read.
        if issubclass(self.model, Numbered) and not any(column.value == "number" for column in self.columns):
            self.columns = [Column(gettext_lazy("编号"), "number", "id"), *self.columns]

    @property
    def label(self):
        return self.title or self.model._meta.verbose_name_plural

    def filterset_class(self):
        if self.filterset:
            try:
                return import_string(self.filterset)
            except ImportError:
                pass
        return _fallback_filterset(self.model, self.fallback_filters)

    def get_form_class(self):
        return import_string(self.form_class) if isinstance(self.form_class, str) else self.form_class

    def queryset(self, user):
        queryset = self.model.objects.select_related(*self.select_related).prefetch_related(*self.prefetch_related)
        return scoped(queryset, user)

    def export_fields(self):
        """The fields the columns read (``QuerySet.only``), or ``None`` when a column cannot tell.

        An export of thousands of rows spends much of its time building model instances: loading
        only what the columns show (and the relations it loads them through) saves a fifth of it.
        """
        fields = []
        for column in self.columns:
            reads = None if callable(column.value) else _reads(self.model, column.value)
            if reads is None:
                return None
            fields += reads
        for relation in self.prefetch_related:  # a prefetched relation is loaded whole, by its own query
            fields = [relation if f.startswith(f"{relation}__") else f for f in fields]
        for relation in self.select_related:  # a relation loaded by a join is never deferred
            parts = relation.split("__")
            fields += ["__".join(parts[: i + 1]) for i in range(len(parts))]
        return sorted(set(fields))

    def url(self, action, **kwargs):
        return reverse(f"{self.slug}-{action}", kwargs=kwargs)

    def row_url(self, obj):
        if self.detail_url:
            return self.detail_url(obj)
        if self.form_class and self.update:
            return self.url("edit", pk=obj.pk)
        return None


def _fallback_filterset(model, names):
    """Unit (with subtree), the given fields, and a date range on the model's first date field."""
    attrs = {"org": OrganisationSubtreeFilter(path_lookup=model.scope_path)}
    date_field = next((f.name for f in model._meta.fields if isinstance(f, models.DateField)), None)
    if date_field:
        attrs[f"{date_field}_after"] = django_filters.DateFilter(
            field_name=date_field, lookup_expr="gte", label=gettext_lazy("日期起")
        )
        attrs[f"{date_field}_before"] = django_filters.DateFilter(
            field_name=date_field, lookup_expr="lte", label=gettext_lazy("日期止")
        )
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": list(names)})
    return type(f"{model.__name__}ListFilterSet", (ScopedFilterSet,), attrs)


def register(*record_types):
    for record_type in record_types:
        _registry[record_type.slug] = record_type
    return record_types


def registered():
    return dict(_registry)


def get_type(slug):
    try:
        return _registry[slug]
    except KeyError:
        raise Http404 from None


def record_urls(*slugs):
    """The list, export, add and edit URLs of the given record types (names ``<slug>-list`` …)."""
    patterns = []
    for slug in slugs:
        patterns += [
            path(f"{slug}/", record_list, {"kind": slug}, name=f"{slug}-list"),
            path(f"{slug}/export.<str:fmt>", record_export, {"kind": slug}, name=f"{slug}-export"),
            path(f"{slug}/new/", record_create, {"kind": slug}, name=f"{slug}-create"),
            path(f"{slug}/<int:pk>/edit/", record_edit, {"kind": slug}, name=f"{slug}-edit"),
        ]
    return patterns


# --- list -----------------------------------------------------------------------------------------


def filtered(record_type, request, query=None):
    """``(filterset, queryset, sort)``: scoped, filtered with the app's FilterSet, sorted as asked.

    ``query`` is the request's query with a private search's values put back (``private_search``).
    """
    query = request.GET if query is None else query
    base = record_type.queryset(request.user)
    filterset = record_type.filterset_class()(query or None, queryset=base, request=request)
    for name in record_type.hidden_filters:
        # A choice of every person would list names: the person filter works from links, not from a select.
        if name in filterset.form.fields:
            if query.get(name):
                filterset.form.fields[name].widget = forms.HiddenInput()
            else:
                del filterset.form.fields[name]
    for form_field in filterset.form.fields.values():
        if isinstance(form_field, forms.DateField):
            form_field.widget = DateInput()
    queryset = filterset.qs if filterset.is_bound else base
    if filterset.is_bound and not filterset.is_valid():
        queryset = base.none()
    sortable = {c.sort for c in record_type.columns if c.sort}
    sort = query.get("sort") or record_type.default_sort
    if sort.lstrip("-") not in sortable and sort != record_type.default_sort:
        sort = record_type.default_sort
    return filterset, queryset.order_by(sort, "pk"), sort


def _query_without(request, *names):
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _private_query(request):
    """The list's query with a private search put back; or the redirect that keeps ID numbers out of the URL.

    Filter forms are posted (``casework/record_list.html``); their ID number goes behind a token.
    """
    if request.method == "POST":
        return None, private_search.redirect_to_results(request, request.POST, private_search.ID_FILTERS)
    moved = private_search.moved_out_of_the_url(request, private_search.ID_FILTERS)
    if moved:
        return None, moved
    query = private_search.search_query(request, private_search.ID_FILTERS)
    return query, (private_search.expired(request) if query is None else None)


@login_required
def record_list(request, kind):
    record_type = get_type(kind)
    query, answer = _private_query(request)
    if answer:
        return answer
    filterset, queryset, sort = filtered(record_type, request, query)
    page = ListPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = [str(column.label) for column in record_type.columns]  # each cell's, for the phone layout
    rows = [
        {
            "object": obj,
            "cells": list(zip(labels, [column(obj) for column in record_type.columns], strict=True)),
            "url": record_type.row_url(obj),
        }
        for obj in page.object_list
    ]
    headers = [
        {
            "label": column.label,
            "sort": column.sort,
            "active": sort.lstrip("-") == column.sort,
            "descending": sort.startswith("-"),
        }
        for column in record_type.columns
    ]
    context = {
        "record_type": record_type,
        "filterset": filterset,
        "page": page,
        "rows": rows,
        "headers": headers,
        "sort": sort,
        "query": _query_without(request, "page"),
        "query_no_sort": _query_without(request, "page", "sort"),
        "can_create": bool(record_type.form_class and record_type.create),
    }
    template = "casework/record_table.html" if request.headers.get("HX-Request") else "casework/record_list.html"
    return render(request, template, context)


@login_required
def record_export(request, kind, fmt):
    """The filtered list as XLSX or CSV: the list's columns (ID numbers masked), every row, logged."""
    record_type = get_type(kind)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    query, answer = _private_query(request)
    if answer:
        return answer
    filterset, queryset, sort = filtered(record_type, request, query)
    headers = [str(column.label) for column in record_type.columns]
    if (fields := record_type.export_fields()) is not None:
        queryset = queryset.only(*fields)
    with reporting_db():  # a replica's, when one is configured (casework/routers.py)
        rows = [[_cell(column(obj)) for column in record_type.columns] for obj in queryset.iterator(chunk_size=500)]
    filters = {key: query.getlist(key) if len(query.getlist(key)) > 1 else value for key, value in query.items()}
    exports.export_log_record(
        acting_user=request.user,
        model=record_type.model._meta.label,
        filters=filters,
        file_format=fmt,
        rows=len(rows),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    name = f"{record_type.label}-{stamp}.{fmt}"  # 培训-20141130-093000.xlsx: the list's name, not its slug
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.as_xlsx(record_type.label, headers, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return exports.attachment(response, name)


def _cell(value):
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "; ".join(f"{key}={item}" for key, item in value.items())
    return str(value)


# --- add and edit ---------------------------------------------------------------------------------


def _next_url(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    from django.utils.http import url_has_allowed_host_and_scheme

    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def run_form(request, form, action, *, success, title, instance=None, cancel="/", template="casework/record_form.html"):
    """Validate ``form``, call the service ``action(form, reason)``; service errors go next to their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = action(form, reason_or(form, title))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect(_next_url(request, success(saved)))
    return render(
        request,
        template,
        {"form": form, "title": title, "instance": instance, "next": _next_url(request, ""), "cancel": cancel},
    )


@login_required
def record_create(request, kind):
    record_type = get_type(kind)
    if not (record_type.form_class and record_type.create):
        raise Http404
    form_class = record_type.get_form_class()
    form = form_class(request.POST or None, user=request.user, initial=request.GET.dict())
    return run_form(
        request,
        form,
        lambda f, reason: record_type.create(f, request.user, reason),
        success=lambda obj: record_type.url("list"),
        cancel=record_type.url("list"),
        title=_("新增%(label)s") % {"label": record_type.model._meta.verbose_name},
    )


@login_required
def record_edit(request, kind, pk):
    record_type = get_type(kind)
    if not (record_type.form_class and record_type.update):
        raise Http404
    instance = get_object_or_404(record_type.queryset(request.user), pk=pk)
    form_class = record_type.get_form_class()
    form = form_class(request.POST or None, user=request.user, instance=instance)
    return run_form(
        request,
        form,
        lambda f, reason: record_type.update(instance, f, request.user, reason),
        success=lambda obj: record_type.url("list"),
        cancel=record_type.url("list"),
        title=_("修改%(label)s") % {"label": record_type.model._meta.verbose_name},
        instance=instance,
    )


def model_form_data(form):
    """The cleaned model fields of a ModelForm (what the record services take as ``data``)."""
    names = [f.name for f in form._meta.model._meta.fields if f.name in form.cleaned_data]
    return {name: form.cleaned_data[name] for name in names}


def through_services(create, update):
    """``create`` and ``update`` of a :class:`RecordType` that call the app's own services (as its API does).

    The services take ``acting_user=``, ``reason=`` and ``data=`` (the form's model
    fields); whatever a service sets itself (the author of a plan) the form leaves to it.
    """
    return {
        "create": lambda form, user, reason: create(acting_user=user, reason=reason, data=model_form_data(form)),
        "update": lambda instance, form, user, reason: update(
            instance, acting_user=user, reason=reason, data=model_form_data(form)
        ),
    }


def generic_create(form, user, reason):
    from casework.services import record_create

    return record_create(form._meta.model, acting_user=user, reason=reason, data=model_form_data(form))


def generic_update(instance, form, user, reason):
    from casework.services import record_update

    return record_update(
        instance,
        acting_user=user,
        reason=reason,
        data=model_form_data(form),
        expected_version=form.expected_version(),
    )
