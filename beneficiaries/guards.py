"""Guard rules on persons and graduates (see :mod:`casework.guards`).

Rules read related objects through :func:`related_objects`: an instance that
already carries its related object (the bundle importer attaches them, saved or
not) costs no query, and the others are loaded in one query per batch.
"""

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Graduate, Person
from casework.guards import guard

CHUNK = 5000


def related_objects(records, name):
    """The object each record's foreign key ``name`` points to (``None`` where unset), in one query at most.

    A related object already attached to the record (possibly unsaved, e.g. a
    person created in the same bundle) is used as is: the batch sees its own
    pending state and only what is not in it is read from the database.
    """
    if not records:
        return []
    field = type(records[0])._meta.get_field(name)
    found = [None] * len(records)
    missing = {}
    for index, record in enumerate(records):
        if record is None:
            continue
        obj = field.get_cached_value(record, None)
        if obj is not None:
            found[index] = obj
            continue
        pk = getattr(record, field.attname)
        if pk is not None:
            missing.setdefault(pk, []).append(index)
    if missing:
        loaded = field.related_model._base_manager.in_bulk(list(missing))
        for pk, indexes in missing.items():
            for index in indexes:
                found[index] = loaded.get(pk)
                if found[index] is not None:
                    # Attached for the next rule over the same batch, which then reads no more.
                    field.set_cached_value(records[index], found[index])
    return found


def has_related(record, name):
    """Whether ``record``'s foreign key ``name`` is set (to a saved or an attached unsaved object); no query."""
    field = type(record)._meta.get_field(name)
    return getattr(record, field.attname) is not None or field.get_cached_value(record, None) is not None


@guard(Graduate)
def graduate_is_household_member(graduates):
    """A graduate must be a member of a household file (on file or not)."""
    persons = related_objects(graduates, "person")
    for index, person in enumerate(persons):
        if person is None:
            continue
        if not has_related(person, "household"):
            yield index, "person", _("毕业生须是某一困难职工档案的家庭成员。")


@guard(Person)
def one_household(persons):
    """A person belongs to at most one household file: leaving one comes before joining another.

    Judged against the membership on record (one query per few thousand saved
    persons), so a form, the API and an import that moves a member refuse alike.
    """
    field = Person._meta.get_field("household")
    moving = {}
    for index, person in enumerate(persons):
        target = field.get_cached_value(person, None)
        target_pk = person.household_id or (target.pk if target is not None else None)
        if person.pk is not None and target_pk is not None:
            moving[index] = target_pk
    if not moving:
        return
    pks = [persons[index].pk for index in moving]
    stored = {}
    for start in range(0, len(pks), CHUNK):
        rows = Person.objects.filter(pk__in=pks[start : start + CHUNK], household__isnull=False).values_list(
            "pk", "household_id", "household__organisation__name"
        )
        stored.update({pk: (household_id, unit) for pk, household_id, unit in rows})
    for index, target_pk in moving.items():
        before = stored.get(persons[index].pk)
        if before is not None and before[0] != target_pk:
            yield (
                index,
                "household",
                _("该人员已是%(unit)s另一困难职工档案的成员，须先退出原档案，才能加入本档案。") % {"unit": before[1]},
            )
