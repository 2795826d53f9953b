"""Reads of the aid records, always scoped to the user's subtree and filtered by the app's FilterSets."""

from aid.filtersets import AidGrantFilterSet, ExpenditureFilterSet, FundReceiptFilterSet, WorkStudyOfferFilterSet
from aid.models import AidGrant, Expenditure, FundReceipt, WorkStudyOffer
from casework.scoping import scoped


def filtered(queryset, filterset_class, user, filters):
    """``queryset`` limited to ``user``'s subtree, then narrowed by ``filters`` through ``filterset_class``."""
    qs = scoped(queryset, user)
    return filterset_class(filters, queryset=qs, user=user).qs if filters else qs


def aid_grants_for(user, filters=None):
    """The aid grants ``user`` may see (with person, household and unit)."""
    qs = AidGrant.objects.select_related("person__household", "organisation")
    return filtered(qs, AidGrantFilterSet, user, filters)


def fund_receipts_for(user, filters=None):
    """The fund receipts ``user`` may see."""
    return filtered(FundReceipt.objects.select_related("organisation"), FundReceiptFilterSet, user, filters)


def expenditures_for(user, filters=None):
    """The expenditures ``user`` may see."""
    return filtered(Expenditure.objects.select_related("organisation"), ExpenditureFilterSet, user, filters)


def work_study_offers_for(user, filters=None):
    """The work-study offers ``user`` may see."""
    return filtered(WorkStudyOffer.objects.select_related("organisation"), WorkStudyOfferFilterSet, user, filters)
