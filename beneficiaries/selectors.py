"""Reads of persons and household files, always scoped to the user's subtree."""

from django.utils.translation import gettext as _

from beneficiaries.filtersets import HouseholdFilterSet, PersonFilterSet
from beneficiaries.models import Household, Person
from casework.scoping import scoped


def persons_for(user, filters=None):
    qs = scoped(Person.objects.select_related("organisation", "household"), user)
    return PersonFilterSet(filters, queryset=qs).qs if filters else qs


def households_for(user, filters=None):
    qs = scoped(Household.objects.select_related("organisation"), user)
    return HouseholdFilterSet(filters, queryset=qs).qs if filters else qs


# Encrypted columns change whenever the value is re-encrypted; shown as one masked line instead.
SECRET_FIELDS = {"id_number_encrypted": _("身份证号码"), "phone_encrypted": _("联系电话"), "id_number_digest": None}


def _changes(model, rows):
    """``{row, changes}`` for each history row, comparing it with the row before it (same object)."""
    previous = {}
    for row in rows:
        before = previous.get(row.id)
        changes = []
        if before is not None:
            for change in row.diff_against(before).changes:
                if change.field in SECRET_FIELDS:
                    if SECRET_FIELDS[change.field]:
                        changes.append((SECRET_FIELDS[change.field], "***", "***"))
                else:
                    changes.append((model._meta.get_field(change.field).verbose_name, change.old, change.new))
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
