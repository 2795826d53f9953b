"""Filters every app's FilterSets share (the generic record lists build theirs from them too).

Every FilterSet of the project derives from :class:`ScopedFilterSet`: a choice of
records (``?person=``, ``?household=``, ``?graduate=``) offers, and accepts, only
the user's subtree, so an id outside it answers exactly like an unknown id; so
does a unit (``?org=``) outside it. The unit is picked by name on the web lists
(:class:`casework.webforms.UnitPicker`); ``?org=`` takes its code, its label or its exact name.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin

from casework.models import Organisation
from casework.scoping import scoped
from casework.selectors import unit_from_text
from casework.webforms import UnitPicker


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
            if isinstance(filter_, OrganisationSubtreeFilter):
                # The picker shows a code given in a link (?org=410181) as the unit's name, in scope only.
                filter_.extra["widget"] = UnitPicker(units=scoped(Organisation.objects.all(), self.user))
                continue
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
    """``?org=CODE``: rows recorded by that unit or below it; a unit outside the user's subtree is unknown.

    The unit may be named as the pickers show it (名称（代码）) or by its exact name where that is unique
    in the user's subtree (``casework.selectors.unit_from_text``).
    """

    def __init__(self, *args, path_lookup, **kwargs):
        self.path_lookup = path_lookup
        kwargs.setdefault("label", _("单位（含下级）"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        units = scoped(Organisation.objects.all(), getattr(self.parent, "user", None))
        organisation = unit_from_text(units, value)
        if organisation is None:
            return qs.none()
        return qs.filter(**{f"{self.path_lookup}__startswith": organisation.path})
