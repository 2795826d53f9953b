"""Importing a case bundle (``bundle.md``): all or nothing, every refusal with its path.

The lists are taken in the registry's order (organisations, households,
persons, schooling, notices, grants, …). Each list is read in bulk: its
existing records in one query per few thousand keys, the records it refers to
likewise, every record validated with the model's own rules (``full_clean``,
which needs no query once relations are excluded), then the guard rules of
``casework.guards`` over the whole list at once, then one bulk write with one
history row per created or changed record. Unchanged records are left alone,
so importing the same bundle twice writes nothing.

Everything happens in one transaction. A list is written before the next is
read, so a rule on grants sees the persons, households and notices of the same
bundle exactly as it would see saved ones; if anything was refused, or on a dry
run, the transaction is rolled back and nothing stays behind.
"""

import gc
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from casework import guards
from casework.bundle import spec as registry
from casework.bundle.fields import MISSING, Ref, Refusal
from casework.bundle.writer import insert_historised
from casework.history import bulk_update_historised
from casework.scoping import within_scope

FORMAT = "casework-bundle/1"
SYSTEM_USERNAME = "system"
REFUSED = object()


@dataclass
class ImportResult:
    """The report of one import: refusals as ``(path, message)`` and, per list, what was done."""

    errors: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.errors

    def lines(self):
        return [f"{path}: {message}" for path, message in self.errors]

    def as_dict(self):
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "written": self.ok and not self.dry_run,
            "errors": [{"path": path, "message": message} for path, message in self.errors],
            "counts": self.counts,
        }


def system_user():
    """The account history rows name when no person imports (the command without ``--user``).

    It cannot log in: an unusable password, inactive, attached to no unit.
    """
    User = get_user_model()
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, is_active=False)
        user.set_unusable_password()
        user.save()
    return user


class Context:
    """The state of one import: what each list resolved to, what was refused, the report."""

    def __init__(self, bundle, *, acting_user, reason):
        self.bundle = bundle
        self.acting_user = acting_user
        self.reason = reason
        self.history_user = acting_user or system_user()
        self.objects = defaultdict(dict)  # list → key → instance (written by this bundle or read from the db)
        self.refused = defaultdict(set)  # list → keys refused (records that refer to them are skipped)
        self.hidden = defaultdict(set)  # list → keys of records outside the user's subtree (unknown to it)
        self.result = ImportResult()
        self._scope_ids = None

    # -- the report --

    def refuse(self, path, message):
        self.result.errors.append((path, str(message)))

    def count(self, name, what, n=1):
        counts = self.result.counts.setdefault(name, {"created": 0, "updated": 0, "unchanged": 0})
        counts[what] += n

    # -- scope --

    @property
    def restricted(self):
        return self.acting_user is not None and not self.acting_user.sees_everything

    def in_scope(self, organisation):
        return self.acting_user is None or organisation is None or within_scope(self.acting_user, organisation)

    def in_scope_id(self, organisation_id):
        """Whether the unit with this id lies in the acting user's subtree (one query per import)."""
        if not self.restricted or organisation_id is None:
            return True
        if self._scope_ids is None:
            from casework.models import Organisation

            unit = self.acting_user.organisation
            below = Organisation.objects.filter(path__startswith=unit.path) if unit else Organisation.objects.none()
            self._scope_ids = set(below.values_list("pk", flat=True))
        return organisation_id in self._scope_ids

    # -- references --

    def preload(self, target, raw_keys):
        """Read from the database, in bulk, the records of ``target`` that these keys name and the bundle lacks."""
        spec = registry.get(target)
        keys = set()
        for raw in raw_keys:
            try:
                keys.add(spec.normal_key(raw))
            except Refusal:
                continue
        missing = keys - self.objects[target].keys() - self.refused[target] - self.hidden[target]
        if not missing:
            return
        found = spec.existing(sorted(missing))
        if spec.scoped_refs and self.restricted:
            # A record outside the user's subtree is not there for this import: a reference to it is
            # refused with the words of an unknown one, so an import tells nothing about other units.
            for key, instance in list(found.items()):
                if not self.in_scope_id(spec.organisation_id_of(instance)):
                    del found[key]
                    self.hidden[target].add(key)
        self.objects[target].update(found)

    def resolve(self, target, raw):
        """The instance ``raw`` names in ``target``, ``REFUSED`` when it was refused itself, or ``None``."""
        try:
            key = registry.get(target).normal_key(raw)
        except Refusal:
            return None
        if key in self.refused[target]:
            return REFUSED
        return self.objects[target].get(key)


