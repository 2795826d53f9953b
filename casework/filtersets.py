"""Filters every app's FilterSets share (the generic record lists build theirs from them too).

Every FilterSet of the project derives from :class:`ScopedFilterSet`: a choice of
records (``?person=``, ``?household=``, ``?graduate=``) offers, and accepts, only
the user's subtree, so an id outside it answers exactly like an unknown id; so
does a unit code (``?org=``) outside it.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin

from casework.models import Organisation
from casework.scoping import scoped


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choices of records, generated from ``Meta.fields`` or declared, are the user's subtree.

    The user is the request's, or ``user=`` where there is no request (the
    selectors); without either the choices are empty, which refuses any id. A
    bound FilterSet whose data is invalid selects nothing, on every route (the
    API answers it with 400 before reading the rows).
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user if user is not None else getattr(request, "user", None)
        for filter_ in self.filters.values():
            if not isinstance(filter_, QuerySetRequestMixin):
                continue
            choices = filter_.get_queryset(request)
            if choices is not None and hasattr(choices.model, "scope_path"):
                filter_.queryset = scoped(choices.model._default_manager.all(), self.user)

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs


class OrganisationSubtreeFilter(django_filters.CharFilter):
    """``?org=CODE``: rows recorded by that unit or below it; a unit outside the user's subtree is unknown."""

    def __init__(self, *args, path_lookup, **kwargs):
        self.path_lookup = path_lookup
        kwargs.setdefault("label", _("单位代码（含下级）"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        units = Organisation.objects.filter(code=value)
        organisation = scoped(units, getattr(self.parent, "user", None)).first()
        if organisation is None:
            return qs.none()
        return qs.filter(**{f"{self.path_lookup}__startswith": organisation.path})
