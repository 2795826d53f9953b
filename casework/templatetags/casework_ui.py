"""Template helpers of the web interface: the navigation (only pages that exist), query strings, SVG bars."""

import datetime

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.choices import Role

register = template.Library()

CASEWORK = frozenset({Role.CASEWORKER, Role.REVIEWER})
STATISTICS = frozenset({Role.STATISTICS_OFFICER})
EVERYONE = frozenset(Role.values)

# (url name, label, the roles whose menu shows it): each role sees the pages of its own work (an
# administrator, whose role includes every other, and a superuser see them all). A page left out of
# a menu is not forbidden: the pages and services decide what a role may do, the menu only what it
# needs. A page another engineer has not built yet simply does not show.
NAV = (
    ("home", _("首页"), EVERYONE),
    ("household-search", _("档案"), EVERYONE),
    ("annual-review", _("年度核实"), CASEWORK),
    ("records", _("记录"), EVERYONE),
    ("notices:index", pgettext_lazy("plural", "公示"), CASEWORK),
    ("stats-returns", _("统计报表"), EVERYONE),
    ("stats-submissions", pgettext_lazy("plural", "报表上报"), STATISTICS),
    ("ledgers", _("台账"), EVERYONE),
    ("rosters:index", _("名册导入"), frozenset({Role.CASEWORKER})),
    ("bundle-import", _("数据包导入"), frozenset({Role.CASEWORKER})),
)


def menu_roles(user):
    """The roles whose menu entries ``user`` sees."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return EVERYONE
    return frozenset({user.role})


@register.simple_tag(takes_context=True)
def nav_items(context):
    request = context.get("request")
    roles = menu_roles(context.get("user") or getattr(request, "user", None))
    items = []
    for name, label, shown_to in NAV:
        if not roles & shown_to:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = bool(request) and (request.path == url if url == "/" else request.path.startswith(url))
        items.append({"url": url, "label": label, "current": current})
    return items


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (``None`` removes one)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    return query.urlencode()


@register.filter
def bar_width(value, maximum=100):
    """Width (0-100) of an SVG bar for ``value`` out of ``maximum``."""
    try:
        value, maximum = float(value), float(maximum)
    except (TypeError, ValueError):
        return 0
    if maximum <= 0:
        return 0
    return round(max(0.0, min(value / maximum, 1.0)) * 100, 1)


@register.filter
def display(value):
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{key}={item}" for key, item in value.items())
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        # ISO dates everywhere in lists: sortable, unambiguous, the same in both languages.
        return value.isoformat()
    return value


@register.simple_tag
def page_numbers(page):
    """The page numbers to link around ``page``: first, last and two either side, ``…`` for the gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def bundle_list(name):
    """A bundle list by its name (``aid_grants`` → 助学款)."""
    from casework.bundle.spec import list_label

    return list_label(name)


@register.filter
def bundle_place(path):
    """Where a bundle refusal is, in words: list, record number from 1, field (``casework.bundle.spec``)."""
    from casework.bundle.spec import describe_path

    return describe_path(path)
