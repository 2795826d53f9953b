"""Reads for roster imports, scoped to the user's subtree."""

from beneficiaries.models import Person, Schooling
from casework.models import Organisation
from casework.scoping import scoped
from rosters.models import RosterImport


def roster_imports_for(user):
    """The roster imports of the user's subtree, newest first (without the stored files)."""
    return scoped(RosterImport.objects.select_related("organisation", "user").defer("content_encrypted"), user)


def organisations_for(user):
    """The units a user may import rosters for: their own and every unit below it."""
    return scoped(Organisation.objects.all(), user)


def persons_on_record(user, id_numbers, *, chunk=2000):
    """``{id_number: {name, phone, household, relationship, org}}`` for the numbers on record in the user's subtree.

    A person of another unit is not on record for this user: the roster treats the
    number as the bundle importer does, as unknown, and nothing of that person (their
    file number) goes into the bundle. Without a user (the operator's command line)
    every person is on record.
    """
    digests = {Person.digest(number): number for number in id_numbers}
    found = {}
    keys = list(digests)
    persons = Person.objects.all() if user is None else scoped(Person.objects.all(), user)
    for start in range(0, len(keys), chunk):
        rows = persons.filter(id_number_digest__in=keys[start : start + chunk]).select_related(
            "household", "organisation"
        )
        for person in rows:
            found[digests[person.id_number_digest]] = {
                "name": person.name,
                "phone": person.phone,
                "household": person.household.file_no if person.household_id else None,
                "relationship": person.relationship or None,
                "org": person.organisation.code,
            }
    return found


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


def allowed_org_codes(user, codes):
    """The subset of ``codes`` naming units in the user's subtree (any unit: the command line without a user)."""
    units = Organisation.objects.all() if user is None else organisations_for(user)
    return set(units.filter(code__in=list(codes)).values_list("code", flat=True))
