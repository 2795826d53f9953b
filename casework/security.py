"""Log-in hardening and who may read personal data in full.

* :class:`LoginThrottleBackend` — django-axes' lockout check (5 failed log-ins
  lock the account for 30 minutes, see ``AXES_*`` in settings), first in
  ``AUTHENTICATION_BACKENDS``.
* :func:`may_view_personal_data` — the one rule for reading a full ID number.
* :func:`refuse_nul_characters` — middleware: no NUL character gets past a request.
* :func:`client_address` — the one answer to "where does this request come from", behind
  the trusted reverse proxies or not (the lockout and the personal-data access log).
* :class:`MinimumLengthValidator` — Django's password length rule, refusing in Chinese.
"""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_logged_in
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext

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


def client_address(request):
    """The client's address: ``REMOTE_ADDR``, or behind ``CASEWORK_TRUSTED_PROXIES`` proxies of our own
    the address the outermost of them saw.

    Each proxy appends the address it received the request from to ``X-Forwarded-For``, so with N
    trusted proxies the chain ``X-Forwarded-For`` + ``REMOTE_ADDR`` ends in N addresses written by
    them, and the one before those is the right-most address nobody but the client could choose.
    Whatever stands left of it was sent by the client and is ignored: a forged header moves
    neither the lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``) nor the access log.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.CASEWORK_TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
    # A chain shorter than the proxies: the request came through fewer of them (a health check).
    address = chain[-(proxies + 1)] if len(chain) > proxies else chain[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return remote


def refuse_nul_characters(get_response):
    """Refuse with 400 a request whose query string, or submitted web form, holds a NUL character.

    Nothing a caseworker types holds one, and PostgreSQL can neither store nor compare one: let
    through, it would reach a query and end in a server error. The API (``/api/``) gets the
    refusal as JSON, like its other errors; its bodies are left to DRF's parsers, whose fields
    refuse NUL themselves (``CharField``, :class:`casework.api.fields.SlugRelatedField`).
    """

    def middleware(request):
        api = request.path.startswith("/api/")
        if _holds_nul(request.GET) or (not api and request.method == "POST" and _holds_nul(request.POST)):
            message = gettext("请求中含有空字符（NUL），已拒绝。")
            if api:
                return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def _holds_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its refusal in Chinese (Django's own Chinese catalogue lacks this message)."""

    def get_error_message(self):
        return gettext("密码太短，至少须有 %(min_length)d 个字符。") % {"min_length": self.min_length}


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


def api_docs_view():
    """The Swagger UI page under the site's Content-Security-Policy, unrelaxed.

    Swagger UI's bundle, preset, stylesheet and favicon are static files of this
    site (drf-spectacular-sidecar, ``SWAGGER_UI_DIST = "SIDECAR"``); the split view
    serves the page's own init script from this site (``?script``) instead of
    inline; and ``casework/api_docs.html`` moves drf-spectacular's inline
    ``<style>`` to a stylesheet. So the page needs nothing beyond ``'self'``.
    """
    from drf_spectacular.views import SpectacularSwaggerSplitView

    return SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="casework/api_docs.html")
