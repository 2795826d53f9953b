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
_assistance_plan_create, _assistance_plan_update, assistance_plan_delete = record_services(AssistancePlan)
pairing_create, pairing_update, pairing_delete = record_services(Pairing)


@transaction.atomic
def assistance_plan_create(*, acting_user, reason, data):
    """Record a graduate's individual assistance plan; its author (``made_by``) is the acting user.

    This is the one place that sets the author: forms, the API and the admin pass
    none, and one they pass is ignored.
    """
    data = {**data, "made_by": acting_user}
    return _assistance_plan_create(acting_user=acting_user, reason=reason, data=data)


@transaction.atomic
def assistance_plan_update(plan, *, acting_user, reason, data, expected_version=None):
    """Change a plan's content or dates; its author stays who made it."""
    data = {k: v for k, v in data.items() if k != "made_by"}
    return _assistance_plan_update(
        plan, acting_user=acting_user, reason=reason, data=data, expected_version=expected_version
    )
