"""Web forms of the employment records; they validate input and leave the writing to the record services."""

from beneficiaries.forms import RecordForm
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


class InstitutionForm(RecordForm):
    class Meta:
        model = Institution
        fields = [
            "code",
            "name",
            "organisation",
            "migrant_demo_base",
            "employment_training_base",
            "advanced_institution",
        ]


class TrainingForm(RecordForm):
    class Meta:
        model = Training
        fields = [
            "person",
            "organisation",
            "institution",
            "type",
            "category",
            "started_on",
            "ended_on",
            "order_based",
            "targeted",
        ]


class CertificateForm(RecordForm):
    class Meta:
        model = Certificate
        fields = ["person", "issuer", "level", "issued_on", "via_assessment"]


class PlacementForm(RecordForm):
    class Meta:
        model = Placement
        fields = ["person", "organisation", "employer", "channel", "category", "employed_on", "contract_months"]


class LoanForm(RecordForm):
    class Meta:
        model = Loan
        fields = ["person", "organisation", "kind", "category", "lent_on", "amount", "jobs_created"]


class ServiceForm(RecordForm):
    class Meta:
        model = Service
        fields = ["person", "organisation", "type", "served_on", "amount"]


class JobFairForm(RecordForm):
    class Meta:
        model = JobFair
        fields = ["organisation", "name", "held_on", "positions_total", "positions_for_graduates"]


class PositionOfferForm(RecordForm):
    class Meta:
        model = PositionOffer
        fields = ["organisation", "employer", "employer_type", "offered_on", "positions"]


class AssistancePlanForm(RecordForm):
    class Meta:
        model = AssistancePlan
        fields = ["graduate", "made_on", "content", "next_review_on"]


class PairingForm(RecordForm):
    class Meta:
        model = Pairing
        fields = ["graduate", "mentor", "mentor_kind", "since"]
