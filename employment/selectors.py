"""Reads of the employment records, always scoped to the user's subtree and filtered by the app's FilterSets."""

from aid.selectors import filtered
from employment import filtersets
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


def institutions_for(user, filters=None):
    """The training institutions ``user`` may see."""
    qs = Institution.objects.select_related("organisation")
    return filtered(qs, filtersets.InstitutionFilterSet, user, filters)


def trainings_for(user, filters=None):
    """The training enrolments ``user`` may see."""
    qs = Training.objects.select_related("person", "institution", "organisation")
    return filtered(qs, filtersets.TrainingFilterSet, user, filters)


def certificates_for(user, filters=None):
    """The certificates of persons registered in ``user``'s subtree."""
    return filtered(Certificate.objects.select_related("person"), filtersets.CertificateFilterSet, user, filters)


def placements_for(user, filters=None):
    """The placements ``user`` may see."""
    qs = Placement.objects.select_related("person", "organisation")
    return filtered(qs, filtersets.PlacementFilterSet, user, filters)


def loans_for(user, filters=None):
    """The loans ``user`` may see."""
    return filtered(Loan.objects.select_related("person", "organisation"), filtersets.LoanFilterSet, user, filters)


def services_for(user, filters=None):
    """The employment services ``user`` may see."""
    qs = Service.objects.select_related("person", "organisation")
    return filtered(qs, filtersets.ServiceFilterSet, user, filters)


def job_fairs_for(user, filters=None):
    """The job fairs ``user`` may see."""
    return filtered(JobFair.objects.select_related("organisation"), filtersets.JobFairFilterSet, user, filters)


def position_offers_for(user, filters=None):
    """The position offers ``user`` may see."""
    qs = PositionOffer.objects.select_related("organisation")
    return filtered(qs, filtersets.PositionOfferFilterSet, user, filters)


def assistance_plans_for(user, filters=None):
    """The assistance plans of graduates registered in ``user``'s subtree."""
    qs = AssistancePlan.objects.select_related("graduate__person")
    return filtered(qs, filtersets.AssistancePlanFilterSet, user, filters)


def pairings_for(user, filters=None):
    """The pairings of graduates registered in ``user``'s subtree."""
    return filtered(Pairing.objects.select_related("graduate__person"), filtersets.PairingFilterSet, user, filters)
