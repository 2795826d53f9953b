"""Filters every app's FilterSets share (the generic record lists build theirs from them too)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from casework.models import Organisation


class OrganisationSubtreeFilter(django_filters.CharFilter):
    """``?org=CODE``: rows recorded by that unit or below it (within the user's own scope)."""

    def __init__(self, *args, path_lookup, **kwargs):
        self.path_lookup = path_lookup
        kwargs.setdefault("label", _("单位代码（含下级）"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        organisation = Organisation.objects.filter(code=value).first()
        if organisation is None:
            return qs.none()
        return qs.filter(**{f"{self.path_lookup}__startswith": organisation.path})