def import_bundle(bundle, *, acting_user=None, reason, dry_run=False):
    """Import ``bundle`` (the parsed JSON) all or nothing; returns an :class:`ImportResult`.

    ``acting_user`` limits the records to that user's subtree and is named in the
    history; without one (the command line run by the operator) the history
    names the ``system`` account and any unit may be written.
    """
    if not isinstance(bundle, dict):
        return ImportResult(errors=[("", _("案卷包应为一个 JSON 对象。"))], dry_run=dry_run)
    if bundle.get("format") != FORMAT:
        return ImportResult(errors=[("format", _("格式应为 %(f)s。") % {"f": FORMAT})], dry_run=dry_run)
    ctx = None
    # Tens of thousands of model instances stay alive until the end: the cyclic garbage
    # collector would walk them all again and again (an import twice as large took five
    # times as long). Nothing here makes cycles worth collecting before the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            ctx = Context(bundle, acting_user=acting_user, reason=reason)
            ctx.result.dry_run = dry_run
            for spec in registry.lists():
                raw = bundle.get(spec.name, MISSING)
                if raw is MISSING or raw is None:
                    continue
                if not isinstance(raw, list):
                    ctx.refuse(spec.name, _("应为列表。"))
                    continue
                if raw:
                    spec.run(ctx, raw)
            if ctx.result.errors or dry_run:
                transaction.set_rollback(True)
    except DatabaseError as error:
        # A rule the checks above missed, caught by the database: still all or nothing.
        result = ctx.result if ctx else ImportResult(dry_run=dry_run)
        result.errors.append(("", _("数据库拒绝写入：%(e)s") % {"e": error}))
        return result
    finally:
        if collecting:
            gc.enable()
    return ctx.result


