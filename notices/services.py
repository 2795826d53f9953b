"""Writes for public notices (公示): build, publish, withdraw, replace, and objections.

A notice is built as a draft, then published. A published notice is never
edited: it can only be withdrawn with a reason, and a new version (a new notice
whose ``replaces`` is the old one) takes its place; both stay in the history.
"""

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid.services import aid_grant_create
from beneficiaries.models import Person
from casework.choices import Role
from casework.history import bulk_create_historised
from casework.services import check_version, model_delete, model_save, model_update
from notices import selectors
from notices.choices import NoticeKind, NoticeStatus
from notices.guards import NOT_LISTED
from notices.models import Notice, NoticeEntry, Objection

# Fields of a notice a reviewer chooses; everything else is set by the workflow.
NOTICE_FIELDS = ("title", "kind", "posted_at", "contact", "starts_on", "ends_on", "mask_names")
MAX_AMOUNT = Decimal("1e12")  # NoticeEntry.amount: 14 digits, 2 of them decimals
# A photo of the posted notice: its content type by the file's first bytes, and the names it may carry.
PHOTO_FORMATS = {
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}


def _period(starts_on, ends_on, period_days):
    """``ends_on`` as given, or ``period_days`` days counted from ``starts_on`` (both ends included)."""
    if ends_on is not None or starts_on is None:
        return ends_on
    days = period_days or selectors.period_days()
    if days < 1:
        raise ValidationError({"period_days": _("公示期至少为1天。")})
    try:
        return starts_on + datetime.timedelta(days=days - 1)
    except OverflowError:
        raise ValidationError({"period_days": _("公示期超出了可以记录的日期范围（9999年12月31日）。")}) from None


def _amount(value):
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return amount if 0 < amount < MAX_AMOUNT else None


def _checked_entries(organisation, entries, *, day, exclude_notice=None):
    """Validate ``entries`` (``{"person", "amount"}``) against who may be on a notice; return ``[(person, amount)]``.

    One query for the whole list, whatever its length.
    """
    if not entries:
        raise ValidationError({"entries": _("公示名单不能为空。")})
    rows, errors, seen = [], {}, set()
    for index, entry in enumerate(entries):
        person, amount = entry["person"], _amount(entry.get("amount"))
        if person.pk in seen:
            errors[f"entries[{index}].person"] = _("同一人员不能在名单中重复出现。")
        seen.add(person.pk)
        if amount is None:
            errors[f"entries[{index}].amount"] = _("帮扶标准须为大于0的金额（元）。")
        rows.append((person, amount))
    qualifying = set(
        selectors.candidates(organisation, day=day, exclude_notice=exclude_notice)
        .filter(pk__in=seen)
        .values_list("pk", flat=True)
    )
    for index, (person, _money) in enumerate(rows):
        if person.pk not in qualifying:
            errors.setdefault(
                f"entries[{index}].person",
                _(
                    "%(name)s 不在本单位的新纳入帮扶人员中（新建档家庭成员或首次领取助学款的学生），"
                    "或已列入已发布的公示。"
                )
                % {"name": person.name},
            )
    if errors:
        raise ValidationError(errors)
    return rows


def _write_entries(notice, rows, *, acting_user, reason):
    entries = [NoticeEntry(notice=notice, person=person, amount=amount) for person, amount in rows]
    for entry in entries:
        # Persons and amounts were checked for the whole list at once; a per-row unique check would cost a query each.
        entry.clean_fields(exclude=["notice", "person"])
    bulk_create_historised(NoticeEntry, entries, user=acting_user, reason=reason)


@transaction.atomic
def notice_build(
    *,
    organisation,
    entries,
    posted_at,
    starts_on,
    acting_user,
    reason="build notice",
    ends_on=None,
    period_days=None,
    title="",
    contact="",
    mask_names=False,
    kind=NoticeKind.STUDENT_AID,
    replaces=None,
):
    """Build a draft notice for ``organisation`` listing ``entries`` (``{"person", "amount"}``).

    Every person must qualify (:func:`notices.selectors.candidates`): a member of a
    new household file, or a first-time student-aid recipient, not yet on a
    published notice. ``amount`` is the assistance standard (for a student, the
    proposed grant). The period runs ``period_days`` days (7 by default) from
    ``starts_on`` unless ``ends_on`` is given.
    """
    notice = Notice(
        organisation=organisation,
        title=title or _("困难职工帮扶对象公示"),
        posted_at=posted_at,
        contact=contact,
        starts_on=starts_on,
        ends_on=_period(starts_on, ends_on, period_days),
        mask_names=mask_names,
        kind=kind,
        status=NoticeStatus.DRAFT,
        replaces=replaces,
    )
    notice.full_clean(exclude=["ref"])
    rows = _checked_entries(organisation, entries, day=timezone.localdate(), exclude_notice=replaces)
    model_save(notice, acting_user=acting_user, reason=reason)
    _write_entries(notice, rows, acting_user=acting_user, reason=reason)
    return notice


