"""Returns between levels: a unit submits (上报) its return to the unit above, which accepts it or
returns it (退回); each level sets the deadline of the level below.

Every write: keyword-only arguments, ``acting_user=`` and ``reason=``, atomic, validated, with
history. Statistics officers and administrators act; a unit submits only for itself and decides
only on its direct subordinates' submissions. The figures are those of a filing
(:func:`stats.services.return_file`), computed from the records of the whole subtree.
"""

import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.choices import Role
from casework.history import set_change_reason
from casework.models import Organisation
from casework.scoping import require_direct_subordinate, require_own_unit
from stats import selectors
from stats.engine import attachment_of, default_cutoff
from stats.models import ReturnDeadline, ReturnSubmission, SubmissionStatus
from stats.services import return_file

ZIP = b"PK\x03\x04"
SUMMARY_FORMATS = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
}
DEFAULT_SUMMARY_MAX_BYTES = 10 * 1024 * 1024


def summary_max_bytes():
    return getattr(settings, "STATS_SUMMARY_MAX_BYTES", DEFAULT_SUMMARY_MAX_BYTES)


def can_act(user):
    """Statistics officers and administrators submit, accept and return; other roles only look."""
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.role in {Role.STATISTICS_OFFICER, Role.ADMINISTRATOR})
    )


def _require_role(user):
    if not can_act(user):
        raise PermissionDenied(_("只有统计人员和管理员可以上报、接收或退回报表。"))


