"""Log-in hardening and who may read personal data in full.

* :class:`LoginThrottleBackend` — django-axes' lockout check (5 failed log-ins
  lock the account for 30 minutes, see ``AXES_*`` in settings), first in
  ``AUTHENTICATION_BACKENDS``.
* :func:`may_view_personal_data` — the one rule for reading a full ID number.
"""

from axes.backends import AxesStandaloneBackend
from csp.decorators import csp_update
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone

from casework.choices import Role

VIEW_PERSONAL_DATA = "casework.view_personal_data"

# Roles that hold the permission by their job: reviewers check identities when
# they review a file, administrators correct them.
PERSONAL_DATA_ROLES = frozenset({Role.REVIEWER, Role.ADMINISTRATOR})


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a log-in for a locked-out account before any password is checked.

    Every log-in from the network comes with its request (the log-in page, the
    admin, DRF's Basic authentication), and is throttled. A call without one
    (a shell, the test client's ``login()``) is not an attempt from the network:
    it is left to the next backend instead of failing with axes' "request
    required" error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def may_view_personal_data(user):
    """True if ``user`` may see full ID numbers: by role, or granted ``casework.view_personal_data``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.role in PERSONAL_DATA_ROLES:
        return True
    return user.has_perm(VIEW_PERSONAL_DATA)


def record_last_login(sender, user, **kwargs):
    """Django's ``update_last_login``, without a history row.

    The log-in itself is in django-axes' access log (who, when, from where); a
    User history row per log-in would be an unsigned row with no change in it.
    """
    user.last_login = timezone.now()
    # A deliberate QuerySet.update(): the one write that must not leave a history row.
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)


def connect_signals():
    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(record_last_login, dispatch_uid="casework_record_last_login")


# Where drf-spectacular loads Swagger UI's bundle and stylesheet from.
SWAGGER_UI_ORIGIN = "https://cdn.jsdelivr.net"


def api_docs_view():
    """The Swagger UI page under the Content-Security-Policy.

    The split view serves the page's own script from this site (``?script``)
    instead of inline; the Swagger UI files come from their CDN and the page
    keeps one inline ``<style>``, allowed on this page only.
    """
    from drf_spectacular.views import SpectacularSwaggerSplitView

    allow = {
        "script-src": [SWAGGER_UI_ORIGIN],
        "style-src": [SWAGGER_UI_ORIGIN, "'unsafe-inline'"],
        "img-src": [SWAGGER_UI_ORIGIN],
    }
    return csp_update(allow)(SpectacularSwaggerSplitView.as_view(url_name="schema"))
