from django.contrib import admin

from casework.admin import ScopedAdmin
from employment import services
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


@admin.register(Institution)
class InstitutionAdmin(ScopedAdmin):
    list_display = [
        "code",
        "name",
        "organisation",
        "migrant_demo_base",
        "employment_training_base",
        "advanced_institution",
    ]
    list_select_related = ["organisation"]
    search_fields = ["code", "name"]


class PersonRecordAdmin(ScopedAdmin):
    raw_id_fields = ["person"]
    list_select_related = ["organisation", "person"]


@admin.register(Training)
class TrainingAdmin(PersonRecordAdmin):
    list_display = ["number", "person", "institution", "type", "category", "started_on", "ended_on"]
    list_filter = ["type", "category", "order_based", "targeted"]


@admin.register(Certificate)
class CertificateAdmin(ScopedAdmin):
    list_display = ["number", "person", "issuer", "level", "issued_on", "via_assessment"]
    list_filter = ["issuer", "level", "via_assessment"]
    raw_id_fields = ["person"]


@admin.register(Placement)
class PlacementAdmin(PersonRecordAdmin):
    list_display = ["number", "person", "employer", "channel", "category", "employed_on", "contract_months"]
    list_filter = ["channel", "category"]


@admin.register(Loan)
class LoanAdmin(PersonRecordAdmin):
    list_display = ["number", "person", "kind", "category", "lent_on", "amount", "jobs_created"]
    list_filter = ["kind", "category"]


@admin.register(Service)
class ServiceAdmin(PersonRecordAdmin):
    list_display = ["number", "person", "type", "served_on", "amount"]
    list_filter = ["type"]


@admin.register(JobFair)
class JobFairAdmin(ScopedAdmin):
    list_display = ["number", "name", "organisation", "held_on", "positions_total", "positions_for_graduates"]


@admin.register(PositionOffer)
class PositionOfferAdmin(ScopedAdmin):
    list_display = ["number", "employer", "employer_type", "organisation", "offered_on", "positions"]
    list_filter = ["employer_type"]


@admin.register(AssistancePlan)
class AssistancePlanAdmin(ScopedAdmin):
    list_display = ["graduate", "made_on", "made_by", "next_review_on"]
    raw_id_fields = ["graduate"]
    readonly_fields = ["made_by"]  # set by the service: whoever records the plan
    services = (services.assistance_plan_create, services.assistance_plan_update)


@admin.register(Pairing)
class PairingAdmin(ScopedAdmin):
    list_display = ["graduate", "mentor", "mentor_kind", "since"]
    raw_id_fields = ["graduate"]
