import django_filters
from django.utils.translation import gettext_lazy as _

from casework.filtersets import OrganisationSubtreeFilter, ScopedFilterSet
from stats.models import ReturnFiling


class ReturnFilingFilterSet(ScopedFilterSet):
    """Filings by attachment, year, cut-off and unit (``org``: that unit and below)."""

    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    filed_after = django_filters.DateTimeFilter(field_name="filed_at", lookup_expr="gte", label=_("报送时间不早于"))
    filed_before = django_filters.DateTimeFilter(field_name="filed_at", lookup_expr="lte", label=_("报送时间不晚于"))

    class Meta:
        model = ReturnFiling
        fields = ["org", "attachment", "year", "cutoff", "filed_after", "filed_before"]
