from rest_framework.permissions import BasePermission

from casework.choices import Role

REVIEWER_ROLES = frozenset({Role.REVIEWER, Role.ADMINISTRATOR})


def is_reviewer(user):
    """Reviewers, and administrators (whose role includes every other): they review files and publish notices."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in REVIEWER_ROLES))


class IsScopedUser(BasePermission):
    """Authenticated users attached to an organisation (or a superuser); rows are scoped by the selectors."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.organisation_id or user.is_superuser))


class IsStatisticsOfficer(IsScopedUser):
    """Statistics officers and administrators: they file returns."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and (
            request.user.is_superuser or request.user.role in {Role.STATISTICS_OFFICER, Role.ADMINISTRATOR}
        )


class IsReviewer(IsScopedUser):
    """Reviewers and administrators: they review files and publish notices."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and is_reviewer(request.user)