def import_list(ctx, spec, items):
    """Validate, check and write one list of the bundle."""
    name = spec.name
    parsed = []
    seen = {}
    for index, item in enumerate(items):
        path = f"{name}[{index}]"
        if not isinstance(item, dict):
            ctx.refuse(path, _("每条记录应为一个 JSON 对象。"))
            continue
        try:
            key = spec.normal_key(item.get(spec.key, MISSING))
        except Refusal as refusal:
            ctx.refuse(f"{path}.{spec.key}", refusal.message)
            continue
        if key in seen:
            ctx.refuse(f"{path}.{spec.key}", registry.duplicate_of(name, seen[key]))
            ctx.refused[name].add(key)
            continue
        seen[key] = index
        parsed.append((index, key, item))

    for field_name, fld in spec.fields.items():
        if isinstance(fld, Ref):
            ctx.preload(fld.target, [item.get(field_name) for _i, _k, item in parsed if item.get(field_name)])
    spec.preload(ctx, [item for _i, _k, item in parsed])
    existing = spec.existing([key for _i, key, _item in parsed])

    candidates = []  # (path, key, instance, is_new, changed, extra)
    for index, key, item in parsed:
        path = f"{name}[{index}]"
        values, ok = _values(ctx, spec, item, path)
        extra = spec.parse_extra(ctx, item, path)
        if not ok or extra is REFUSED:
            ctx.refused[name].add(key)
            continue
        instance = existing.get(key)
        is_new = instance is None
        if is_new:
            try:
                instance = spec.new(key, values)
            except Refusal as refusal:
                ctx.refuse(f"{path}.{spec.key}", refusal.message)
                ctx.refused[name].add(key)
                continue
        before = None if is_new else spec.organisation_id_of(instance)
        try:
            changed = spec.assign(ctx, instance, values, item, path, extra)
        except Refusal as refusal:
            ctx.refuse(f"{path}.{refusal.field}" if refusal.field else path, refusal.message)
            ctx.refused[name].add(key)
            continue
        if not (ctx.in_scope_id(before) and ctx.in_scope_id(spec.organisation_id_of(instance))):
            ctx.refuse(f"{path}.{spec.scope_field}", _("该记录的单位不在本单位及下级单位范围内。"))
            ctx.refused[name].add(key)
            continue
        if not is_new and not changed:
            ctx.objects[name][key] = instance
            candidates.append((path, key, instance, None, [], extra))
            continue
        if not _clean(ctx, spec, instance, path):
            ctx.refused[name].add(key)
            continue
        candidates.append((path, key, instance, is_new, changed, extra))

    # The guard rules, over every record of the list that is about to be written.
    to_check = [c for c in candidates if c[3] is not None]
    problems = guards.check(spec.model, [c[2] for c in to_check])
    refused_now = set()
    for position in sorted(problems):
        path, key = to_check[position][0], to_check[position][1]
        for fname, messages in problems[position].items():
            for message in messages:
                ctx.refuse(_path(spec, path, fname), message)
        refused_now.add(key)
        ctx.refused[name].add(key)
    candidates = [c for c in candidates if c[1] not in refused_now]

    created = [c[2] for c in candidates if c[3] is True]
    updated = [c for c in candidates if c[3] is False]
    user, reason = ctx.history_user, ctx.reason
    insert_historised(spec.model, created, user=user, reason=reason)
    by_fields = defaultdict(list)
    for c in updated:
        by_fields[tuple(sorted(c[4]))].append(c[2])
    for fields, objs in by_fields.items():
        for part in registry.chunks(objs):
            bulk_update_historised(spec.model, part, list(fields), user=user, reason=reason)
    for _where, key, instance, _new, _changed, _extra in candidates:
        ctx.objects[name][key] = instance
    ctx.count(name, "created", len(created))
    ctx.count(name, "updated", len(updated))
    ctx.count(name, "unchanged", sum(1 for c in candidates if c[3] is None))
    spec.after_write(ctx, [(c[2], c[5], c[0]) for c in candidates])


def _values(ctx, spec, item, path):
    """``({model field: value}, ok)``: the record's fields read and its references resolved."""
    values = {}
    ok = True
    for field_name, fld in spec.fields.items():
        try:
            value = fld.parse(item.get(field_name, MISSING))
        except Refusal as refusal:
            ctx.refuse(f"{path}.{field_name}", refusal.message)
            ok = False
            continue
        if isinstance(fld, Ref) and value is not None:
            target = ctx.resolve(fld.target, value)
            if target is REFUSED:
                ok = False  # the record it names was refused and reported already
                continue
            if target is None:
                ctx.refuse(f"{path}.{field_name}", _("引用的记录不存在：%(v)s") % {"v": value})
                ok = False
                continue
            value = target
        values[fld.attr or field_name] = value
    return values, ok


def _path(spec, path, model_field):
    """The bundle path of a model field's problem (``persons[3].id_number``)."""
    if model_field in (NON_FIELD_ERRORS, None, ""):
        return path
    for name, fld in spec.fields.items():
        if (fld.attr or name) == model_field:
            return f"{path}.{name}"
    aliases = getattr(spec, "aliases", {})
    return f"{path}.{aliases.get(model_field, model_field)}"


def _clean(ctx, spec, instance, path):
    """The model's own validation, without the parts that query (relations, uniqueness, constraints).

    Relations were resolved by key already; uniqueness is the key's; the check
    constraints are restated as guard rules, checked per batch.
    """
    exclude = [f.name for f in spec.model._meta.concrete_fields if f.is_relation]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for fname, messages in error.message_dict.items():
            for message in messages:
                ctx.refuse(_path(spec, path, fname), message)
        return False
    return True
