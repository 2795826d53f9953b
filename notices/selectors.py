"""Reads of public notices (公示), always scoped to the user's subtree.

Who may be put on a notice is defined here once (:func:`candidates`), and both
the build form and :func:`notices.services.notice_build` use it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Subquery, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from aid.models import AidGrant
from beneficiaries.choices import STAGE_GROUPS
from beneficiaries.models import Person, Schooling, advance_date, on_file_q
from casework import guards
from casework.scoping import require_within_scope, scoped
from notices.choices import NoticeKind, NoticeStatus
from notices.filtersets import NoticeFilterSet
from notices.models import Notice, NoticeEntry, Objection


def recent_days():
    """How far back a household file counts as new (reviewed or filed), in days; ``NOTICES_RECENT_DAYS``."""
    return getattr(settings, "NOTICES_RECENT_DAYS", 180)


def period_days():
    """The default length of a notice period in days (公示期), ``NOTICES_PERIOD_DAYS``; 7 unless configured."""
    return getattr(settings, "NOTICES_PERIOD_DAYS", 7)


def notices_for(user, filters=None):
    """Notices of the user's subtree, with entry counts, narrowed by :class:`NoticeFilterSet`."""
    qs = scoped(Notice.objects.select_related("organisation", "replaces").defer("photo_content"), user).annotate(
        entry_count=Count("entries", filter=Q(entries__struck_off=False), distinct=True),
        objection_count=Count("objections", distinct=True),
    )
    return NoticeFilterSet(filters, queryset=qs, user=user).qs if filters else qs


def notices_running(user, day=None):
    """Published notices whose period includes ``day`` (today by default)."""
    day = day or timezone.localdate()
    return notices_for(user).filter(status=NoticeStatus.PUBLISHED, starts_on__lte=day, ends_on__gte=day)


def notices_ended(user, day=None):
    """Published notices whose period ended before ``day`` (today by default)."""
    day = day or timezone.localdate()
    return notices_for(user).filter(status=NoticeStatus.PUBLISHED, ends_on__lt=day)


def listed_q(exclude_notice=None):
    """Persons standing on a published notice (not struck off); a notice being replaced does not count."""
    entries = NoticeEntry.objects.filter(person=OuterRef("pk"), notice__status=NoticeStatus.PUBLISHED, struck_off=False)
    if exclude_notice is not None:
        entries = entries.exclude(notice=exclude_notice)
    return Exists(entries)


def schooling_in_force(person, day):
    """The schooling records of ``person`` (a pk or an ``OuterRef``) in force on ``day`` (a date or an
    ``OuterRef``), the one in force first: the latest advance date (``beneficiaries.models.advance_date``)
    on or before the day, ties by the later ``entered_on``, then the later record (``returns.md``, as
    ``stats.definitions.schooling_in_force`` and the grant guard ``aid.guards.grant_needs_schooling``)."""
    return (
        Schooling.objects.annotate(advanced_on=advance_date())
        .filter(person_id=person, advanced_on__lte=day)
        .order_by("-advanced_on", "-entered_on", "-id")
    )


def in_force_in_q(stages, day):
    """The person (the outer row) has a schooling record in force on ``day`` of one of ``stages``.

    The same record :func:`schooling_in_force` puts first, written as a condition on each record rather
    than an ordered subquery per person: a record on or before the day that no other record of the person
    on or before the day follows (by advance date, then ``entered_on``, then id). The database joins it
    as a whole, with the stage compared on the record itself.
    """
    dated = Schooling.objects.annotate(advanced_on=advance_date()).filter(advanced_on__lte=day)
    later = dated.filter(person_id=OuterRef("person_id")).filter(
        Q(advanced_on__gt=OuterRef("advanced_on"))
        | Q(advanced_on=OuterRef("advanced_on"), entered_on__gt=OuterRef("entered_on"))
        | Q(advanced_on=OuterRef("advanced_on"), entered_on=OuterRef("entered_on"), id__gt=OuterRef("id"))
    )
    return Exists(
        dated.filter(person_id=OuterRef("pk"), stage__in=[str(stage) for stage in stages]).exclude(Exists(later))
    )


