"""Writes of roster imports: upload, column mapping, dry run, import.

A roster is turned into a case bundle (``rosters.conversion``) and handed to
the bundle importer, first as a dry run (nothing written) and, once the user
confirms, for real, all-or-nothing. The importer is the one code path for the
rules; its refusals come back as cells of the user's spreadsheet.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.scoping import within_scope
from casework.services import model_save, model_update
from rosters import conversion, parsing, selectors
from rosters.models import RUNNING, RosterImport, Status
from rosters.templates import KINDS

PROGRESS_EVERY = 1000


def _importer():
    # Imported late: the bundle importer walks every app, rosters sits above them all.
    from casework.bundle.importer import import_bundle

    return import_bundle


def apply_bundle(bundle, *, acting_user, reason, dry_run):
    """Run the bundle importer; ``[(path, message)]`` of its refusals (empty when accepted)."""
    result = _importer()(bundle, acting_user=acting_user, reason=reason, dry_run=dry_run)
    return [(str(path), str(message)) for path, message in getattr(result, "errors", result) or []]


def _layouts(sheets, kind, mapping):
    layouts, skipped = parsing.layouts(sheets, kind, mapping)
    if not layouts:
        headers = "、".join(str(c.header) for s in kind.sections for c in s.columns if c.required)
        raise ValidationError(
            _("文件中没有找到“%(kind)s”的表头；请使用下载的模板，或确认表头包含：%(headers)s。")
            % {"kind": kind.label, "headers": headers}
        )
    return layouts, skipped


def _read(content, file_name, head=None):
    try:
        return parsing.read(content, file_name, head=head)
    except parsing.UnreadableFile as error:
        raise ValidationError(str(error)) from None


def _stored(roster_import):
    if roster_import.file_purged_at:
        raise ValidationError(_("该文件已超过保留期限并被删除，请重新上传。"))
    return roster_import.content


def unknown_headers(roster_import):
    """``[(sheet name, header, section)]`` of the columns whose header names no field (for the mapping form)."""
    kind = KINDS[roster_import.kind]
    sheets = _read(_stored(roster_import), roster_import.file_name, head=parsing.HEADER_SEARCH_ROWS + 2)
    layouts, _skipped = _layouts(sheets, kind, roster_import.mapping)
    return [(lay.sheet.name, lay.headers[i], lay.section) for lay in layouts for i in lay.unknown]


@transaction.atomic
def roster_upload(*, acting_user, organisation, kind, file_name, content):
    """Record an uploaded roster; it waits for column mapping when some headers are unknown.

    Raises ``ValidationError`` when the file cannot be read or holds no sheet of this kind.
    """
    # No acting user: the command line run by the operator, for any unit.
    if acting_user is not None and not within_scope(acting_user, organisation):
        raise PermissionDenied(_("只能为本单位及下级单位导入花名册。"))
    if kind not in KINDS:
        raise ValidationError({"kind": _("未知的花名册类型。")})
    if len(content) > settings.ROSTER_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件不能超过 %(limit)s MB。") % {"limit": settings.ROSTER_UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    layouts, _skipped = _layouts(_read(content, file_name, head=parsing.HEADER_SEARCH_ROWS + 2), KINDS[kind], {})
    # An estimate for the progress bar (blank rows included), 0 when a sheet does not state
    # its size; the check counts exactly.
    sizes = [layout.sheet.size for layout in layouts]
    total = 0 if None in sizes else sum(max(0, s - lay.header_row - 1) for s, lay in zip(sizes, layouts, strict=True))
    roster_import = RosterImport(
        user=acting_user,
        organisation=organisation,
        kind=kind,
        file_name=file_name.rsplit("/", 1)[-1][:255],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        total_rows=total,
        status=Status.MAPPING if any(layout.unknown for layout in layouts) else Status.CHECK_QUEUED,
    )
    return model_save(roster_import, acting_user=acting_user, reason=roster_import.reason)


@transaction.atomic
def roster_map_columns(roster_import, *, acting_user, mapping):
    """Record which field each unknown header stands for (``{"sheet\\theader": field or ""}``), then queue the check."""
    if roster_import.status not in (Status.MAPPING, Status.REFUSED, Status.CHECKED):
        raise ValidationError(_("该导入当前不能修改列对应。"))
    data = {"mapping": {**roster_import.mapping, **mapping}, "status": Status.CHECK_QUEUED, "report": {}}
    return model_update(roster_import, acting_user=acting_user, reason=roster_import.reason, data=data)[0]


def _set_status(roster_import, status, **data):
    data["status"] = status
    if status in (Status.CHECKED, Status.REFUSED, Status.IMPORTED, Status.FAILED):
        data["finished_at"] = timezone.now()
    return model_update(roster_import, acting_user=roster_import.user, reason=roster_import.reason, data=data)[0]


def _progress(roster_import):
    def report(done):
        # A bare counter, left out of the history: one statement, no history row.
        RosterImport.objects.filter(pk=roster_import.pk).update(done_rows=done)

    return report


def analyse(roster_import, *, progress=None):
    """Read the stored file and build its bundle: ``(conversion, layouts, skipped sheets, hidden)``.

    Problems found here are the reader's (unreadable cells, missing columns, units
    outside the user's subtree); the rules are left to the bundle importer.
    """
    kind = KINDS[roster_import.kind]
    sheets = _read(_stored(roster_import), roster_import.file_name)
    layouts, skipped = _layouts(sheets, kind, roster_import.mapping)
    numbers = conversion.identities(layouts)
    ctx = conversion.Context(
        org_code=roster_import.organisation.code,
        persons=selectors.persons_on_record(roster_import.user, numbers),
        schooling=selectors.schooling_on_record(roster_import.user, numbers),
        stored=lambda name, records: selectors.records_on_record(roster_import.user, name, records),
        transfer_sources=lambda written: selectors.transfer_source_codes(roster_import.user, written),
    )
    conv = conversion.convert(layouts, ctx, progress=progress, every=PROGRESS_EVERY)
    _check_units(conv, roster_import.user)
    return conv, layouts, skipped, parsing.hidden(sheets, layouts)


def _check_units(conv, user):
    codes = {r["org"] for records in conv.bundle.values() if isinstance(records, list) for r in records if "org" in r}
    outside = codes - selectors.allowed_org_codes(user, codes)
    if not outside:
        return
    for (name, index), origin in conv.origins.items():
        record = conv.bundle[name][index]
        if record.get("org") in outside:
            header, letter = origin.cell("org")
            conv.problems.append(
                conversion.Problem(
                    origin.layout.sheet.name,
                    origin.row,
                    header,
                    letter,
                    _("单位“%(code)s”不存在或不在您的管辖范围内。") % {"code": record["org"]},
                )
            )


def _report(conv, layouts, skipped, hidden, problems):
    counts = {k: len(v) for k, v in conv.bundle.items() if isinstance(v, list) and v}
    return {
        "rows": conv.rows,
        "counts": counts,
        "sheets": [
            {
                "name": lay.sheet.name,
                "section": str(lay.section.title),
                "header_row": lay.header_row + 1,
                "columns": {f: lay.headers[i] for f, i in lay.columns.items()},
            }
            for lay in layouts
        ],
        "skipped": skipped,
        "hidden": hidden,
        "problems": [p.as_dict() for p in problems],
    }


def _run(roster_import, *, dry_run):
    conv, layouts, skipped, hidden = analyse(roster_import, progress=_progress(roster_import))
    RosterImport.objects.filter(pk=roster_import.pk).update(done_rows=conv.rows)
    # Saved with the status below: the count is now exact, no longer the upload's estimate.
    roster_import.done_rows = roster_import.total_rows = conv.rows
    problems = list(conv.problems)
    if not problems or dry_run:
        # Even with unreadable cells, a dry run collects every refusal of the rest in one report.
        refusals = apply_bundle(
            conv.bundle, acting_user=roster_import.user, reason=roster_import.reason, dry_run=dry_run or bool(problems)
        )
        problems = conversion.merge_refusals(conv, refusals)
    return _report(conv, layouts, skipped, hidden, problems), problems


def roster_check(roster_import, *, acting_user=None):
    """The dry run: read, convert and let the importer judge every record, writing none of them."""
    roster_import = RosterImport.objects.get(pk=roster_import.pk)
    roster_import = _set_status(roster_import, Status.CHECKING)
    report, problems = _guarded_run(roster_import, dry_run=True, failed=Status.REFUSED)
    return _set_status(roster_import, Status.REFUSED if problems else Status.CHECKED, report=report)


@transaction.atomic
def roster_confirm(roster_import, *, acting_user):
    """The user's go-ahead after a clean dry run; the import itself runs in the background."""
    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.status != Status.CHECKED:
        raise ValidationError(_("只有检查通过的花名册才能导入。"))
    return model_update(
        roster_import, acting_user=acting_user, reason=roster_import.reason, data={"status": Status.IMPORT_QUEUED}
    )[0]


