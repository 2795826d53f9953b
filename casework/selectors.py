"""Reads for the organisation tree (the home page's reads are in ``portal.selectors``)."""

from casework.models import Organisation
from casework.scoping import scoped


def organisations_for(user):
    """The units the user may see: their own and everything below it."""
    return scoped(Organisation.objects.all(), user)
