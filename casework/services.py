"""Writes for the organisation tree and accounts, and the generic write helpers every app uses.

Every write in the system goes through a service: it validates with
``full_clean()``, records the acting user and reason in the history, and runs in
one transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import guards
from casework.choices import Level, Role
from casework.history import bulk_update_historised, changed_field_labels, set_change_reason
from casework.models import Organisation
from casework.scoping import within_scope


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

    The one check of every route (web forms, admin, API ``If-Match``), and so the one
    message: who changed the record since, when, and which fields (:func:`stale_message`).
    Call it with the row locked (``select_for_update``) so no one saves in between.
    """
    try:
        expected = int(str(expected_version).strip().removeprefix("W/").strip('"'))
    except ValueError:
        expected = None
    if expected is None or expected != current_version(instance):
        raise ValidationError({"version": stale_message(instance, expected)}, code="stale")


def stale_message(instance, expected):
    """ "该记录已被 张三 于 2026-12-03 10:15 修改（姓名、电话），请刷新后重试。" from the history rows after
    version ``expected``: their users, the time of the last one, the fields changed since."""
    history = instance.history.select_related("history_user")
    newer = list(history.filter(history_id__gt=expected).order_by("history_id")) if expected is not None else []
    if not newer:
        return _("该记录已被他人修改，请刷新后重试。")
    users = []
    for row in newer:
        user = row.history_user
        name = (user.get_full_name() if user else "") or row.history_user_name or _("他人")
        if name not in users:
            users.append(name)
    base = history.filter(history_id__lte=expected).order_by("-history_id").first()
    fields = changed_field_labels(type(instance), base, newer[-1]) if base is not None else []
    values = {
        "users": "、".join(users),
        "time": timezone.localtime(newer[-1].history_date).strftime("%Y-%m-%d %H:%M"),
        "fields": "、".join(fields),
    }
    if fields:
        return _("该记录已被 %(users)s 于 %(time)s 修改（%(fields)s），请刷新后重试。") % values
    return _("该记录已被 %(users)s 于 %(time)s 修改，请刷新后重试。") % values


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
def organisation_create(
    *, code, name, level, parent=None, supervision_phone="", acting_user=None, reason="create organisation"
):
    """Create a union unit below ``parent``."""
    organisation = Organisation(
        code=code,
        name=name,
        level=level,
        parent=parent,
        supervision_phone=supervision_phone,
        path=_organisation_path(parent, code),
    )
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


# --- accounts --------------------------------------------------------------------------------------

ACCOUNT_ACCESS_FIELDS = ("organisation", "role", "is_staff", "is_superuser", "groups", "user_permissions")


def is_national_administrator(user):
    """A superuser, or an administrator of a national-level unit (全国总工会)."""
    if user.is_superuser:
        return True
    unit = user.organisation if user.organisation_id else None
    return user.role == Role.ADMINISTRATOR and unit is not None and unit.level == Level.NATIONAL


def _may_grant(acting_user, permission):
    """``app_label.codename`` that ``acting_user`` holds itself (the personal-data one by role, too)."""
    from casework.security import VIEW_PERSONAL_DATA, may_view_personal_data

    if acting_user.is_superuser or acting_user.has_perm(permission):
        return True
    return permission == VIEW_PERSONAL_DATA and may_view_personal_data(acting_user)


def _codenames(permissions):
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def user_check(acting_user, user, data):
    """Refuse an account change that ``acting_user`` may not make; ``user`` is ``None`` for a new account.

    ``data`` holds the fields to set (those of :data:`ACCOUNT_ACCESS_FIELDS` are checked).
    The rules, the same for the admin and every other route:

    - only administrators (and superusers) manage accounts, and only accounts of their own subtree;
      a superuser's account only a superuser;
    - only a national administrator (or a superuser) makes an account without a unit, and only a
      superuser makes a superuser;
    - nobody grants what they do not hold themselves (staff status, permissions, groups' permissions),
      nor changes their own role, unit, status or permissions (a superuser excepted).

    A command run on the server (``acting_user=None``) is not checked. Raises ``PermissionDenied``
    for an account out of reach, otherwise ``ValidationError`` by field.
    """
    if acting_user is None:
        return
    if not (acting_user.is_superuser or acting_user.role == Role.ADMINISTRATOR):
        raise PermissionDenied(_("只有管理员可以管理账号。"))
    national = is_national_administrator(acting_user)
    if user is not None:
        reachable = within_scope(acting_user, user.organisation) if user.organisation_id else national
        if not reachable:
            raise PermissionDenied(_("该账号不在您单位的管辖范围内。"))
        if user.is_superuser and not acting_user.is_superuser:
            raise PermissionDenied(_("只有超级用户可以修改超级用户账号。"))

    def current(field):
        if user is None:
            return None if field == "organisation" else False
        return getattr(user, field)

    errors = {}
    if user is not None and user.pk == acting_user.pk and not acting_user.is_superuser:
        for field in ACCOUNT_ACCESS_FIELDS:
            if field in data and field not in ("groups", "user_permissions") and data[field] != current(field):
                errors[field] = _("不能修改自己的角色、所属单位或权限，请由其他管理员办理。")
    organisation = data.get("organisation", current("organisation"))
    if organisation is None:
        if not national:
            errors.setdefault("organisation", _("只有全国总工会管理员可以创建或保留不属于任何单位的账号。"))
    elif not within_scope(acting_user, organisation):
        errors.setdefault("organisation", _("所属单位须在您单位的管辖范围内。"))
    if data.get("is_superuser") and not current("is_superuser") and not acting_user.is_superuser:
        errors.setdefault("is_superuser", _("只有超级用户可以授予超级用户权限。"))
    if data.get("is_staff") and not current("is_staff") and not acting_user.is_staff:
        errors.setdefault("is_staff", _("不能授予您本人没有的后台登录权限。"))
    granted = {
        "user_permissions": _codenames(data.get("user_permissions") or []),
        "groups": _codenames(p for group in data.get("groups") or [] for p in group.permissions.all()),
    }
    held = {"user_permissions": set(), "groups": set()}
    if user is not None and user.pk:
        held["user_permissions"] = _codenames(user.user_permissions.all())
        held["groups"] = _codenames(p for group in user.groups.all() for p in group.permissions.all())
    for field, permissions in granted.items():
        if user is not None and user.pk == acting_user.pk and not acting_user.is_superuser:
            if field in data and permissions != held[field]:
                errors.setdefault(field, _("不能修改自己的角色、所属单位或权限，请由其他管理员办理。"))
            continue
        beyond = sorted(p for p in permissions - held[field] if not _may_grant(acting_user, p))
        if beyond:
            errors.setdefault(field, _("不能授予您本人没有的权限：%(perms)s") % {"perms": "、".join(beyond)})
    if errors:
        raise ValidationError(errors)


