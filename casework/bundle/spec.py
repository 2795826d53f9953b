"""What each list of a case bundle holds, and the registry of lists.

Each app describes its own lists (``<app>/bundle.py``, found by
:func:`autodiscover`), so this package, at the bottom of the dependency chain,
never imports the apps above it. A :class:`ListSpec` names the model, the key,
the fields (``casework.bundle.fields``) and, where a list needs more than the
generic path (persons, notices, graduates), overrides a hook.
"""

import re

from django.core.exceptions import FieldDoesNotExist
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from casework.bundle.fields import MISSING, Ref, Refusal, Text

_lists = {}
CHUNK = 5000


def register(spec_class):
    """Register a list (a :class:`ListSpec` subclass); returns the class, usable as a decorator."""
    _lists[spec_class.name] = spec_class()
    return spec_class


_discovered = False


def autodiscover():
    """Import every app's ``bundle`` module once (they register their lists)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("bundle")
        _discovered = True


def lists():
    """Every registered list, in import order (referenced lists before the lists that refer to them)."""
    autodiscover()
    return sorted(_lists.values(), key=lambda spec: spec.order)


def get(name):
    autodiscover()
    return _lists[name]


def chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ListSpec:
    name = ""
    model = None
    order = 0
    key = "ref"  # the bundle field that identifies a record
    lookup = "ref"  # the model field that holds it
    fields = {}  # bundle field → Field
    scope_field = "org"  # the bundle field a refusal for "outside your scope" names
    date_field = None  # the record's own date, for ``export_bundle --since``
    scoped_refs = True  # a reference to a record outside the acting user's subtree is an unknown one

    # -- import ---------------------------------------------------------------------------------

    def normal_key(self, raw):
        """The key as stored, from the bundle's value; raises :class:`Refusal`."""
        return Text(required=True).parse(raw)

    def existing(self, keys):
        """``{key: instance}`` of the records already in the database, one query per few thousand keys."""
        found = {}
        manager = self.model._default_manager
        for part in chunks(keys):
            for obj in manager.filter(**{f"{self.lookup}__in": part}):
                found[getattr(obj, self.lookup)] = obj
        return found

    def new(self, key, values):
        return self.model(**{self.lookup: key})

    def run(self, ctx, items):
        """Import this list (the generic bulk path; a list may take its own)."""
        from casework.bundle.importer import import_list

        import_list(ctx, self, items)

    def preload(self, ctx, items):
        """Read in bulk what the records refer to beyond their ``Ref`` fields."""

    def parse_extra(self, ctx, item, path):
        """What the record carries beyond its fields (a notice's entries); report problems with ``ctx.refuse``."""
        return None

    def assign(self, ctx, instance, values, item, path, extra):
        """Set ``values`` on ``instance``; return the names of the fields that changed.

        A related object is attached even when unchanged, so the guard rules read
        it from the instance instead of querying for it.
        """
        changed = []
        new = instance.pk is None
        for attr, value in values.items():
            field = self.model._meta.get_field(attr)
            if field.is_relation:
                target = value.pk if value is not None else None
                if new or getattr(instance, field.attname) != target:
                    changed.append(attr)
                setattr(instance, attr, value)
            elif new or getattr(instance, attr) != value:
                setattr(instance, attr, value)
                changed.append(attr)
        return changed

    def organisation_id_of(self, instance):
        """The id of the unit that recorded ``instance`` (what scoping is about), read without a query."""
        return instance.organisation_id

    def after_write(self, ctx, rows):
        """Write what hangs below the records just written; ``rows`` are ``(instance, extra, path)``."""

    # -- export ---------------------------------------------------------------------------------

    def key_of(self, instance):
        return getattr(instance, self.lookup)

    def export_queryset(self, organisation, since):
        relations = [f.attr or n for n, f in self.fields.items() if isinstance(f, Ref)]
        qs = self.model._default_manager.filter(**{f"{self.model.scope_path}__startswith": organisation.path})
        qs = qs.select_related(*relations)
        if since and self.date_field:
            qs = qs.filter(**{f"{self.date_field}__gte": since})
        return qs.order_by("pk")

    def export_record(self, instance, exporter):
        record = {self.key: self.key_of(instance)}
        for name, field in self.fields.items():
            attr = field.attr or name
            if isinstance(field, Ref):
                related = getattr(instance, attr)
                record[name] = exporter.key(field.target, related) if related is not None else None
            else:
                record[name] = field.dump(getattr(instance, attr))
            if record[name] in (None, "") and not field.required:
                del record[name]
        return record


__all__ = ["MISSING", "ListSpec", "Refusal", "autodiscover", "chunks", "get", "lists", "register"]


PATH = re.compile(r"(?P<list>[A-Za-z_]+)\[(?P<index>\d+)\](?:\.(?P<rest>.+))?")


def list_label(name):
    """The name people use for a bundle list (``aid_grants`` → 助学款), or the key when no list has it."""
    autodiscover()
    spec = _lists.get(name) if name else None
    if spec is None or spec.model is None:
        return name
    return str(spec.model._meta.verbose_name_plural)


def describe_path(path):
    """A refusal's place in words: ``{"list": 助学款, "row": 4, "field": 受助学生}`` for ``aid_grants[3].person``.

    ``row`` counts from 1 as people count records; ``field`` is the model field's label where the bundle field
    names one (otherwise the bundle's own field name). ``None`` for a path that names no record (``format``).
    """
    autodiscover()
    match = PATH.fullmatch(path or "")
    if match is None or match.group("list") not in _lists:
        return None
    spec = _lists[match.group("list")]
    rest = match.group("rest") or ""
    field_name = rest.split(".")[0].split("[")[0]
    return {
        "list": list_label(spec.name),
        "row": int(match.group("index")) + 1,
        "field": _field_label(spec, field_name) if field_name else "",
    }


def duplicate_of(name, index):
    """The refusal of a record whose key an earlier record of the same list already has, naming that one as
    people count (与助学款第 3 条重复), not by its path (``aid_grants[2]``)."""
    return _("与%(list)s第 %(row)s 条重复。") % {"list": list_label(name), "row": index + 1}


def _field_label(spec, name):
    fld = spec.fields.get(name)
    model_field = (getattr(fld, "attr", None) or name) if fld is not None else name
    for candidate in (model_field, name, name.removesuffix("_ref"), name.removesuffix("_id")):
        try:
            return str(spec.model._meta.get_field(candidate).verbose_name)
        except FieldDoesNotExist:
            continue
    return name
