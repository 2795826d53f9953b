from aid.api.views import RecordViewSet
from employment import filtersets, services
from employment.api import serializers
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


class InstitutionViewSet(RecordViewSet):
    queryset = Institution.objects.select_related("organisation")
    serializer_class = serializers.InstitutionSerializer
    filterset_class = filtersets.InstitutionFilterSet
    ordering_fields = ["code", "name"]
    services = (services.institution_create, services.institution_update, services.institution_delete)


class TrainingViewSet(RecordViewSet):
    queryset = Training.objects.select_related("person", "institution", "organisation")
    serializer_class = serializers.TrainingSerializer
    filterset_class = filtersets.TrainingFilterSet
    ordering_fields = ["started_on", "ended_on", "ref"]
    services = (services.training_create, services.training_update, services.training_delete)


class CertificateViewSet(RecordViewSet):
    queryset = Certificate.objects.select_related("person")
    serializer_class = serializers.CertificateSerializer
    filterset_class = filtersets.CertificateFilterSet
    ordering_fields = ["issued_on", "ref"]
    services = (services.certificate_create, services.certificate_update, services.certificate_delete)


class PlacementViewSet(RecordViewSet):
    queryset = Placement.objects.select_related("person", "organisation")
    serializer_class = serializers.PlacementSerializer
    filterset_class = filtersets.PlacementFilterSet
    ordering_fields = ["employed_on", "ref"]
    services = (services.placement_create, services.placement_update, services.placement_delete)


class LoanViewSet(RecordViewSet):
    queryset = Loan.objects.select_related("person", "organisation")
    serializer_class = serializers.LoanSerializer
    filterset_class = filtersets.LoanFilterSet
    ordering_fields = ["lent_on", "amount", "ref"]
    services = (services.loan_create, services.loan_update, services.loan_delete)


class ServiceViewSet(RecordViewSet):
    queryset = Service.objects.select_related("person", "organisation")
    serializer_class = serializers.ServiceSerializer
    filterset_class = filtersets.ServiceFilterSet
    ordering_fields = ["served_on", "ref"]
    services = (services.service_create, services.service_update, services.service_delete)


class JobFairViewSet(RecordViewSet):
    queryset = JobFair.objects.select_related("organisation")
    serializer_class = serializers.JobFairSerializer
    filterset_class = filtersets.JobFairFilterSet
    ordering_fields = ["held_on", "ref"]
    services = (services.job_fair_create, services.job_fair_update, services.job_fair_delete)


class PositionOfferViewSet(RecordViewSet):
    queryset = PositionOffer.objects.select_related("organisation")
    serializer_class = serializers.PositionOfferSerializer
    filterset_class = filtersets.PositionOfferFilterSet
    ordering_fields = ["offered_on", "positions", "ref"]
    services = (services.position_offer_create, services.position_offer_update, services.position_offer_delete)


class AssistancePlanViewSet(RecordViewSet):
    queryset = AssistancePlan.objects.select_related("graduate")
    serializer_class = serializers.AssistancePlanSerializer
    filterset_class = filtersets.AssistancePlanFilterSet
    ordering_fields = ["made_on"]
    services = (services.assistance_plan_create, services.assistance_plan_update, services.assistance_plan_delete)


class PairingViewSet(RecordViewSet):
    queryset = Pairing.objects.select_related("graduate")
    serializer_class = serializers.PairingSerializer
    filterset_class = filtersets.PairingFilterSet
    ordering_fields = ["since"]
    services = (services.pairing_create, services.pairing_update, services.pairing_delete)