def _read_summary(summary):
    """``(name, content type, bytes)`` of the written summary, or a refusal naming the field."""
    if summary is None:
        raise ValidationError({"summary": _("请上传书面总结（PDF、DOCX、XLSX 或 ODT 文件）。")})
    name = PurePath(getattr(summary, "name", "") or "").name[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUMMARY_FORMATS:
        raise ValidationError({"summary": _("书面总结只能是 PDF、DOCX、XLSX 或 ODT 文件。")})
    limit = summary_max_bytes()
    size = getattr(summary, "size", None)
    if size is not None and size > limit:
        raise ValidationError({"summary": _("书面总结不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)}})
    content = summary.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"summary": _("书面总结不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)}})
    content_type, magic = SUMMARY_FORMATS[suffix]
    if not content.startswith(magic):
        raise ValidationError({"summary": _("书面总结的内容与文件类型 %(ext)s 不符。") % {"ext": suffix}})
    return name, content_type, content


def _latest(organisation, attachment, year, cutoff, *, lock=False):
    queryset = ReturnSubmission.objects.filter(
        organisation=organisation, attachment=attachment, year=year, cutoff=cutoff
    ).defer("summary_content")
    if lock:
        queryset = queryset.select_for_update()
    return queryset.order_by("-version").first()


def subordinates_not_accepted(organisation, *, attachment, year, cutoff):
    """The direct subordinates whose latest submission of this return is not accepted."""
    children = list(Organisation.objects.filter(parent=organisation).order_by("code"))
    latest = {}
    for row in (
        ReturnSubmission.objects.filter(
            organisation__parent=organisation, attachment=attachment, year=year, cutoff=cutoff
        )
        .order_by("version")
        .values("organisation_id", "status")
    ):
        latest[row["organisation_id"]] = row["status"]
    accepted = {org_id for org_id, status in latest.items() if status == SubmissionStatus.ACCEPTED}
    return [child for child in children if child.id not in accepted]


@transaction.atomic
def return_submit(
    *,
    organisation,
    attachment,
    year,
    preparer,
    phone,
    summary,
    acting_user,
    reason,
    cutoff=None,
    note="",
):
    """Submit (上报) a unit's return to the unit above: file it (frozen figures and hash) and keep the
    written summary with it. A new version each time; the earlier ones stay.

    Refused while a version waits for the unit above or has been accepted, and, when some direct
    subordinates are not accepted, without a ``note`` (the missing units are recorded with it).
    """
    _require_role(acting_user)
    require_own_unit(acting_user, organisation)
    attachment = attachment_of(attachment).number
    year = selectors.parse_year(year)
    cutoff = cutoff or default_cutoff(attachment, year)
    if cutoff.year != year:
        raise ValidationError({"cutoff": _("统计截止日期必须在报告年度内。")})
    if organisation.parent_id is None:
        raise ValidationError({"org": _("最高一级单位没有上级单位，无需上报。")})
    # One submitter at a time per unit, so two versions never get the same number.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    latest = _latest(organisation, attachment, year, cutoff, lock=True)
    if latest is not None and latest.status == SubmissionStatus.SUBMITTED:
        raise ValidationError({"status": _("该报表已上报，正在等待上级单位审核。")})
    if latest is not None and latest.status == SubmissionStatus.ACCEPTED:
        raise ValidationError({"status": _("该报表已被上级单位接收，不能再次上报。")})
    note = (note or "").strip()
    missing = subordinates_not_accepted(organisation, attachment=attachment, year=year, cutoff=cutoff)
    if missing and not note:
        raise ValidationError(
            {
                "note": _("下级单位尚未全部通过审核（%(units)s），请填写说明后再上报。")
                % {"units": "、".join(unit.name for unit in missing)}
            }
        )
    name, content_type, content = _read_summary(summary)
    filing = return_file(
        organisation=organisation,
        attachment=attachment,
        year=year,
        cutoff=cutoff,
        preparer=preparer,
        phone=phone,
        acting_user=acting_user,
        reason=reason,
    )
    submission = ReturnSubmission(
        organisation=organisation,
        attachment=attachment,
        year=year,
        cutoff=cutoff,
        version=(latest.version if latest else 0) + 1,
        filing=filing,
        status=SubmissionStatus.SUBMITTED,
        summary_name=name,
        summary_type=content_type,
        summary_size=len(content),
        summary_content=content,
        note=note,
        missing=[{"org": unit.code, "name": unit.name} for unit in missing],
        submitted_by=acting_user,
        submitted_at=filing.filed_at,
    )
    submission.full_clean()
    set_change_reason(submission, user=acting_user, reason=reason)
    submission.save()
    return submission


def _decide(submission, *, status, comment, acting_user, reason):
    _require_role(acting_user)
    require_direct_subordinate(acting_user, submission.organisation)
    submission = ReturnSubmission.objects.select_for_update().defer("summary_content").get(pk=submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(
            {"status": _("只能审核等待审核的上报（当前：%(status)s）。") % {"status": submission.get_status_display()}}
        )
    submission.status = status
    submission.comment = comment
    submission.decided_by = acting_user
    submission.decided_at = timezone.now()
    set_change_reason(submission, user=acting_user, reason=reason)
    submission.save(update_fields=["status", "comment", "decided_by", "decided_at"])
    return submission


@transaction.atomic
def return_accept(*, submission, acting_user, reason, comment=""):
    """The unit directly above accepts (接收) a submitted return."""
    return _decide(
        submission,
        status=SubmissionStatus.ACCEPTED,
        comment=(comment or "").strip(),
        acting_user=acting_user,
        reason=reason,
    )


@transaction.atomic
def return_send_back(*, submission, acting_user, reason, comment):
    """The unit directly above returns (退回) a submitted return with its comments (required)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("退回时必须填写审核意见。")})
    return _decide(
        submission,
        status=SubmissionStatus.RETURNED,
        comment=comment,
        acting_user=acting_user,
        reason=reason,
    )


@transaction.atomic
def deadline_set(*, organisation, attachment, year, due, acting_user, reason, cutoff=None):
    """A unit sets the date by which its direct subordinates submit a return to it.

    It lies between the cut-off and the unit's own deadline (the date it must meet itself).
    """
    _require_role(acting_user)
    require_own_unit(acting_user, organisation)
    attachment = attachment_of(attachment).number
    year = selectors.parse_year(year)
    cutoff = cutoff or default_cutoff(attachment, year)
    if cutoff.year != year:
        raise ValidationError({"cutoff": _("统计截止日期必须在报告年度内。")})
    if not isinstance(due, datetime.date):
        raise ValidationError({"due": _("上报期限格式应为 YYYY-MM-DD。")})
    if due < cutoff:
        raise ValidationError({"due": _("上报期限不能早于统计截止日期。")})
    own_due, _current = selectors.submission_deadlines(organisation, attachment=attachment, year=year, cutoff=cutoff)
    if organisation.parent_id and own_due is not None and due > own_due:
        raise ValidationError(
            {"due": _("下级的上报期限不能晚于本单位自己的上报期限（%(date)s）。") % {"date": own_due.isoformat()}}
        )
    deadline = (
        ReturnDeadline.objects.select_for_update()
        .filter(organisation=organisation, attachment=attachment, year=year, cutoff=cutoff)
        .first()
    ) or ReturnDeadline(organisation=organisation, attachment=attachment, year=year, cutoff=cutoff)
    deadline.due = due
    deadline.full_clean(validate_constraints=False)
    set_change_reason(deadline, user=acting_user, reason=reason)
    deadline.save()
    return deadline
