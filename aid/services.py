"""Writes of the aid records: grants, fund receipts, expenditures, work-study offers, assistance measures.

Each service validates with the model's rules and the guard rules
(``aid/guards.py``, ``notices/guards.py``) through ``casework.services``, records
the acting user and the reason in the history, and runs in one transaction.
"""

from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt, WorkStudyOffer
from casework.services import record_create, record_delete, record_update


def record_services(model):
    """``(create, update, delete)`` services for a case record model, with keyword-only arguments."""
    label = model._meta.verbose_name

    def create(*, acting_user, reason, data):
        return record_create(model, acting_user=acting_user, reason=reason, data=data)

    def update(instance, *, acting_user, reason, data, expected_version=None):
        return record_update(
            instance, acting_user=acting_user, reason=reason, data=data, expected_version=expected_version
        )

    def delete(instance, *, acting_user, reason):
        record_delete(instance, acting_user=acting_user, reason=reason)

    create.__doc__ = f"Record a new {model.__name__} ({label}) after every rule that guards it has passed."
    update.__doc__ = f"Change a {model.__name__}; an unchanged record writes no history row."
    delete.__doc__ = f"Delete a {model.__name__}; the deletion stays in its history with user and reason."
    return create, update, delete


aid_grant_create, aid_grant_update, aid_grant_delete = record_services(AidGrant)
fund_receipt_create, fund_receipt_update, fund_receipt_delete = record_services(FundReceipt)
expenditure_create, expenditure_update, expenditure_delete = record_services(Expenditure)
work_study_offer_create, work_study_offer_update, work_study_offer_delete = record_services(WorkStudyOffer)
assistance_measure_create, assistance_measure_update, assistance_measure_delete = record_services(AssistanceMeasure)
