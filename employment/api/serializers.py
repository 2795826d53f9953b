from rest_framework import serializers

from aid.api.serializers import PersonRecordSerializer
from beneficiaries.api.serializers import org_field
from casework.api.base import ScopedModelSerializer
from casework.api.fields import SlugRelatedField
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

OPTIONAL_REF = {"ref": {"required": False}}


class InstitutionSerializer(ScopedModelSerializer):
    organisation = org_field()
    designations = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Institution
        fields = [
            "id",
            "code",
            "name",
            "organisation",
            "migrant_demo_base",
            "employment_training_base",
            "advanced_institution",
            "designations",
        ]


class TrainingSerializer(PersonRecordSerializer):
    organisation = org_field()
    institution = SlugRelatedField(slug_field="code", queryset=Institution.objects.all())

    class Meta:
        model = Training
        fields = [
            "id",
            "ref",
            "organisation",
            "person",
            "person_name",
            "person_id_number_masked",
            "institution",
            "type",
            "category",
            "started_on",
            "ended_on",
            "order_based",
            "targeted",
        ]
        extra_kwargs = OPTIONAL_REF


class CertificateSerializer(PersonRecordSerializer):
    class Meta:
        model = Certificate
        fields = [
            "id",
            "ref",
            "person",
            "person_name",
            "person_id_number_masked",
            "issuer",
            "level",
            "issued_on",
            "via_assessment",
        ]
        extra_kwargs = OPTIONAL_REF


class PlacementSerializer(PersonRecordSerializer):
    organisation = org_field()

    class Meta:
        model = Placement
        fields = [
            "id",
            "ref",
            "organisation",
            "person",
            "person_name",
            "person_id_number_masked",
            "employer",
            "channel",
            "category",
            "employed_on",
            "contract_months",
        ]
        extra_kwargs = OPTIONAL_REF


class LoanSerializer(PersonRecordSerializer):
    organisation = org_field()

    class Meta:
        model = Loan
        fields = [
            "id",
            "ref",
            "organisation",
            "person",
            "person_name",
            "person_id_number_masked",
            "kind",
            "category",
            "lent_on",
            "amount",
            "jobs_created",
        ]
        extra_kwargs = OPTIONAL_REF


class ServiceSerializer(PersonRecordSerializer):
    organisation = org_field()

    class Meta:
        model = Service
        fields = [
            "id",
            "ref",
            "organisation",
            "person",
            "person_name",
            "person_id_number_masked",
            "type",
            "served_on",
            "amount",
        ]
        extra_kwargs = OPTIONAL_REF


class JobFairSerializer(ScopedModelSerializer):
    organisation = org_field()

    class Meta:
        model = JobFair
        fields = ["id", "ref", "organisation", "name", "held_on", "positions_total", "positions_for_graduates"]
        extra_kwargs = OPTIONAL_REF


class PositionOfferSerializer(ScopedModelSerializer):
    organisation = org_field()

    class Meta:
        model = PositionOffer
        fields = ["id", "ref", "organisation", "employer", "employer_type", "offered_on", "positions"]
        extra_kwargs = OPTIONAL_REF


class AssistancePlanSerializer(ScopedModelSerializer):
    class Meta:
        model = AssistancePlan
        fields = ["id", "graduate", "made_on", "made_by", "content", "next_review_on"]
        read_only_fields = ["made_by"]


class PairingSerializer(ScopedModelSerializer):
    class Meta:
        model = Pairing
        fields = ["id", "graduate", "mentor", "mentor_kind", "since"]
