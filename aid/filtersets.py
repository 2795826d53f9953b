"""One FilterSet per aid record, used by the API, the web lists and the selectors alike."""

import django_filters
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from beneficiaries.models import Person
from casework.filtersets import OrganisationSubtreeFilter, ScopedFilterSet


def date_range(field, label):
    """``<field>_after`` / ``<field>_before`` filters (both ends included).

    The labels are formatted lazily: ``gettext_lazy(...) % {...}`` would freeze them in the import-time language.
    """
    after = lazy(lambda: _("%(label)s起") % {"label": label}, str)()
    before = lazy(lambda: _("%(label)s止") % {"label": label}, str)()
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="gte", label=after),
        django_filters.DateFilter(field_name=field, lookup_expr="lte", label=before),
    )


class PersonRecordFilterSet(ScopedFilterSet):
    """Filters shared by records that name a person: by the person's id or resident ID number."""

    id_number = django_filters.CharFilter(method="filter_id_number", label=_("身份证号码"))

    def filter_id_number(self, qs, name, value):
        return qs.filter(person__id_number_digest=Person.digest(value)) if value else qs


class AidGrantFilterSet(PersonRecordFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    granted_after, granted_before = date_range("granted_on", _("发放日期"))
    household_kind = django_filters.CharFilter(field_name="person__household__kind", label=_("档案类别"))

    class Meta:
        model = AidGrant
        fields = ["org", "person", "id_number", "granted_after", "granted_before", "household_kind", "ref"]


class FundReceiptFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    received_after, received_before = date_range("received_on", _("到账日期"))

    class Meta:
        model = FundReceipt
        fields = ["org", "programme", "source", "received_after", "received_before", "ref"]


class ExpenditureFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    spent_after, spent_before = date_range("spent_on", _("支出日期"))

    class Meta:
        model = Expenditure
        fields = ["org", "programme", "use", "spent_after", "spent_before", "ref"]


class WorkStudyOfferFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    offered_after, offered_before = date_range("offered_on", _("提供日期"))
    unit_name = django_filters.CharFilter(lookup_expr="icontains", label=_("联系单位"))

    class Meta:
        model = WorkStudyOffer
        fields = ["org", "unit_name", "offered_after", "offered_before", "ref"]


class AssistanceMeasureFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    provided_after, provided_before = date_range("provided_on", _("帮扶日期"))
    file_no = django_filters.CharFilter(field_name="household__file_no", label=_("档案编号"))

    class Meta:
        model = AssistanceMeasure
        fields = ["org", "household", "file_no", "type", "fund_source", "provided_after", "provided_before", "ref"]
