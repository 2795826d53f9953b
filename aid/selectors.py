"""Reads of the aid records, always scoped to the user's subtree and filtered by the app's FilterSets."""

from decimal import Decimal

from django.conf import settings

from aid.filtersets import AidGrantFilterSet, ExpenditureFilterSet, FundReceiptFilterSet, WorkStudyOfferFilterSet
from aid.models import AidGrant, Expenditure, FundReceipt, WorkStudyOffer
from beneficiaries.choices import STAGE_GROUP_OF, StageGroup
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


# Golden Autumn standards (金秋助学资助标准) by stage group, in yuan, unless ``AID_STANDARDS`` configures them.
DEFAULT_STANDARDS = {
    StageGroup.PRIMARY_JUNIOR: Decimal("1000.00"),
    StageGroup.SENIOR_VOCATIONAL: Decimal("2000.00"),
    StageGroup.COLLEGE_PLUS: Decimal("3000.00"),
}


def aid_standards():
    """The standard grant (yuan) of each stage group: ``AID_STANDARDS`` (stage group → amount) over the defaults."""
    configured = getattr(settings, "AID_STANDARDS", {}) or {}
    return {group: Decimal(str(configured.get(str(group), amount))) for group, amount in DEFAULT_STANDARDS.items()}


def standard_for(stage):
    """The standard grant for a student of ``stage`` (a ``Stage`` value), or ``None`` for no stage."""
    group = STAGE_GROUP_OF.get(stage)
    return aid_standards()[group] if group else None


# The standard a notice published for a person (``notices.selectors.published_standard``): the notices app
# sits above this one and registers it from its ``AppConfig.ready``.
_published_standard = []


def register_published_standard(lookup):
    _published_standard[:] = [lookup]


def published_standard(person, day):
    """The assistance standard published for ``person`` for a grant on ``day``, or ``None``."""
    return _published_standard[0](person, day) if _published_standard else None
