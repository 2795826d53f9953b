"""Writes for the organisation tree and accounts, and the generic write helpers every app uses.

Every write in the system goes through a service: it validates with
``full_clean()``, records the acting user and reason in the history, and runs in
one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casework import guards
from casework.history import bulk_update_historised, set_change_reason
from casework.models import Organisation


def model_save(instance, *, acting_user, reason):
    """Validate ``instance`` (model rules, then the guard rules) and save it with history user and reason."""
    instance.full_clean()
    guards.enforce(instance)
    set_change_reason(instance, user=acting_user, reason=reason)
    instance.save()
    return instance


def model_update(instance, *, acting_user, reason, data):
    """Set ``data`` on ``instance`` and save only if something changed.

    Returns ``(instance, changed)``; an unchanged save would write an empty history row.
    """
    changed = [f for f, v in data.items() if getattr(instance, f) != v]
    if not changed:
        return instance, False
    for field, value in data.items():
        setattr(instance, field, value)
    model_save(instance, acting_user=acting_user, reason=reason)
    return instance, True


def model_delete(instance, *, acting_user, reason):
    """Delete ``instance``; the deletion stays in its history with user and reason."""
    set_change_reason(instance, user=acting_user, reason=reason)
    instance.delete()


def _organisation_path(parent, code):
    return f"{parent.path if parent else ''}{code}/"


def _check_parent(organisation, parent):
    if parent is None:
        return
    if organisation.pk and parent.path.startswith(organisation.path):
        raise ValidationError({"parent": _("上级单位不能是本单位或其下级单位（会形成循环）。")})


@transaction.atomic
def organisation_create(*, code, name, level, parent=None, acting_user=None, reason="create organisation"):
    """Create a union unit below ``parent``."""
    organisation = Organisation(code=code, name=name, level=level, parent=parent, path=_organisation_path(parent, code))
    return model_save(organisation, acting_user=acting_user, reason=reason)


@transaction.atomic
def organisation_update(organisation, *, acting_user, reason, **data):
    """Rename or move a unit; moving it rewrites its subtree's paths (with history)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    old_path = organisation.path
    _check_parent(organisation, data.get("parent", organisation.parent))
    if "parent" in data or "code" in data:
        data["path"] = _organisation_path(data.get("parent", organisation.parent), data.get("code", organisation.code))
    organisation, changed = model_update(organisation, acting_user=acting_user, reason=reason, data=data)
    if changed and organisation.path != old_path:
        below = list(Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk))
        for unit in below:
            unit.path = organisation.path + unit.path[len(old_path) :]
        bulk_update_historised(Organisation, below, ["path"], user=acting_user, reason=reason)
    return organisation


@transaction.atomic
def record_create(model, *, acting_user, reason, data):
    """Create a case record of ``model`` from ``data`` (field → value)."""
    return model_save(model(**data), acting_user=acting_user, reason=reason)


@transaction.atomic
def record_update(instance, *, acting_user, reason, data):
    """Replace fields of a case record; an unchanged record writes no history row."""
    instance = type(instance).objects.select_for_update().get(pk=instance.pk)
    return model_update(instance, acting_user=acting_user, reason=reason, data=data)[0]


@transaction.atomic
def record_delete(instance, *, acting_user, reason):
    """Delete a case record; it stays in the history with user and reason."""
    model_delete(instance, acting_user=acting_user, reason=reason)
