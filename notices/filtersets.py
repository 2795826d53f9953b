import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.filtersets import OrganisationSubtreeFilter, ScopedFilterSet
from notices.choices import NoticeStatus, PeriodState
from notices.models import Notice


class NoticeFilterSet(ScopedFilterSet):
    """One filter for notices, used by the API, the list page and the selector."""

    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    ref = django_filters.CharFilter(lookup_expr="icontains", label=_("编号"))
    title = django_filters.CharFilter(lookup_expr="icontains", label=_("标题"))
    status = django_filters.ChoiceFilter(choices=NoticeStatus.choices, label=_("状态"))
    period = django_filters.ChoiceFilter(choices=PeriodState.choices, method="filter_period", label=_("公示期"))
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte", label=_("开始日期起"))
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("开始日期止"))

    class Meta:
        model = Notice
        fields = ["org", "ref", "title", "status", "period", "starts_after", "starts_before"]

    def filter_period(self, qs, name, value):
        # Running or ended by today's date; only a published notice runs (a draft or a withdrawn one does not).
        today = timezone.localdate()
        by_state = {
            PeriodState.UPCOMING: {"starts_on__gt": today},
            PeriodState.RUNNING: {"starts_on__lte": today, "ends_on__gte": today},
            PeriodState.ENDED: {"ends_on__lt": today},
        }
        return qs.filter(status=NoticeStatus.PUBLISHED, **by_state[value]) if value else qs
