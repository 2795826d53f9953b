"""One FilterSet per employment record, used by the API, the web lists and the selectors alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from aid.filtersets import PersonRecordFilterSet, date_range
from casework.filtersets import OrganisationSubtreeFilter, ScopedFilterSet
from employment.choices import Designation
from employment.models import (
    AssistancePlan,
    Certificate,
    Institution,
    JobFair,
    Loan,
    Pairing,
    Placement,
    PositionOffer,
    Service,
    Training,
)


class InstitutionFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("机构名称"))
    designation = django_filters.ChoiceFilter(choices=Designation.choices, method="filter_designation", label=_("称号"))

    class Meta:
        model = Institution
        fields = ["org", "code", "name", "designation"]

    def filter_designation(self, qs, name, value):
        return qs.filter(**{value: True}) if value else qs


class TrainingFilterSet(PersonRecordFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    started_after, started_before = date_range("started_on", _("开始日期"))
    institution = django_filters.CharFilter(field_name="institution__code", label=_("培训机构代码"))

    class Meta:
        model = Training
        fields = ["org", "person", "id_number", "type", "category", "institution", "started_after", "started_before"]


class CertificateFilterSet(PersonRecordFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="person__organisation__path")
    issued_after, issued_before = date_range("issued_on", _("发证日期"))

    class Meta:
        model = Certificate
        fields = ["org", "person", "id_number", "issuer", "level", "via_assessment", "issued_after", "issued_before"]


class PlacementFilterSet(PersonRecordFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    employed_after, employed_before = date_range("employed_on", _("就业日期"))

    class Meta:
        model = Placement
        fields = ["org", "person", "id_number", "channel", "category", "employed_after", "employed_before"]


class LoanFilterSet(PersonRecordFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    lent_after, lent_before = date_range("lent_on", _("放款日期"))

    class Meta:
        model = Loan
        fields = ["org", "person", "id_number", "kind", "category", "lent_after", "lent_before"]


class ServiceFilterSet(PersonRecordFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    served_after, served_before = date_range("served_on", _("服务日期"))

    class Meta:
        model = Service
        fields = ["org", "person", "id_number", "type", "served_after", "served_before"]


class JobFairFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    held_after, held_before = date_range("held_on", _("举办日期"))

    class Meta:
        model = JobFair
        fields = ["org", "held_after", "held_before"]


class PositionOfferFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="organisation__path")
    offered_after, offered_before = date_range("offered_on", _("提供日期"))

    class Meta:
        model = PositionOffer
        fields = ["org", "employer_type", "offered_after", "offered_before"]


class AssistancePlanFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="graduate__organisation__path")
    made_after, made_before = date_range("made_on", _("制订日期"))

    class Meta:
        model = AssistancePlan
        fields = ["org", "graduate", "made_after", "made_before"]


class PairingFilterSet(ScopedFilterSet):
    org = OrganisationSubtreeFilter(path_lookup="graduate__organisation__path")
    since_after, since_before = date_range("since", _("结对日期"))

    class Meta:
        model = Pairing
        fields = ["org", "graduate", "mentor_kind", "since_after", "since_before"]