def file_open_q(day, prefix="household__"):
    """The household is on file on ``day`` or in the review and notice workflow (已审核, 公示中): the files
    whose children may be put on a notice. An application not yet reviewed (or returned) is not."""
    in_workflow = Q(
        **{f"{prefix}reviewed_on__isnull": False, f"{prefix}filed_on__isnull": True, f"{prefix}closed_on__isnull": True}
    )
    return on_file_q(day, prefix) | in_workflow


def first_aid_q(day):
    """A first-time student-aid recipient on ``day``: a school child (a schooling record in force) of a file on
    file or in the workflow, who has no aid grant yet. Written as (NOT) EXISTS so the database joins once."""
    return (
        file_open_q(day)
        & Exists(schooling_in_force(OuterRef("pk"), day))
        & ~Exists(AidGrant.objects.filter(person=OuterRef("pk")))
    )


def new_household_q(since):
    """A member of a new household file: reviewed, or filed, on or after ``since``, and not closed."""
    return Q(household__reviewed_on__isnull=False, household__closed_on__isnull=True) & (
        Q(household__reviewed_on__gte=since) | Q(household__filed_on__gte=since)
    )


def candidates(organisation, *, day=None, since=None, exclude_notice=None, kind=None):
    """Persons of ``organisation``'s subtree who may be put on a notice on ``day``.

    Two kinds of newly assisted persons qualify, if they are not yet on a published
    notice: members of a new household file (:func:`new_household_q`, reviewed or filed
    since ``since`` — ``NOTICES_RECENT_DAYS`` ago by default — and not closed), and
    first-time student-aid recipients (:func:`first_aid_q`: school children with a
    schooling record in force, of a file on file or in the workflow, without an aid
    grant). ``kind`` narrows the list to what a notice of that kind lists (a 金秋助学
    notice its students, a 困难职工帮扶 notice the members of new files); without it both
    qualify, each row carrying ``new_household`` and ``first_aid`` to say why.
    """
    day = day or timezone.localdate()
    since = since or day - datetime.timedelta(days=recent_days())
    new_household, first_aid = new_household_q(since), first_aid_q(day)
    people = (
        Person.objects.filter(organisation__path__startswith=organisation.path, household__isnull=False)
        .filter(~listed_q(exclude_notice))
        .select_related("household")
        .order_by("household__file_no", "id")
    )
    if kind == NoticeKind.STUDENT_AID:
        return people.filter(first_aid)
    if kind == NoticeKind.HARDSHIP:
        return people.filter(new_household)
    return people.filter(new_household | first_aid).annotate(
        # CASE, not the bare condition: a NULL date would make the flag NULL instead of false.
        new_household=Case(When(new_household, then=True), default=False, output_field=BooleanField()),
        first_aid=Case(When(first_aid, then=True), default=False, output_field=BooleanField()),
    )


def candidates_for(user, organisation, **kwargs):
    """:func:`candidates` for a unit within the user's scope."""
    require_within_scope(user, organisation)
    return candidates(organisation, **kwargs)


def with_schooling(people, day):
    """``people`` with the ``school`` and ``stage`` of each one's schooling record in force on ``day``.

    Columns of the output only: on a page, the database computes them for the page's rows.
    """
    in_force = schooling_in_force(OuterRef("pk"), day)
    return people.annotate(school=Subquery(in_force.values("school")[:1]), stage=Subquery(in_force.values("stage")[:1]))


def builder_list(user, organisation, *, kind, day=None, name="", file_no="", stage_group="", exclude_notice=None):
    """The notice builder's list: :func:`candidates` of ``kind`` for a unit of the user's scope, with each
    person's school and stage in force, narrowed by name (contains), file number (contains) and stage
    group. One query for a page and one database count, whatever the size of the unit."""
    day = day or timezone.localdate()
    people = candidates_for(user, organisation, day=day, kind=kind, exclude_notice=exclude_notice)
    if name:
        people = people.filter(name__contains=name)
    if file_no:
        people = people.filter(household__file_no__icontains=file_no)
    if stage_group:
        people = people.filter(in_force_in_q(STAGE_GROUPS.get(stage_group, ()), day))
    return with_schooling(people, day)


