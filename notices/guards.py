"""公示 before a first grant: the guard rule of ``returns.md``, written once, checked on batches.

A person's first aid grant (their earliest across all units, so a grant dated
before all their existing grants is first too) needs a published notice listing
that person whose period ended before the grant date (``ends_on < granted_on``)
with no upheld objection against that person on that notice. An upheld
objection blocks only the person it names.

The batch may be unsaved grants of persons created in the same batch (the
bundle importer): persons are read from ``grant.person``; one without a primary
key has no grant and no notice in the database yet.
"""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Exists, Min, OuterRef
from django.utils.translation import gettext_lazy as _

from aid.models import AidGrant
from beneficiaries.guards import related_objects
from beneficiaries.models import is_future
from casework.guards import guard
from casework.scoping import scoped
from notices import selectors
from notices.choices import NoticeStatus
from notices.models import Notice, NoticeEntry, Objection


def _person(grant):
    """The grant's person object (possibly unsaved), or ``None`` when none is set."""
    field = AidGrant._meta.get_field("person")
    person = field.get_cached_value(grant, None)
    if person is None and grant.person_id is not None:
        person = grant.person
    return person


@guard(AidGrant)
def first_grant_needs_notice(grants):
    """Refuse a person's first grant unless a clean notice listing them ended before its date."""
    rows = []
    for index, grant in enumerate(grants):
        person = _person(grant)
        if person is not None and grant.granted_on is not None:
            # A person is keyed by pk once saved, by object identity while still unsaved.
            rows.append((index, grant, person.pk or ("new", id(person))))
    if not rows:
        return
    saved = {key for _i, _g, key in rows if not isinstance(key, tuple)}

    # The earliest other grant of each person: in the database (less the grants this batch
    # saves or replaces) and in the batch itself.
    batch_pks = [g.pk for _i, g, _k in rows if g.pk]
    batch_refs = [g.ref for _i, g, _k in rows if g.ref]
    earliest_db = dict(
        AidGrant.objects.filter(person_id__in=saved)
        .exclude(pk__in=batch_pks)
        .exclude(ref__in=batch_refs)
        .values("person_id")
        .annotate(first=Min("granted_on"))
        .values_list("person_id", "first")
    )
    batch_dates = defaultdict(list)
    for index, grant, key in rows:
        batch_dates[key].append((grant.granted_on, index))

    def is_first(index, grant, key):
        earlier_db = earliest_db.get(key)
        if earlier_db is not None and earlier_db < grant.granted_on:
            return False
        return not any(day < grant.granted_on for day, other in batch_dates[key] if other != index)

    firsts = [(index, grant, key) for index, grant, key in rows if is_first(index, grant, key)]
    if not firsts:
        return

    # Every published notice listing these persons, with whether an objection against the person was upheld.
    listings = defaultdict(list)
    entries = (
        NoticeEntry.objects.filter(person_id__in={k for _i, _g, k in firsts if k in saved})
        .filter(notice__status=NoticeStatus.PUBLISHED)
        .annotate(
            objection_upheld=Exists(
                Objection.objects.filter(notice=OuterRef("notice"), person=OuterRef("person"), upheld=True)
            )
        )
        .values_list("person_id", "notice_id", "notice__starts_on", "notice__ends_on", "struck_off", "objection_upheld")
    )
    for person_id, notice_id, starts_on, ends_on, struck_off, upheld in entries:
        listings[person_id].append((Notice.short_number(notice_id, starts_on), ends_on, struck_off or upheld))

    for index, grant, key in firsts:
        found = listings.get(key, [])
        clean = [(number, ends_on) for number, ends_on, blocked in found if not blocked]
        if any(ends_on < grant.granted_on for _number, ends_on in clean):
            continue
        if clean:
            number, ends_on = max(clean, key=lambda c: c[1])
            message = _(
                "首次发放助学款须在公示期结束之后：公示 %(number)s 至 %(ends_on)s 结束，发放日期须晚于该日。"
            ) % {"number": number, "ends_on": ends_on.isoformat()}
        elif found:
            message = _("该学生在公示中被提出的异议经核实成立，不能发放助学款。")
        else:
            message = _("首次发放助学款前须经公示：该学生未列入任何已发布的公示。")
        yield index, "person", message


NOT_LISTED = _("该人员不在本公示名单中。")
CENTS = Decimal("0.01")
CHUNK = 5000


