"""The API's filter backend: the app's FilterSets, without the filters that take a full ID number.

A query string ends up in access logs, proxies and browser histories, so the API takes no resident
ID number in it (the web pages post theirs, ``casework.private_search``). A client finds a person
by ID number with ``POST /api/v1/persons/search/`` and then filters records by ``?person=<id>``.
"""

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from casework.private_search import ID_FILTERS

_without_ids = {}


def without_id_filters(filterset_class):
    """``filterset_class`` less its ID-number filters (one subclass per class, made once)."""
    if filterset_class is None or not any(name in filterset_class.base_filters for name in ID_FILTERS):
        return filterset_class
    if filterset_class not in _without_ids:
        # A name set to None in the subclass leaves the inherited filter out (django-filter's metaclass).
        attrs = dict.fromkeys(ID_FILTERS)
        meta = filterset_class.Meta
        if isinstance(getattr(meta, "fields", None), list | tuple):
            attrs["Meta"] = type("Meta", (meta,), {"fields": [f for f in meta.fields if f not in ID_FILTERS]})
        _without_ids[filterset_class] = type(f"Api{filterset_class.__name__}", (filterset_class,), attrs)
    return _without_ids[filterset_class]


class ApiFilterBackend(DjangoFilterBackend):
    def get_filterset_class(self, view, queryset=None):
        return without_id_filters(super().get_filterset_class(view, queryset))

    def filter_queryset(self, request, queryset, view):
        # Refused, not ignored: a client that sends one must not get every row back unfiltered.
        sent = [name for name in ID_FILTERS if name in request.query_params]
        if sent:
            message = _("身份证号码不能放在网址中：请用 POST /api/v1/persons/search/ 查找人员，再按 person 过滤。")
            raise ValidationError({name: [message] for name in sent})
        return super().filter_queryset(request, queryset, view)