def _set_access_relations(user, relations):
    for field, values in relations.items():
        getattr(user, field).set(values)


@transaction.atomic
def user_create(*, username, password, organisation, role, acting_user, reason="create user", **fields):
    """Create an account attached to ``organisation`` with ``role`` (the password is hashed, never stored).

    ``acting_user`` may create it only within the rules of :func:`user_check`; ``password=None``
    makes an account that cannot log in with a password.
    """
    from casework.models import User

    user_check(acting_user, None, {"organisation": organisation, "role": role, **fields})
    relations = {field: fields.pop(field) for field in ("groups", "user_permissions") if field in fields}
    user = User(username=username, organisation=organisation, role=role, **fields)
    user.set_password(password)
    model_save(user, acting_user=acting_user, reason=reason)
    _set_access_relations(user, relations)
    return user


@transaction.atomic
def user_update(user, *, acting_user, reason, data, expected_version=None):
    """Change an account's details, unit, role, status, groups or permissions (not its password).

    ``acting_user`` may change it only within the rules of :func:`user_check`; with
    ``expected_version`` an account changed by someone else since is refused.
    """
    from casework.models import User

    if "password" in data:
        raise ValidationError({"password": _("密码须通过修改密码办理。")})
    user = User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=user.pk)
    if expected_version is not None:
        check_version(user, expected_version)
    user_check(acting_user, user, data)
    data = dict(data)
    relations = {field: data.pop(field) for field in ("groups", "user_permissions") if field in data}
    user, _changed = model_update(user, acting_user=acting_user, reason=reason, data=data)
    _set_access_relations(user, relations)
    return user


@transaction.atomic
def user_set_password(user, *, password, acting_user, reason="set password"):
    """Set ``user``'s password; nothing is written when it already is that password."""
    if user.check_password(password):
        return user
    user.set_password(password)
    set_change_reason(user, user=acting_user, reason=reason)
    user.save(update_fields=["password"])
    return user


# --- API tokens -----------------------------------------------------------------------------------

API_TOKEN_PREFIX = "cw_"  # noqa: S105 (a marker, not a secret)
API_TOKEN_TOUCH_SECONDS = 60  # last_used_at moves at most this often (one UPDATE a minute per token)


def api_token_digest(secret):
    """The SHA-256 (hex) of a token's secret: what the database keeps and looks a request's token up by."""
    import hashlib

    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_check(acting_user, user):
    """Refuse a token for ``user`` unless ``acting_user`` manages that account (:func:`user_check`).

    A token acts as its account, so whoever may manage the account may issue it one, and nobody
    else; the account must be active and attached to a unit (its scope). ``acting_user=None`` is a
    command run on the server.
    """
    user_check(acting_user, user, {})
    if not user.is_active:
        raise ValidationError({"user": _("该账号已停用，不能为其创建令牌。")})
    if user.organisation_id is None and not user.is_superuser:
        raise ValidationError({"user": _("该账号不属于任何单位，不能为其创建令牌。")})


@transaction.atomic
def api_token_create(*, name, user, acting_user, reason="create API token", expires_at=None):
    """A new token acting as ``user``; returns ``(token, secret)``. The secret (32 random bytes) is
    returned here only: the database keeps its SHA-256."""
    import secrets

    from casework.models import ApiToken

    api_token_check(acting_user, user)
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        user=user,
        prefix=secret[: len(API_TOKEN_PREFIX) + 6],
        key_hash=api_token_digest(secret),
        created_by=acting_user,
        expires_at=expires_at,
    )
    model_save(token, acting_user=acting_user, reason=reason)
    return token, secret


@transaction.atomic
def api_token_revoke(token, *, acting_user, reason="revoke API token"):
    """Revoke ``token`` from now on (kept, with its history, for the record); a revoked token stays revoked."""
    from casework.models import ApiToken

    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user__organisation").get(pk=token.pk)
    user_check(acting_user, token.user, {})
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    return model_save(token, acting_user=acting_user, reason=reason)


def api_token_touch(token, now=None):
    """Note that ``token`` was used: at most one UPDATE a minute, no history row (``last_used_at`` is
    bookkeeping like ``User.last_login``, excluded from the token's history)."""
    from casework.models import ApiToken

    now = now or timezone.now()
    if token.last_used_at is not None and (now - token.last_used_at).total_seconds() < API_TOKEN_TOUCH_SECONDS:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