@guard(Objection)
def objection_fits_its_notice(objections):
    """An objection names a person on the notice's list, raised on a published notice, not before the
    period starts, and decided no earlier than raised.

    The list is read from the database (entries are written before their objections,
    on every route); one query per few thousand objections.
    """
    notices = related_objects(objections, "notice")
    persons = related_objects(objections, "person")
    wanted = [(n.pk, p.pk) for n, p in zip(notices, persons, strict=True) if n is not None and p is not None]
    listed = set()
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start : start + CHUNK]
        listed.update(
            NoticeEntry.objects.filter(
                notice_id__in={n for n, _p in part}, person_id__in={p for _n, p in part}
            ).values_list("notice_id", "person_id")
        )
    for index, objection in enumerate(objections):
        notice, person = notices[index], persons[index]
        if notice is None:
            continue
        if objection.pk is None and notice.status != NoticeStatus.PUBLISHED:
            yield index, "notice", _("只能对已发布的公示提出异议。")
            continue
        if person is None or (notice.pk, person.pk) not in listed:
            yield index, "person", NOT_LISTED
        raised_on = objection.raised_on
        if raised_on and notice.starts_on and raised_on < notice.starts_on:
            yield index, "raised_on", _("异议提出日期不能早于公示开始日期。")
        if raised_on and objection.decided_on and objection.decided_on < raised_on:
            yield index, "decided_on", _("处理日期不能早于异议提出日期。")


# --- 公示 before 建档: the household workflow's notice step and filing (beneficiaries.services) ---------


def household_notice_starts(household, ref, acting_user):
    """The start of the published notice ``ref`` that lists a member of ``household`` (the notice step's date).

    A notice outside the user's subtree answers like an unknown one.
    """
    notice = scoped(Notice.objects.all(), acting_user).filter(ref=ref).first()
    if notice is None:
        raise ValidationError({"notice": _("没有编号为 %(ref)s 的公示。") % {"ref": ref}})
    # Named by its short number from here on (the ref is the interchange key, not what people read).
    number = notice.number
    if notice.status != NoticeStatus.PUBLISHED:
        raise ValidationError({"notice": _("公示 %(number)s 尚未发布或已撤回。") % {"number": number}})
    if not NoticeEntry.objects.filter(notice=notice, person__household=household).exists():
        raise ValidationError({"notice": _("公示 %(number)s 的名单中没有本户成员。") % {"number": number}})
    if is_future(notice.starts_on):
        raise ValidationError(
            {
                "notice": _("公示 %(number)s 于 %(day)s 开始，开始后才能登记。")
                % {"number": number, "day": notice.starts_on}
            }
        )
    return notice.starts_on


def household_filing_problem(household, day):
    """Why ``household`` may not go on file on ``day``, or ``None``: its notice (``notice_ref``) must still be
    published, must have ended before ``day``, and no objection against a member it lists may be upheld or
    still undecided."""
    notice = Notice.objects.filter(ref=household.notice_ref).first()
    number = notice.number if notice is not None else household.notice_ref
    if notice is None or notice.status != NoticeStatus.PUBLISHED:
        return _("公示 %(number)s 已撤回或不存在，须重新公示后才能建档。") % {"number": number}
    if notice.ends_on >= day:
        return _("建档须在公示期结束之后：公示 %(number)s 至 %(ends_on)s 结束，建档日期须晚于该日。") % {
            "number": number,
            "ends_on": notice.ends_on.isoformat(),
        }
    objections = Objection.objects.filter(notice=notice, person__household=household).select_related("person")
    upheld = objections.filter(upheld=True).first()
    if upheld is not None:
        return _("公示 %(number)s 中对%(name)s的异议经核实成立，不能建档。") % {
            "number": number,
            "name": upheld.person.name,
        }
    pending = objections.filter(upheld__isnull=True).first()
    if pending is not None:
        return _("公示 %(number)s 中对%(name)s的异议尚未处理，不能建档。") % {
            "number": number,
            "name": pending.person.name,
        }
    if NoticeEntry.objects.filter(notice=notice, person__household=household, struck_off=True).exists():
        return _("公示 %(number)s 中本户成员已因异议成立被除名，不能建档。") % {"number": number}
    return None


@guard(AidGrant)
def grant_at_published_standard(grants):
    """A grant is paid at the assistance standard its notice published (``selectors.standard_on``); another
    amount needs a reason (``amount_reason``), on every route. One query per few thousand grants."""
    rows = []
    for index, grant in enumerate(grants):
        person = _person(grant)
        if person is not None and person.pk and grant.granted_on is not None and grant.amount not in (None, ""):
            rows.append((index, grant, person.pk))
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        days = [grant.granted_on for _i, grant, _p in part]
        standards = selectors.published_standards({p for _i, _g, p in part}, min(days), max(days))
        for index, grant, person_id in part:
            found = selectors.standard_on(standards.get(person_id), grant.granted_on)
            if found is None or (grant.amount_reason or "").strip():
                continue
            try:
                amount = Decimal(str(grant.amount)).quantize(CENTS)
            except InvalidOperation:
                continue  # not an amount: the field's own validation says so
            if amount > 0 and amount != found[0]:  # a non-positive amount is ``amount_is_positive``'s to refuse
                yield (
                    index,
                    "amount",
                    _("金额 %(amount)s 元与公示 %(number)s 的帮扶标准 %(standard)s 元不同，须填写金额调整原因。")
                    % {"amount": amount, "number": found[1], "standard": found[0].quantize(CENTS)},
                )