def roster_import_run(roster_import, *, acting_user=None):
    """The import: the same conversion, then the importer for real, all-or-nothing.

    Records changed since the dry run may still be refused; then nothing is written
    and the report says why.
    """
    roster_import = RosterImport.objects.get(pk=roster_import.pk)
    roster_import = _set_status(roster_import, Status.IMPORTING, done_rows=0)
    report, problems = _guarded_run(roster_import, dry_run=False, failed=Status.FAILED)
    return _set_status(roster_import, Status.FAILED if problems else Status.IMPORTED, report=report)


def _guarded_run(roster_import, *, dry_run, failed):
    try:
        return _run(roster_import, dry_run=dry_run)
    except ValidationError as error:
        report = {"problems": [_problem(error)]}
        return report, report["problems"]
    except Exception:
        # Not left "running" for ever: the page says it failed, the task's own record keeps the traceback.
        _set_status(
            roster_import,
            failed,
            report={
                "problems": [
                    conversion.Problem(None, None, None, None, _("处理时发生内部错误，未导入任何数据。")).as_dict()
                ]
            },
        )
        raise


def purge_files(*, dry_run=False, now=None):
    """Delete the stored files of imports older than ``ROSTER_FILE_RETENTION_DAYS``; the records and reports stay.

    Imports still running keep their file. Returns the imports purged (or, with ``dry_run``, to be purged).
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.ROSTER_FILE_RETENTION_DAYS)
    due = list(
        RosterImport.objects.filter(created_at__lt=cutoff, file_purged_at__isnull=True)
        .exclude(status__in=RUNNING)
        .defer("content_encrypted")
        .order_by("pk")
    )
    if dry_run:
        return due
    for roster_import in due:
        with transaction.atomic():
            model_update(
                roster_import,
                acting_user=None,
                reason=_("花名册文件超过保留期限（%(days)s天），已删除")
                % {"days": settings.ROSTER_FILE_RETENTION_DAYS},
                data={"content_encrypted": "", "file_purged_at": timezone.now()},
            )
    return due


def _problem(error):
    return conversion.Problem(None, None, None, None, "；".join(error.messages)).as_dict()
