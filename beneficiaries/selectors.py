"""Reads of persons and household files, always scoped to the user's subtree."""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.choices import Relationship
from beneficiaries.filtersets import HouseholdFilterSet, PersonFilterSet
from beneficiaries.models import AnnualReview, Household, Person, on_file_q
from casework.display import choice_label
from casework.scoping import scoped
from casework.selectors import PICKER_LIMIT


def persons_for(user, filters=None):
    """The persons the user may see (their unit's subtree), narrowed by ``PersonFilterSet`` ``filters``."""
    qs = scoped(Person.objects.select_related("organisation", "household"), user)
    return PersonFilterSet(filters, queryset=qs, user=user).qs if filters else qs


def households_for(user, filters=None):
    """The household files the user may see, narrowed by ``HouseholdFilterSet`` ``filters``."""
    qs = scoped(Household.objects.select_related("organisation"), user)
    return HouseholdFilterSet(filters, queryset=qs, user=user).qs if filters else qs


def annual_reviews_due(user, today=None):
    """The files due for this year's annual review (年度核实), oldest filing first: the one rule of "due".

    A file is due in year Y when it is on file today, was put on file before 1 January of Y, and has no
    review dated in Y. A file put on file this year has just been checked by its own workflow (review,
    notice, filing), so its first annual review falls due next year; a file filed on 28 December is due
    in January, as a caseworker working by calendar year expects.
    """
    today = today or timezone.localdate()
    reviewed = AnnualReview.objects.filter(household=OuterRef("pk"), reviewed_on__year=today.year)
    return (
        scoped(Household.objects.select_related("organisation"), user)
        .filter(on_file_q(today), filed_on__lt=datetime.date(today.year, 1, 1))
        .exclude(Exists(reviewed))
        .order_by("filed_on", "file_no")
    )


# Encrypted columns are shown as one masked line; what the ID number tells is left out.
SECRET_FIELDS = Person.secret_fields


def _shown(row, field, value):
    """A value as a person reads it: a related record by its name, a choice by its label."""
    if value is None:
        return None
    if field.is_relation:
        try:
            return getattr(row, field.name)
        except ObjectDoesNotExist:
            return f"#{value}"  # history keeps no foreign keys: the record may be gone
    if field.choices:
        return choice_label(field, value)
    return value


def _changes(model, rows):
    """``{row, changes}`` for each history row, comparing it with the row before it (same object).

    Every tracked field counts, the non-editable ones too (the encrypted ID number,
    the file's workflow users), which simple-history's ``diff_against`` leaves out.
    """
    previous = {}
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for row in rows:
        before = previous.get(row.id)
        changes = []
        if before is not None:
            for field in fields:
                old, new = getattr(before, field.attname), getattr(row, field.attname)
                if old == new:
                    continue
                if field.name in SECRET_FIELDS:
                    if SECRET_FIELDS[field.name]:
                        changes.append((SECRET_FIELDS[field.name], "***", "***"))
                else:
                    changes.append((field.verbose_name, _shown(before, field, old), _shown(row, field, new)))
        previous[row.id] = row
        label = getattr(row, "name", None) or getattr(row, "file_no", "")
        yield {"row": row, "before": before, "label": label, "changes": changes}


def _while_member(entries, household, user):
    """The members' entries of their time in ``household``: what they did in another file is not this file's.

    A member's arrival and departure show as the one change of file; the other
    file is named only when it lies in the user's subtree.
    """
    other_ids = set()
    kept = []
    for entry in entries:
        before, row = entry["before"], entry["row"]
        inside = row.household_id == household.pk
        was_inside = before is not None and before.household_id == household.pk
        if not (inside or was_inside):
            continue
        if before is not None and inside != was_inside:
            other = before.household_id if inside else row.household_id
            if other is not None:
                other_ids.add(other)
            entry = {**entry, "move": (before.household_id, row.household_id)}
        kept.append(entry)
    visible = dict(scoped(Household.objects.filter(pk__in=other_ids), user).values_list("pk", "file_no"))
    label = Person._meta.get_field("household").verbose_name

    def file_name(pk):
        if pk is None:
            return None
        return household.file_no if pk == household.pk else visible.get(pk, _("其他单位的档案"))

    for entry in kept:
        if "move" in entry:
            old, new = entry.pop("move")
            entry["changes"] = [(label, file_name(old), file_name(new))]
    return kept


def household_changes(household, user):
    """Every change to the file and to its members while they were members, newest first.

    Who, when, why, which field from what to what; ``user`` decides whether the
    file a member came from or went to is named.
    """
    order = ("history_date", "history_id")
    file_rows = household.history.order_by(*order)
    member_ids = Person.history.filter(household_id=household.pk).values("id").distinct()
    member_rows = Person.history.filter(id__in=member_ids).order_by(*order)
    members = _while_member(list(_changes(Person, member_rows)), household, user)
    entries = [*_changes(Household, file_rows), *members]
    return sorted(entries, key=lambda e: (e["row"].history_date, e["row"].history_id), reverse=True)


def with_head_name(households):
    """``households`` with ``head_name``: the name of the member recorded as 户主 (the first, if several)."""
    heads = Person.objects.filter(household=OuterRef("pk"), relationship=Relationship.HEAD).order_by("id")
    return households.annotate(head_name=Subquery(heads.values("name")[:1]))


def household_label(household):
    """How a file is named where one is chosen: its number and its head (豫0101-000123 张三户)."""
    head = getattr(household, "head_name", None)
    if head is None and not hasattr(household, "head_name"):
        head = household.members.filter(relationship=Relationship.HEAD).order_by("id").values_list("name", flat=True)
        head = head.first()
    return _("%(file_no)s %(head)s户") % {"file_no": household.file_no, "head": head} if head else household.file_no


def households_matching(households, q, *, limit=PICKER_LIMIT):
    """Files of ``households`` whose number contains ``q`` or whose head's name contains it, at most ``limit``:
    the exact file number first, then by file number, each with ``head_name``."""
    q = (q or "").strip()
    if not q:
        return households.none()
    heads = Person.objects.filter(relationship=Relationship.HEAD, name__icontains=q).values("household_id")
    found = households.filter(Q(file_no__icontains=q) | Q(pk__in=heads))
    exact = list(with_head_name(found.filter(file_no=q)))
    rest = with_head_name(found.exclude(file_no=q)).order_by("file_no")[: limit - len(exact)]
    return exact + list(rest)
