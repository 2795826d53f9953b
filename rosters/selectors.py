"""Reads for roster imports, scoped to the user's subtree."""

from beneficiaries.models import Person
from casework.models import Organisation
from casework.scoping import scoped
from rosters.models import RosterImport


def roster_imports_for(user):
    """The roster imports of the user's subtree, newest first (without the stored files)."""
    return scoped(RosterImport.objects.select_related("organisation", "user").defer("content"), user)


def organisations_for(user):
    """The units a user may import rosters for: their own and every unit below it."""
    return scoped(Organisation.objects.all(), user)


def persons_on_record(id_numbers, *, chunk=2000):
    """``{id_number: {name, phone, household, relationship, org}}`` for the numbers already on record.

    Persons are one record nationwide, so this looks beyond the user's subtree:
    it only decides whether a roster row must carry the person, and shows nothing.
    """
    digests = {Person.digest(number): number for number in id_numbers}
    found = {}
    keys = list(digests)
    for start in range(0, len(keys), chunk):
        rows = Person.objects.filter(id_number_digest__in=keys[start : start + chunk]).select_related(
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


def allowed_org_codes(user, codes):
    """The subset of ``codes`` naming units in the user's subtree (any unit: the command line without a user)."""
    units = Organisation.objects.all() if user is None else organisations_for(user)
    return set(units.filter(code__in=list(codes)).values_list("code", flat=True))
