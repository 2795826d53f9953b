"""Reads for the organisation tree (the home page's reads are in ``portal.selectors``)."""

import re

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length, Replace

from casework.models import Organisation
from casework.scoping import scoped, transfer_sources

PICKER_LIMIT = 20  # what a search-as-you-type list shows; typing more narrows it
PATH_SEPARATOR = " › "
# A unit as the pickers show it (``Organisation.__str__``): 洛阳市总工会（4103）, or with ASCII brackets.
_LABEL = re.compile(r"^(?P<name>.*?)\s*[（(](?P<code>[^（）()]+)[）)]$")


def organisations_for(user):
    """The units the user may see: their own and everything below it."""
    return scoped(Organisation.objects.all(), user)


def transfer_sources_for(user):
    """The units a fund receipt may name as 上级拨付 (``casework.scoping.transfer_sources``)."""
    return transfer_sources(Organisation.objects.all(), user)


# The unit pickers' searches: which units a picker offers and accepts, by name (``?scope=``).
UNIT_SCOPES = {"subtree": organisations_for, "transfer": transfer_sources_for}


def units_matching(units, q, *, limit=PICKER_LIMIT):
    """Units of ``units`` whose name contains ``q`` or whose code starts with it, at most ``limit``.

    The exact name or code first, then names starting with ``q``, then the units nearest the top of the
    tree (the depth is the number of codes in the materialised path), so 洛阳 finds 洛阳市 before its
    hundreds of grassroots units.
    """
    q = (q or "").strip()
    if not q:
        return units.none()
    depth = Length("path") - Length(Replace("path", Value("/"), Value("")))
    rank = Case(
        When(Q(name=q) | Q(code=q), then=Value(0)),
        When(Q(name__startswith=q) | Q(code__startswith=q), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        units.filter(Q(name__icontains=q) | Q(code__istartswith=q))
        .annotate(rank=rank, depth=depth)
        .order_by("rank", "depth", "path")[:limit]
    )


def unit_paths(units):
    """``{unit id: "河南省总工会 › 洛阳市总工会"}``: each unit's chain of names from the top, in one query."""
    codes = {code for unit in units for code in unit.path.split("/") if code}
    names = dict(Organisation.objects.filter(code__in=codes).values_list("code", "name"))
    return {
        unit.pk: PATH_SEPARATOR.join(names.get(code, code) for code in unit.path.split("/") if code) for unit in units
    }


def unit_from_text(units, text):
    """The unit of ``units`` that ``text`` names, else ``None``: its code, its label as the pickers show it
    (名称（代码）), or its exact name when only one unit of ``units`` bears it.

    ``units`` is the choice the field allows (the user's subtree), so a unit outside it answers like an
    unknown one.
    """
    text = (text or "").strip()
    if not text:
        return None
    codes = [text]
    label = _LABEL.match(text)
    if label:
        codes.insert(0, label.group("code").strip())
    by_code = {unit.code: unit for unit in units.filter(code__in=codes)}
    for code in codes:
        if code in by_code:
            return by_code[code]
    named = list(units.filter(name=text)[:2])
    return named[0] if len(named) == 1 else None