def _locked(notice):
    return Notice.objects.select_for_update().select_related("organisation").get(pk=notice.pk)


def _require_draft(notice):
    if notice.status != NoticeStatus.DRAFT:
        raise ValidationError({"status": _("已发布的公示不能修改，只能撤回后发布新版本。")})


@transaction.atomic
def notice_update(notice, *, acting_user, reason, data, entries=None, expected_version=None):
    """Change a draft's details (``data``) and, when ``entries`` is given, replace its whole list.

    ``expected_version`` (the draft's version a form was loaded with) refuses the change when
    someone saved the draft since (``casework.services.check_version``). A change of the list
    alone saves the draft too, so its version moves with its list.
    """
    notice = _locked(notice)
    _require_draft(notice)
    if expected_version is not None:
        check_version(notice, expected_version)
    data = {k: v for k, v in data.items() if k in NOTICE_FIELDS or k == "period_days"}
    period_days = data.pop("period_days", None)
    if period_days is not None and "ends_on" not in data:
        data["ends_on"] = _period(data.get("starts_on", notice.starts_on), None, period_days)
    notice, changed = model_update(notice, acting_user=acting_user, reason=reason, data=data)
    if entries is not None:
        rows = _checked_entries(notice.organisation, entries, day=timezone.localdate(), exclude_notice=notice.replaces)
        wanted = {person.pk: amount for person, amount in rows}
        list_changed = False
        for entry in list(notice.entries.all()):
            if entry.person_id not in wanted:
                model_delete(entry, acting_user=acting_user, reason=reason)
                list_changed = True
            else:
                _entry, moved = model_update(
                    entry, acting_user=acting_user, reason=reason, data={"amount": wanted.pop(entry.person_id)}
                )
                list_changed = list_changed or moved
        _write_entries(notice, [(p, a) for p, a in rows if p.pk in wanted], acting_user=acting_user, reason=reason)
        if (wanted or list_changed) and not changed:
            model_save(notice, acting_user=acting_user, reason=reason)
    return notice


@transaction.atomic
def notice_discard(notice, *, acting_user, reason):
    """Delete a draft that was never published (a published notice stays for good)."""
    notice = _locked(notice)
    _require_draft(notice)
    for entry in notice.entries.all():
        model_delete(entry, acting_user=acting_user, reason=reason)
    model_delete(notice, acting_user=acting_user, reason=reason)


@transaction.atomic
def notice_publish(notice, *, acting_user, reason="publish notice", day=None):
    """Publish a draft on ``day`` (today by default; a paper notice posted earlier may be recorded with its day).

    The period may not start before the notice is published, and nobody on it may
    meanwhile have been put on another published notice.
    """
    notice = _locked(notice)
    if notice.status != NoticeStatus.DRAFT:
        raise ValidationError({"status": _("只有草稿可以发布。")})
    day = day or timezone.localdate()
    if notice.starts_on < day:
        raise ValidationError({"starts_on": _("公示开始日期不能早于发布日期，请修改公示期后再发布。")})
    if not notice.entries.exists():
        raise ValidationError({"entries": _("公示名单不能为空。")})
    # Someone else's notice may have listed one of these persons since the draft was built.
    elsewhere = (
        NoticeEntry.objects.filter(
            person__in=notice.entries.values("person"), notice__status=NoticeStatus.PUBLISHED, struck_off=False
        )
        .exclude(notice__in=[notice.pk, notice.replaces_id])
        .select_related("person", "notice")
        .first()
    )
    if elsewhere is not None:
        raise ValidationError(
            {
                "entries": _("%(name)s 已列入公示 %(number)s。")
                % {"name": elsewhere.person.name, "number": elsewhere.notice.number}
            }
        )
    notice, _changed = model_update(
        notice, acting_user=acting_user, reason=reason, data={"status": NoticeStatus.PUBLISHED, "published_on": day}
    )
    return notice