def notice_entries(notice):
    """Every entry of a notice (struck off ones too), in list order."""
    return notice.entries.select_related("person").order_by("id")


def notice_listed_entries(notice):
    """The entries the printed list shows: the upheld objections took the others off."""
    return notice_entries(notice).filter(struck_off=False)


def notice_photo(user, pk):
    """The notice ``pk`` of the user's subtree with a photo attached (with its bytes), or ``None``."""
    return scoped(Notice.objects.exclude(photo_name=""), user).filter(pk=pk).first()


def notice_print_entries(notice):
    """The listed entries with each person's ``school`` and ``stage`` in force on the notice's first day.

    A schooling record is in force from its advance date (``returns.md``): the latest on or
    before the day wins, ties by the later ``entered_on``, then the later record (as
    ``stats.definitions.schooling_in_force``).
    """
    in_force = schooling_in_force(OuterRef("person_id"), notice.starts_on)
    return notice_listed_entries(notice).annotate(
        school=Subquery(in_force.values("school")[:1]), stage=Subquery(in_force.values("stage")[:1])
    )


def notice_totals(notice):
    """Number of listed persons and the sum of their assistance standards, counted by the database."""
    return notice.entries.filter(struck_off=False).aggregate(persons=Count("id"), amount=Sum("amount"))


def notice_objections(notice):
    return Objection.objects.filter(notice=notice).select_related("person", "decided_by").order_by("raised_on", "id")


def notice_versions(notice):
    """The chain of versions a notice belongs to (what it replaces and what replaced it), oldest first."""
    first = notice
    seen = {first.pk}
    while first.replaces_id and first.replaces_id not in seen:
        first = Notice.objects.select_related("replaces").get(pk=first.replaces_id)
        seen.add(first.pk)
    chain = [first]
    while True:
        following = Notice.objects.filter(replaces=chain[-1]).order_by("id").first()
        if following is None or following.pk in {n.pk for n in chain}:
            return chain
        chain.append(following)


# How long after its notice ended a grant is still paid at the standard the notice published.
STANDARD_VALID_DAYS = 365


def published_standards(person_ids, first_day, last_day=None):
    """``{person_id: [(ends_on, amount, notice number), …]}`` oldest first: the assistance standards published
    for these persons (entries not struck off, on published notices) that may set a grant's amount between
    ``first_day`` and ``last_day``. One query for the whole batch; :func:`standard_on` picks a day's."""
    last_day = last_day or first_day
    rows = (
        NoticeEntry.objects.filter(
            person_id__in=person_ids,
            struck_off=False,
            notice__status=NoticeStatus.PUBLISHED,
            notice__ends_on__lt=last_day,
            notice__ends_on__gte=first_day - datetime.timedelta(days=STANDARD_VALID_DAYS),
        )
        .order_by("notice__ends_on", "id")
        .values_list("person_id", "notice__ends_on", "amount", "notice_id", "notice__starts_on")
    )
    found = {}
    for person_id, ends_on, amount, notice_id, starts_on in rows:
        found.setdefault(person_id, []).append((ends_on, amount, Notice.short_number(notice_id, starts_on)))
    return found


def standard_on(standards, day):
    """``(amount, notice number)`` of a grant on ``day``, from one person's :func:`published_standards`: the notice
    that ended last before ``day``, within ``STANDARD_VALID_DAYS``; ``None`` when none sets it."""
    earliest = day - datetime.timedelta(days=STANDARD_VALID_DAYS)
    chosen = None
    for ends_on, amount, number in standards or ():
        if earliest <= ends_on < day:
            chosen = (amount, number)
    return chosen


def published_standard(person, day):
    """The standard published for ``person`` for a grant on ``day`` (``None`` when no notice sets one)."""
    if person is None or not person.pk:
        return None
    found = standard_on(published_standards([person.pk], day).get(person.pk), day)
    return found[0] if found else None


