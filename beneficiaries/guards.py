"""Guard rules on persons and graduates (see :mod:`casework.guards`).

Rules read related objects through :func:`related_objects`: an instance that
already carries its related object (the bundle importer attaches them, saved or
not) costs no query, and the others are loaded in one query per batch.
"""

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Graduate
from casework.guards import guard


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
