"""Reads for roster imports, scoped to the user's subtree."""

from django.db.models import Q

from beneficiaries.models import Person, Schooling
from casework.bundle import spec as registry
from casework.bundle.fields import MISSING, Refusal
from casework.models import Organisation
from casework.scoping import scoped, transfer_sources
from rosters.models import RosterImport


def roster_imports_for(user):
    """The roster imports of the user's subtree, newest first (without the stored files)."""
    return scoped(RosterImport.objects.select_related("organisation", "user").defer("content_encrypted"), user)


def organisations_for(user):
    """The units a user may import rosters for: their own and every unit below it."""
    return scoped(Organisation.objects.all(), user)


class _Everywhere:
    """The unit an export of stored records is made for: every unit (the records are scoped before)."""

    path = ""


def _exporter():
    from casework.bundle.exporter import Exporter

    return Exporter(_Everywhere())


def persons_on_record(user, id_numbers, *, chunk=2000):
    """``{id_number: bundle record}`` for the numbers on record in the user's subtree.

    The bundle record is the person as an export writes it (``export_record``: name,
    phone, file and relationship or unit, member details), so that a roster sends
    every field of a person on record that it has no column for.

    A person of another unit is not on record for this user: the roster treats the
    number as the bundle importer does, as unknown, and nothing of that person (their
    file number) goes into the bundle. Without a user (the operator's command line)
    every person is on record.
    """
    digests = {Person.digest(number): number for number in id_numbers}
    found = {}
    keys = list(digests)
    persons = Person.objects.all() if user is None else scoped(Person.objects.all(), user)
    spec, exporter = registry.get("persons"), _exporter()
    for start in range(0, len(keys), chunk):
        rows = persons.filter(id_number_digest__in=keys[start : start + chunk]).select_related(
            "household__organisation", "organisation"
        )
        for person in rows:
            found[digests[person.id_number_digest]] = spec.export_record(person, exporter)
    return found


def records_on_record(user, name, records):
    """For each bundle record of list ``name``, the record on record under its key as an export writes it
    (``export_record``), or ``None``: in the user's subtree only (every unit without a user).

    What the roster conversion completes a record with (``rosters.conversion.complete``):
    derived from the bundle's own serialisation, so a field a list gains later is carried too.
    """
    spec, exporter = registry.get(name), _exporter()
    keys = {}
    for index, record in enumerate(records):
        try:
            keys.setdefault(spec.normal_key(record.get(spec.key, MISSING)), []).append(index)
        except Refusal:
            continue  # the importer reports the key
    stored = [None] * len(records)
    for part in registry.chunks(list(keys)):
        pks = [instance.pk for instance in spec.existing(part).values()]
        if not pks:
            continue
        rows = spec.export_queryset(_Everywhere(), None).filter(pk__in=pks)
        if user is not None:
            rows = scoped(rows, user)
        for instance in rows:
            record = spec.export_record(instance, exporter)
            for index in keys.get(spec.key_of(instance), ()):
                stored[index] = record
    return stored


def schooling_on_record(user, id_numbers, *, chunk=2000):
    """``{(id_number, stage, entered_on ISO date): ref}`` of the school entries on record for these persons,
    in the user's subtree (every person's without a user, as :func:`persons_on_record`).

    A roster row naming an entry already there sends it under its own ref, so it is
    not added a second time (and, unchanged, not written at all).
    """
    digests = {Person.digest(number): number for number in id_numbers}
    keys = list(digests)
    found = {}
    entries = Schooling.objects.all() if user is None else scoped(Schooling.objects.all(), user)
    for start in range(0, len(keys), chunk):
        rows = entries.filter(person__id_number_digest__in=keys[start : start + chunk]).values_list(
            "person__id_number_digest", "stage", "entered_on", "ref"
        )
        for digest, stage, entered_on, ref in rows.order_by("pk"):
            found.setdefault((digests[digest], stage, entered_on.isoformat()), ref)
    return found


def transfer_source_codes(user, written):
    """``{code or name: [codes]}`` of the units ``written`` names among those a fund receipt of this user may
    name as passing the money down (``casework.scoping.transfer_sources``; any unit without a user)."""
    units = Organisation.objects.all() if user is None else transfer_sources(Organisation.objects.all(), user)
    found = {}
    rows = units.filter(Q(code__in=list(written)) | Q(name__in=list(written))).values_list("code", "name")
    for code, name in rows.order_by("code"):
        for key in {code, name} & set(written):
            found.setdefault(key, []).append(code)
    # A code is a code: it names its unit even if another unit is called by it.
    return {key: [key] if key in codes else codes for key, codes in found.items()}


def allowed_org_codes(user, codes):
    """The subset of ``codes`` naming units in the user's subtree (any unit: the command line without a user)."""
    units = Organisation.objects.all() if user is None else organisations_for(user)
    return set(units.filter(code__in=list(codes)).values_list("code", flat=True))