@dataclass
class PaymentPlan:
    """What paying a notice on a day would write: one unsaved grant per person still cleared (``grants``, each
    with its ``entry``), the persons left out with why (``skipped``: ``(entry, reason)``), and the total."""

    notice: Notice
    granted_on: datetime.date
    grants: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.grants)

    @property
    def total(self):
        return sum((grant.amount for grant in self.grants), Decimal("0.00"))


def payment_problem(notice, day):
    """Why ``notice`` cannot be paid on ``day`` as a batch, or ``None``."""
    if notice.kind != NoticeKind.STUDENT_AID:
        return _("只有金秋助学公示可以按公示标准发放助学款。")
    if notice.status != NoticeStatus.PUBLISHED:
        return _("只有已发布的公示可以发放。")
    if day <= notice.ends_on:
        return _("公示期结束后才能发放：公示 %(ref)s 至 %(ends_on)s 结束，发放日期须晚于该日。") % {
            "ref": notice.ref,
            "ends_on": notice.ends_on.isoformat(),
        }
    return None


def standing_objection_q():
    """A notice entry's person has an objection on that notice that was upheld or is still undecided."""
    objections = Objection.objects.filter(notice=OuterRef("notice"), person=OuterRef("person"))
    return Exists(objections.exclude(upheld=False))


def paid_for_notice_q():
    """A notice entry's person has been paid for that notice: an aid grant to them is dated after the notice's
    period ended. A grant can pay a notice only once its period is over, so an earlier grant (a previous
    school year's) does not count, and a later one counts in whichever year it was paid."""
    return Exists(AidGrant.objects.filter(person=OuterRef("person"), granted_on__gt=OuterRef("notice__ends_on")))


def awaiting_payment(entries):
    """The entries (of published 金秋助学 notices) whose person is cleared and not yet paid: not struck off, no
    objection upheld or undecided, not paid for the notice (:func:`paid_for_notice_q`). The one definition
    behind the home page's reminder and the payment batch."""
    return entries.filter(struck_off=False).exclude(standing_objection_q()).exclude(paid_for_notice_q())


def payment_plan(notice, *, granted_on, fund_source="", payment_method=""):
    """The grants a payment batch (发放) of ``notice`` on ``granted_on`` writes, at the published standards.

    Everyone still cleared on the notice and not yet paid for it is paid (:func:`awaiting_payment`). Each
    grant's unit is the household's (the notice's when the household lies outside it). Every guard rule on
    aid grants is run on the whole batch (a few queries): a person a rule refuses is left out with the
    rule's message. The writing service runs the rules again on each grant.
    """
    plan = PaymentPlan(notice=notice, granted_on=granted_on)
    entries = list(
        notice.entries.select_related("person__household__organisation")
        .annotate(objection_standing=standing_objection_q())
        .order_by("id")
    )
    payable = set(awaiting_payment(notice.entries.all()).values_list("id", flat=True))
    unsaved = []
    for entry in entries:
        if entry.pk not in payable:
            plan.skipped.append((entry, _why_not_payable(entry, notice)))
            continue
        household = entry.person.household
        unit = household.organisation if household is not None else notice.organisation
        if not unit.path.startswith(notice.organisation.path):
            unit = notice.organisation
        grant = AidGrant(
            person=entry.person,
            organisation=unit,
            granted_on=granted_on,
            amount=entry.amount,
            fund_source=fund_source,
            payment_method=payment_method,
        )
        grant.entry = entry
        unsaved.append(grant)
    problems = guards.check(AidGrant, unsaved)
    for index, grant in enumerate(unsaved):
        if index in problems:
            reasons = [message for messages in problems[index].values() for message in messages]
            plan.skipped.append((grant.entry, " ".join(reasons)))
        else:
            plan.grants.append(grant)
    plan.skipped.sort(key=lambda row: row[0].pk)
    return plan


def _why_not_payable(entry, notice):
    """Why :func:`awaiting_payment` leaves ``entry`` out (annotated by :func:`payment_plan`), for the payment page."""
    if entry.struck_off:
        return _("异议成立，已除名。")
    if entry.objection_standing:
        return _("有异议尚未处理或已成立。")
    return _("公示结束（%(ends_on)s）后已发放过助学款。") % {"ends_on": notice.ends_on.isoformat()}
