"""Reads of persons and household files, always scoped to the user's subtree."""

from django.core.exceptions import ObjectDoesNotExist

from beneficiaries.filtersets import HouseholdFilterSet, PersonFilterSet
from beneficiaries.models import Household, Person
from casework.scoping import scoped


def persons_for(user, filters=None):
    """The persons the user may see (their unit's subtree), narrowed by ``PersonFilterSet`` ``filters``."""
    qs = scoped(Person.objects.select_related("organisation", "household"), user)
    return PersonFilterSet(filters, queryset=qs).qs if filters else qs


def households_for(user, filters=None):
    """The household files the user may see, narrowed by ``HouseholdFilterSet`` ``filters``."""
    qs = scoped(Household.objects.select_related("organisation"), user)
    return HouseholdFilterSet(filters, queryset=qs).qs if filters else qs


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
        return dict(field.flatchoices).get(value, value)
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
        yield {"row": row, "label": getattr(row, "name", None) or getattr(row, "file_no", ""), "changes": changes}


def household_changes(household):
    """Every change to the file and to its members, newest first: who, when, why, which field from what to what."""
    order = ("history_date", "history_id")
    file_rows = household.history.order_by(*order)
    member_ids = Person.history.filter(household_id=household.pk).values("id").distinct()
    member_rows = Person.history.filter(id__in=member_ids).order_by(*order)
    entries = [*_changes(Household, file_rows), *_changes(Person, member_rows)]
    return sorted(entries, key=lambda e: (e["row"].history_date, e["row"].history_id), reverse=True)
