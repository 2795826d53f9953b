"""Writes for the organisation tree and accounts, and the generic write helpers every app uses.

Every write in the system goes through a service: it validates with
``full_clean()``, records the acting user and reason in the history, and runs in
one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
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


def current_version(instance):
    """The version of a record: the ``history_id`` of its latest history row (``None`` before any).

    Every save writes a history row, so the version moves with every change and
    needs no column of its own.
    """
    return instance.history.order_by("-history_id").values_list("history_id", flat=True).first()


def check_version(instance, expected_version):
    """Raise ``ValidationError`` on ``version`` unless ``instance`` is still at ``expected_version``.

    Call it with the row locked (``select_for_update``) so no one saves in between.
    """
    try:
        expected = int(str(expected_version).strip().strip('"'))
    except ValueError:
        expected = None
    if expected is None or expected != current_version(instance):
        raise ValidationError({"version": _("该记录已被他人修改，请刷新后重试。")}, code="stale")


def model_update(instance, *, acting_user, reason, data, expected_version=None):
    """Set ``data`` on ``instance`` and save only if something changed.

    Returns ``(instance, changed)``; an unchanged save would write an empty history row.
    With ``expected_version`` (see :func:`current_version`) a record that someone
    else changed meanwhile is refused and nothing is written (no lost update).
    """
    if expected_version is not None:
        check_version(instance, expected_version)
    changed = [f for f, v in data.items() if getattr(instance, f) != v]
    if not changed:
        return instance, False
    for field, value in data.items():
        setattr(instance, field, value)
    model_save(instance, acting_user=acting_user, reason=reason)
    return instance, True


def model_delete(instance, *, acting_user, reason):
    """Delete ``instance``; the deletion stays in its history with user and reason.

    A record that others still refer to (a household with members, a person with grants) is
    refused with the kinds of records that hold it, before anything is deleted.
    """
    set_change_reason(instance, user=acting_user, reason=reason)
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        holders = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        kinds = "、".join(sorted({str(holder._meta.verbose_name) for holder in holders}))
        raise ValidationError(_("仍有%(kinds)s记录引用此记录，不能删除。") % {"kinds": kinds}) from None


def _organisation_path(parent, code):
    return f"{parent.path if parent else ''}{code}/"


def organisation_check_parent(organisation, parent):
    """Refuse a ``parent`` that is the unit itself or lies below it (the tree would become a cycle)."""
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
    organisation_check_parent(organisation, data.get("parent", organisation.parent))
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
def record_update(instance, *, acting_user, reason, data, expected_version=None):
    """Replace fields of a case record; an unchanged record writes no history row."""
    instance = type(instance).objects.select_for_update().get(pk=instance.pk)
    instance, _changed = model_update(
        instance, acting_user=acting_user, reason=reason, data=data, expected_version=expected_version
    )
    return instance


@transaction.atomic
def record_delete(instance, *, acting_user, reason):
    """Delete a case record; it stays in the history with user and reason."""
    model_delete(instance, acting_user=acting_user, reason=reason)


@transaction.atomic
def user_create(*, username, password, organisation, role, acting_user, reason="create user", **fields):
    """Create an account attached to ``organisation`` with ``role`` (the password is hashed, never stored)."""
    from casework.models import User

    user = User(username=username, organisation=organisation, role=role, **fields)
    user.set_password(password)
    return model_save(user, acting_user=acting_user, reason=reason)


@transaction.atomic
def user_set_password(user, *, password, acting_user, reason="set password"):
    """Set ``user``'s password; nothing is written when it already is that password."""
    if user.check_password(password):
        return user
    user.set_password(password)
    set_change_reason(user, user=acting_user, reason=reason)
    user.save(update_fields=["password"])
    return user