@transaction.atomic
def notice_withdraw(notice, *, acting_user, withdrawn_reason, reason="withdraw notice", day=None):
    """Withdraw a published notice, saying why; it no longer lets anyone receive a first grant."""
    notice = _locked(notice)
    if notice.status != NoticeStatus.PUBLISHED:
        raise ValidationError({"status": _("只有已发布的公示可以撤回。")})
    if not (withdrawn_reason or "").strip():
        raise ValidationError({"withdrawn_reason": _("请填写撤回原因。")})
    data = {
        "status": NoticeStatus.WITHDRAWN,
        "withdrawn_reason": withdrawn_reason.strip(),
        "withdrawn_on": day or timezone.localdate(),
    }
    return model_update(notice, acting_user=acting_user, reason=reason, data=data)[0]


@transaction.atomic
def notice_replace(
    notice,
    *,
    acting_user,
    withdrawn_reason="",
    reason="replace notice",
    entries=None,
    starts_on=None,
    period_days=None,
    ends_on=None,
    **changes,
):
    """Replace a notice by a new version: withdraw it (if still published) and build a draft whose ``replaces`` is it.

    The new draft copies the old one's details and its list (less the persons an
    upheld objection took off) unless ``entries`` or ``changes`` say otherwise; its
    period starts anew (``starts_on``, today by default), since a changed list must
    be posted for a whole period again.
    """
    notice = _locked(notice)
    if notice.status == NoticeStatus.DRAFT:
        raise ValidationError({"status": _("草稿可以直接修改，无须发布新版本。")})
    if Notice.objects.filter(replaces=notice).exists():
        raise ValidationError({"replaces": _("该公示已有新版本。")})
    if notice.status == NoticeStatus.PUBLISHED:
        notice = notice_withdraw(notice, acting_user=acting_user, withdrawn_reason=withdrawn_reason, reason=reason)
    if entries is None:
        entries = [
            {"person": entry.person, "amount": entry.amount} for entry in selectors.notice_listed_entries(notice)
        ]
    details = {field: getattr(notice, field) for field in ("title", "kind", "posted_at", "contact", "mask_names")}
    details.update({k: v for k, v in changes.items() if k in NOTICE_FIELDS})
    return notice_build(
        organisation=notice.organisation,
        entries=entries,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
        period_days=period_days,
        replaces=notice,
        acting_user=acting_user,
        reason=reason,
        **details,
    )


def photo_max_bytes():
    """The largest photo of a posted notice accepted, ``NOTICE_PHOTO_MAX_BYTES`` (5 MB unless configured)."""
    return getattr(settings, "NOTICE_PHOTO_MAX_BYTES", 5 * 1024 * 1024)


def _read_photo(photo):
    """``(name, content type, bytes)`` of an uploaded photo, or a refusal naming the ``photo`` field."""
    if photo is None:
        raise ValidationError({"photo": _("请选择张贴照片（JPEG 或 PNG 文件）。")})
    name = PurePath(getattr(photo, "name", "") or "").name[-200:]
    suffix = PurePath(name).suffix.lower()
    limit = photo_max_bytes()
    too_large = _("张贴照片不能超过 %(kb)s KB。") % {"kb": limit // 1024}
    if getattr(photo, "size", None) is not None and photo.size > limit:
        raise ValidationError({"photo": too_large})
    content = photo.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"photo": too_large})
    for content_type, (magic, suffixes) in PHOTO_FORMATS.items():
        if content.startswith(magic) and suffix in suffixes:
            return name, content_type, content
    raise ValidationError({"photo": _("张贴照片只能是 JPEG 或 PNG 图片，文件内容须与扩展名相符。")})


@transaction.atomic
def notice_attach_photo(notice, *, photo, acting_user, reason="attach notice photo"):
    """Attach a photo of the notice as posted (replacing an earlier one); the history keeps who and when."""
    name, content_type, content = _read_photo(photo)
    notice = _locked(notice)
    if notice.status == NoticeStatus.DRAFT:
        raise ValidationError({"photo": _("草稿尚未张贴，发布后才能上传张贴照片。")})
    data = {
        "photo_name": name,
        "photo_type": content_type,
        "photo_content": content,
        "photo_attached_by": acting_user,
        "photo_attached_at": timezone.now(),
    }
    return model_update(notice, acting_user=acting_user, reason=reason, data=data)[0]


