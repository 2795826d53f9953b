"""The ``organisations`` list of a case bundle: the union tree, parents first.

Units are few, and moving one rewrites its subtree's paths, so each goes
through the organisation services one by one. An existing unit whose
``parent`` is null keeps its place: an exported subtree's root has no parent in
its bundle but stays where it is in the tree it is imported into.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from casework.bundle.fields import MISSING, Ref, Refusal, Text
from casework.bundle.spec import ListSpec, duplicate_of, register
from casework.models import Organisation
from casework.services import organisation_create, organisation_update


@register
class OrganisationSpec(ListSpec):
    name = "organisations"
    model = Organisation
    order = 10
    key = "code"
    lookup = "code"
    scope_field = "parent"
    # Units are referred to above the user's unit too (a bundle names its ancestors to place itself);
    # a record's own unit is checked against the subtree where the record is written.
    scoped_refs = False
    fields = {
        "name": Text(),
        "parent": Ref("organisations", required=False),
        "level": Text(),
        "supervision_phone": Text(required=False),
    }

    def organisation_id_of(self, instance):
        return instance.pk

    def run(self, ctx, items):
        from casework.bundle.importer import REFUSED, _path, _values

        codes = [i.get("code") for i in items if isinstance(i, dict)]
        parents = [i.get("parent") for i in items if isinstance(i, dict) and i.get("parent")]
        ctx.preload(self.name, [c for c in codes + parents if c])
        seen = {}
        for index, item in enumerate(items):
            path = f"{self.name}[{index}]"
            if not isinstance(item, dict):
                ctx.refuse(path, _("每条记录应为一个 JSON 对象。"))
                continue
            try:
                code = self.normal_key(item.get("code", MISSING))
            except Refusal as refusal:
                ctx.refuse(f"{path}.code", refusal.message)
                continue
            if code in seen:
                ctx.refuse(f"{path}.code", duplicate_of(self.name, seen[code]))
                continue
            seen[code] = index
            values, ok = _values(ctx, self, item, path)
            if not ok:
                ctx.refused[self.name].add(code)
                continue
            parent = values["parent"]
            existing = ctx.objects[self.name].get(code)
            if existing is REFUSED or (existing is not None and existing.pk is None):
                existing = None
            try:
                unit = self._write(ctx, existing, code, values, parent, path, item)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        ctx.refuse(_path(self, path, field), message)
                ctx.refused[self.name].add(code)
                continue
            if unit is not None:
                ctx.objects[self.name][code] = unit

    def _write(self, ctx, existing, code, values, parent, path, item):
        if existing is None:
            user = ctx.acting_user
            if not (user is None or user.sees_everything or (parent is not None and ctx.in_scope(parent))):
                ctx.refuse(f"{path}.parent", _("只能在本单位及下级单位范围内新建单位。"))
                ctx.refused[self.name].add(code)
                return None
            unit = organisation_create(
                code=code,
                name=values["name"],
                level=values["level"],
                parent=parent,
                supervision_phone=values["supervision_phone"],
                acting_user=ctx.history_user,
                reason=ctx.reason,
            )
            ctx.count(self.name, "created")
            if ctx._scope_ids is not None:
                ctx._scope_ids.add(unit.pk)
            return unit
        data = {"name": values["name"], "level": values["level"]}
        if "supervision_phone" in item:  # optional: a bundle without it leaves the stored number alone
            data["supervision_phone"] = values["supervision_phone"]
        if parent is not None and parent.pk != existing.parent_id:
            data["parent"] = parent
        if all(getattr(existing, f) == v for f, v in data.items()):
            # Unchanged units may lie above the user's unit: a bundle names its ancestors to place itself.
            ctx.count(self.name, "unchanged")
            return existing
        if not ctx.in_scope(existing) or not ctx.in_scope(data.get("parent")):
            ctx.refuse(f"{path}.code", _("该单位不在本单位及下级单位范围内。"))
            ctx.refused[self.name].add(code)
            return None
        unit = organisation_update(existing, acting_user=ctx.history_user, reason=ctx.reason, **data)
        ctx.count(self.name, "updated")
        return unit

    def export_queryset(self, organisation, since):
        return Organisation.objects.filter(path__startswith=organisation.path).select_related("parent").order_by("path")

    def export_record(self, instance, exporter):
        record = super().export_record(instance, exporter)
        if instance.pk == exporter.organisation.pk:
            record["parent"] = None  # the subtree's root: its parent is not in the bundle
        else:
            record["parent"] = instance.parent.code
        return record
