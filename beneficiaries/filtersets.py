import django_filters
from django.utils.translation import gettext_lazy as _

from beneficiaries.choices import HouseholdStatus
from beneficiaries.models import AnnualReview, Graduate, Household, Person, Schooling, on_file_q
from casework.filtersets import OrganisationSubtreeFilter, ScopedFilterSet


class PersonFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    id_number = django_filters.CharFilter(method="filter_id_number", label=_("身份证号码"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("姓名"))
    household = django_filters.CharFilter(field_name="household__file_no", label=_("档案编号"))

    class Meta:
        model = Person
        fields = ["org", "id_number", "name", "household", "gender", "relationship"]

    def filter_id_number(self, qs, name, value):
        return qs.filter(id_number_digest=Person.digest(value)) if value else qs


class HouseholdFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    file_no = django_filters.CharFilter(lookup_expr="icontains", label=_("档案编号"))
    on_file_on = django_filters.DateFilter(method="filter_on_file", label=_("在档日期"))
    status = django_filters.ChoiceFilter(choices=HouseholdStatus.choices, method="filter_status", label=_("状态"))
    applied_after = django_filters.DateFilter(field_name="applied_on", lookup_expr="gte", label=_("申请日期起"))
    applied_before = django_filters.DateFilter(field_name="applied_on", lookup_expr="lte", label=_("申请日期止"))

    class Meta:
        model = Household
        fields = ["org", "file_no", "kind", "single_parent_female", "on_file_on", "status"]

    def filter_on_file(self, qs, name, value):
        return qs.filter(on_file_q(value)) if value else qs

    def filter_status(self, qs, name, value):
        by_status = {
            HouseholdStatus.CLOSED: {"closed_on__isnull": False},
            HouseholdStatus.ON_FILE: {"filed_on__isnull": False, "closed_on__isnull": True},
            HouseholdStatus.NOTICED: {"noticed_on__isnull": False, "filed_on__isnull": True},
            HouseholdStatus.REVIEWED: {
                "reviewed_on__isnull": False,
                "noticed_on__isnull": True,
                "filed_on__isnull": True,
            },
            HouseholdStatus.RETURNED: {
                "returned_on__isnull": False,
                "reviewed_on__isnull": True,
                "noticed_on__isnull": True,
                "filed_on__isnull": True,
            },
            HouseholdStatus.APPLIED: {
                "returned_on__isnull": True,
                "reviewed_on__isnull": True,
                "noticed_on__isnull": True,
                "filed_on__isnull": True,
            },
        }
        return qs.filter(**by_status[value]) if value else qs


class SchoolingFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="person__organisation__path")
    entered_after = django_filters.DateFilter(field_name="entered_on", lookup_expr="gte", label=_("入学日期起"))
    entered_before = django_filters.DateFilter(field_name="entered_on", lookup_expr="lte", label=_("入学日期止"))

    class Meta:
        model = Schooling
        fields = ["org", "person", "stage", "grade", "entered_after", "entered_before"]


class GraduateFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")

    class Meta:
        model = Graduate
        fields = ["org", "person", "graduation_year", "university_local", "origin_local"]


class AnnualReviewFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="household__organisation__path")
    reviewed_after = django_filters.DateFilter(field_name="reviewed_on", lookup_expr="gte", label=_("核实日期起"))
    reviewed_before = django_filters.DateFilter(field_name="reviewed_on", lookup_expr="lte", label=_("核实日期止"))

    class Meta:
        model = AnnualReview
        fields = ["org", "household", "outcome", "reviewed_after", "reviewed_before"]
