import re

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.filtersets import OrganisationSubtreeFilter, ScopedFilterSet
from notices.choices import NoticeStatus, PeriodState
from notices.models import Notice

NUMBER = re.compile(r"(?:(?P<year>\d{4})-)?(?P<pk>\d{1,18})")


class NoticeFilterSet(ScopedFilterSet):
    """One filter for notices, used by the API, the list page and the selector."""

    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    ref = django_filters.CharFilter(method="filter_number", label=_("编号"))
    title = django_filters.CharFilter(lookup_expr="icontains", label=_("标题"))
    status = django_filters.ChoiceFilter(choices=NoticeStatus.choices, label=_("状态"))
    period = django_filters.ChoiceFilter(choices=PeriodState.choices, method="filter_period", label=_("公示期"))
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte", label=_("开始日期起"))
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("开始日期止"))

    class Meta:
        model = Notice
        fields = ["org", "ref", "title", "status", "period", "starts_after", "starts_before"]

    def filter_number(self, qs, name, value):
        """The short number people read (``2014-0007``, ``Notice.number``), or a part of the interchange ref."""
        value = value.strip()
        match = NUMBER.fullmatch(value)
        if match is None:
            return qs.filter(ref__icontains=value) if value else qs
        year, pk = match.group("year"), int(match.group("pk"))
        by_number = Q(pk=pk, starts_on__year=int(year)) if year else Q(pk=pk)
        return qs.filter(by_number | Q(ref__icontains=value))

    def filter_period(self, qs, name, value):
        # Running or ended by today's date; only a published notice runs (a draft or a withdrawn one does not).
        today = timezone.localdate()
        by_state = {
            PeriodState.UPCOMING: {"starts_on__gt": today},
            PeriodState.RUNNING: {"starts_on__lte": today, "ends_on__gte": today},
            PeriodState.ENDED: {"ends_on__lt": today},
        }
        return qs.filter(status=NoticeStatus.PUBLISHED, **by_state[value]) if value else qs
