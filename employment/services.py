"""Writes of the employment records (trainings, certificates, placements, loans, services, job fairs,
position offers, institutions, assistance plans, pairings).

All go through ``casework.services`` (model validation, guard rules, history
user and reason, one transaction).
"""

from django.db import transaction

from aid.services import record_services
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

institution_create, institution_update, institution_delete = record_services(Institution)
training_create, training_update, training_delete = record_services(Training)
certificate_create, certificate_update, certificate_delete = record_services(Certificate)
placement_create, placement_update, placement_delete = record_services(Placement)
loan_create, loan_update, loan_delete = record_services(Loan)
service_create, service_update, service_delete = record_services(Service)
job_fair_create, job_fair_update, job_fair_delete = record_services(JobFair)
position_offer_create, position_offer_update, position_offer_delete = record_services(PositionOffer)
_assistance_plan_create, assistance_plan_update, assistance_plan_delete = record_services(AssistancePlan)
pairing_create, pairing_update, pairing_delete = record_services(Pairing)


@transaction.atomic
def assistance_plan_create(*, acting_user, reason, data):
    """Record a graduate's individual assistance plan; its author is the acting user unless given."""
    data = {**data, "made_by": data.get("made_by") or acting_user}
    return _assistance_plan_create(acting_user=acting_user, reason=reason, data=data)
