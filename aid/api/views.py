from aid import services
from aid.api import serializers
from aid.filtersets import (
    AidGrantFilterSet,
    AssistanceMeasureFilterSet,
    ExpenditureFilterSet,
    FundReceiptFilterSet,
    WorkStudyOfferFilterSet,
)
from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from casework.api.base import ScopedModelViewSet


class RecordViewSet(ScopedModelViewSet):
    """A case record's endpoint: scoped reads, writes through the ``(create, update, delete)`` services."""

    services = None

    def create_record(self, *, acting_user, reason, data):
        return self.services[0](acting_user=acting_user, reason=reason, data=data)

    def update_record(self, instance, *, acting_user, reason, data):
        return self.services[1](instance, acting_user=acting_user, reason=reason, data=data)

    def delete_record(self, instance, *, acting_user, reason):
        self.services[2](instance, acting_user=acting_user, reason=reason)


class AidGrantViewSet(RecordViewSet):
    queryset = AidGrant.objects.select_related("person", "organisation")
    serializer_class = serializers.AidGrantSerializer
    filterset_class = AidGrantFilterSet
    ordering_fields = ["granted_on", "amount", "ref"]
    services = (services.aid_grant_create, services.aid_grant_update, services.aid_grant_delete)


class FundReceiptViewSet(RecordViewSet):
    queryset = FundReceipt.objects.select_related("organisation", "transferred_from")
    serializer_class = serializers.FundReceiptSerializer
    filterset_class = FundReceiptFilterSet
    ordering_fields = ["received_on", "amount", "ref"]
    services = (services.fund_receipt_create, services.fund_receipt_update, services.fund_receipt_delete)


class ExpenditureViewSet(RecordViewSet):
    queryset = Expenditure.objects.select_related("organisation")
    serializer_class = serializers.ExpenditureSerializer
    filterset_class = ExpenditureFilterSet
    ordering_fields = ["spent_on", "amount", "ref"]
    services = (services.expenditure_create, services.expenditure_update, services.expenditure_delete)


class WorkStudyOfferViewSet(RecordViewSet):
    queryset = WorkStudyOffer.objects.select_related("organisation")
    serializer_class = serializers.WorkStudyOfferSerializer
    filterset_class = WorkStudyOfferFilterSet
    ordering_fields = ["offered_on", "posts", "ref"]
    services = (
        services.work_study_offer_create,
        services.work_study_offer_update,
        services.work_study_offer_delete,
    )


class AssistanceMeasureViewSet(RecordViewSet):
    queryset = AssistanceMeasure.objects.select_related("organisation", "household")
    serializer_class = serializers.AssistanceMeasureSerializer
    filterset_class = AssistanceMeasureFilterSet
    ordering_fields = ["provided_on", "amount", "ref"]
    services = (
        services.assistance_measure_create,
        services.assistance_measure_update,
        services.assistance_measure_delete,
    )