@transaction.atomic
def objection_record(notice, *, person, raised_on, acting_user, content="", reason="record objection"):
    """Record an objection raised against a person on a published notice.

    The rules (a published notice, a person on its list, not before the period
    starts) are the guard rule ``notices.guards.objection_fits_its_notice``, which
    the bundle importer and the admin apply too.
    """
    notice = _locked(notice)
    if isinstance(person, int | str):
        person = Person.objects.filter(pk=person).first()
    if person is None:
        raise ValidationError({"person": NOT_LISTED})
    objection = Objection(notice=notice, person=person, raised_on=raised_on, content=content)
    return model_save(objection, acting_user=acting_user, reason=reason)


@transaction.atomic
def objection_decide(objection, *, upheld, acting_user, reason="decide objection", day=None):
    """Decide an objection; an upheld one takes the person off the list (the entry is marked, not deleted).

    An upheld objection blocks that person's first grant (:mod:`notices.guards`),
    not the rest of the notice. A decision is final.
    """
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.upheld is not None:
        raise ValidationError({"upheld": _("该异议已处理。")})
    # Decided no earlier than raised: the guard rule, checked on save.
    day = day or timezone.localdate()
    objection, _changed = model_update(
        objection,
        acting_user=acting_user,
        reason=reason,
        data={"upheld": bool(upheld), "decided_on": day, "decided_by": acting_user},
    )
    if upheld:
        listed = NoticeEntry.objects.select_for_update().filter(
            notice_id=objection.notice_id, person_id=objection.person_id
        )
        for entry in listed:
            model_update(entry, acting_user=acting_user, reason=reason, data={"struck_off": True})
    return objection


PAYER_ROLES = frozenset({Role.CASEWORKER, Role.REVIEWER, Role.ADMINISTRATOR})


def may_pay(user):
    """Paying a notice's grants is casework: caseworkers, reviewers and administrators (not statistics officers)."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in PAYER_ROLES))


def payment_batch_name(notice, granted_on):
    """The batch's name, written as the reason of every grant it creates."""
    return _("发放批次 %(number)s-%(day)s（按公示 %(number)s 的帮扶标准）") % {
        "number": notice.number,
        "day": granted_on.strftime("%Y%m%d"),
    }


@transaction.atomic
def notice_pay(
    notice,
    *,
    granted_on,
    acting_user,
    fund_source="",
    payment_method="",
    expected_count=None,
    expected_total=None,
):
    """Pay everyone still cleared on an ended 金秋助学 notice at the published standard, in one batch (发放).

    One aid grant each (:func:`notices.selectors.payment_plan` says who, and who is left out and why),
    each written through ``aid_grant_create``, so every grant rule runs for every grant; the history
    reason of each names the batch. ``expected_count`` and ``expected_total`` are what the caseworker
    confirmed: if the batch would now write anything else, nothing is written. Any refusal undoes the
    whole batch: it is written entirely or not at all.
    """
    if not may_pay(acting_user):
        raise PermissionDenied(_("只有个案工作人员、审核人员或管理员可以发放助学款。"))
    notice = _locked(notice)
    problem = selectors.payment_problem(notice, granted_on)
    if problem:
        raise ValidationError({"granted_on": problem})
    plan = selectors.payment_plan(notice, granted_on=granted_on, fund_source=fund_source, payment_method=payment_method)
    if not plan.grants:
        raise ValidationError({"__all__": _("该公示没有可以发放的人员。")})
    if (expected_count is not None and int(expected_count) != plan.count) or (
        expected_total is not None and Decimal(str(expected_total)) != plan.total
    ):
        raise ValidationError(
            {
                "__all__": _("确认后名单已有变化（现为 %(count)s 人，合计 %(total)s 元），请重新核对后再确认。")
                % {"count": plan.count, "total": plan.total}
            }
        )
    reason = payment_batch_name(notice, granted_on)
    created = []
    for grant in plan.grants:
        data = {
            "person": grant.person,
            "organisation": grant.organisation,
            "granted_on": granted_on,
            "amount": grant.amount,
            "fund_source": fund_source,
            "payment_method": payment_method,
        }
        created.append(aid_grant_create(acting_user=acting_user, reason=reason, data=data))
    return created
