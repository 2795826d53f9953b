"""Searches by a full resident ID number without the number in any URL (and so in no access log,
browser history or Referer).

A form that can take one is sent by POST. The view keeps the private values in the user's session,
encrypted like the ID number column (``casework.crypto``), under a short random token, and answers
303 with the URL of the results, which carries the token (``?s=…``) in their place. The result
page, its page and sort links, its exports and htmx's pushed URL all carry the token only. A token
lasts :data:`LIFETIME`, in the session that made it; an expired one asks for the search again.
"""

import datetime
import json
import secrets
import time

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from casework import crypto

PARAM = "s"  # the query parameter that carries the token
SESSION_KEY = "private_searches"
LIFETIME = datetime.timedelta(hours=1)
KEPT = 20  # tokens per session; the oldest go first
# The list filters that take a full resident ID number (one name on every FilterSet that has one).
ID_FILTERS = ("id_number",)


def _kept(request):
    now = time.time()
    searches = request.session.get(SESSION_KEY, {})
    return {key: entry for key, entry in searches.items() if now - entry[0] < LIFETIME.total_seconds()}


def stash(request, values):
    """Keep ``values`` (a dict of private fields) in the session; return their token."""
    searches = _kept(request)
    token = secrets.token_urlsafe(12)
    searches[token] = [time.time(), crypto.encrypt(json.dumps(values))]
    request.session[SESSION_KEY] = dict(sorted(searches.items(), key=lambda item: item[1][0])[-KEPT:])
    return token


def redirect_to_results(request, data, private, *, path=None):
    """303 to ``path`` (the request's) with ``data``'s public fields in the URL and its private ones
    (the names in ``private``) behind a token."""
    query = data.copy()
    query.pop("csrfmiddlewaretoken", None)
    query.pop(PARAM, None)
    query.pop("page", None)
    values = {name: query.pop(name)[-1] for name in private if query.get(name, "").strip()}
    for name in private:
        query.pop(name, None)
    if values:
        query[PARAM] = stash(request, values)
    url = path or request.path
    response = HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url)
    response.status_code = 303  # the browser (and htmx's request) fetches the results with GET
    return response


def search_query(request, private):
    """The request's query with its token's values put back, ``None`` when the token has expired.

    A full number sent in the URL itself (an old bookmark, a typed address) is answered by
    :func:`moved_out_of_the_url`, which the views call first.
    """
    query = request.GET.copy()
    token = query.pop(PARAM, [None])[-1]
    if not token:
        return query
    entry = _kept(request).get(token)
    if entry is None:
        return None
    for name, value in json.loads(crypto.decrypt(entry[1])).items():
        if name in private:
            query[name] = value
    return query


def moved_out_of_the_url(request, private):
    """A redirect that takes private values found in the URL behind a token, or ``None``."""
    if any(request.GET.get(name, "").strip() for name in private):
        return redirect_to_results(request, request.GET, private)
    return None


def expired(request):
    """The search page again without the lapsed token, saying why the results are not there."""
    messages.warning(request, _("查询已过期，请重新输入查询条件。"))
    query = request.GET.copy()
    query.pop(PARAM, None)
    query.pop("page", None)
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
