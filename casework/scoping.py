"""Organisation scoping: the one place that limits what a user may reach.

Every scoped model names, in ``scope_path``, the lookup from the model to the
materialised path of the organisation that recorded it. Every queryset a user
reaches (API, admin, views, exports, drill-downs) passes through :func:`scoped`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q


def scope_filter(model, organisation):
    """Keyword filter that keeps ``model`` rows recorded by ``organisation`` or below it."""
    return {f"{model.scope_path}__startswith": organisation.path}


def scoped(queryset, user):
    """Limit ``queryset`` to the user's subtree; an unattached non-superuser sees nothing."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.sees_everything:
        return queryset
    if user.organisation_id is None:
        return queryset.none()
    return queryset.filter(**scope_filter(queryset.model, user.organisation))


def within_scope(user, organisation):
    if user is None or not user.is_authenticated:
        return False
    if user.sees_everything:
        return True
    return user.organisation_id is not None and organisation.path.startswith(user.organisation.path)


def require_within_scope(user, organisation):
    """Raise ``PermissionDenied`` unless ``organisation`` lies in the user's subtree."""
    if not within_scope(user, organisation):
        raise PermissionDenied("organisation outside your unit's scope")


def transfer_sources(queryset, user):
    """The units a fund receipt may name as passing the money down (``transferred_from``, 上级拨付).

    Money comes from above as well as from inside the subtree, so the units above the
    user's unit are allowed beside its subtree; any other unit answers like an unknown one.
    ``queryset`` is of organisations.
    """
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.sees_everything:
        return queryset
    if user.organisation_id is None:
        return queryset.none()
    path = user.organisation.path
    above = [code for code in path.split("/") if code]
    return queryset.filter(Q(path__startswith=path) | Q(code__in=above))


def require_own_unit(user, organisation):
    """Raise ``PermissionDenied`` unless ``organisation`` is the user's own unit (it acts for itself)."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("not signed in")
    if user.sees_everything or (user.organisation_id is not None and user.organisation_id == organisation.id):
        return
    raise PermissionDenied("only the unit itself may do this")


def require_direct_subordinate(user, organisation):
    """Raise ``PermissionDenied`` unless ``organisation`` lies directly below the user's own unit."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("not signed in")
    if user.sees_everything or (user.organisation_id is not None and organisation.parent_id == user.organisation_id):
        return
    raise PermissionDenied("only the unit directly above may do this")
