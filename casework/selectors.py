"""Reads for the organisation tree and the home page."""

from django.utils import timezone

from beneficiaries.models import Household, on_file_q
from casework.models import Organisation
from casework.scoping import scoped


def organisations_for(user):
    """The units the user may see: their own and everything below it."""
    return scoped(Organisation.objects.all(), user)


def home_summary(user):
    """Counts for the user's unit, computed by the database."""
    from django.db.models import Count, Q

    today = timezone.localdate()
    return scoped(Household.objects.all(), user).aggregate(
        on_file=Count("id", filter=on_file_q(today)),
        waiting_review=Count("id", filter=Q(reviewed_on__isnull=True, closed_on__isnull=True)),
        closed=Count("id", filter=Q(closed_on__isnull=False)),
    )
