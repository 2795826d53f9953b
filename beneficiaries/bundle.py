"""The bundle lists of this app: households, persons, schooling, graduates (``bundle.md``)."""

import functools

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from beneficiaries import id_numbers
from beneficiaries.models import Graduate, Household, Person, Schooling
from beneficiaries.services import PERSON_DETAILS, household_members_follow
from casework.bundle.fields import Boolean, Date, Integer, Money, Ref, Refusal, Text, Words
from casework.bundle.spec import ListSpec, chunks, register


def person_key(raw):
    """A resident ID number as the key of a person: validated (GB 11643) and normalised."""
    if not isinstance(raw, str) or not raw.strip():
        raise Refusal(_("缺少身份证号码。"))
    try:
        return _valid_id_number(raw)
    except ValidationError as error:
        raise Refusal(" ".join(error.messages)) from None


@functools.lru_cache(maxsize=1 << 16)
def _valid_id_number(raw):
    """``validate_id_number``, remembered for numbers that passed: a bundle names a person once in
    ``persons`` and again in every record about them (checking the same numbers again took about 6 %
    of an import). Only successes are kept (a refusal raises), and a number valid once
    stays valid: a birth date in the past stays past, a region code that has existed stays so."""
    return id_numbers.validate_id_number(raw)


@register
class HouseholdSpec(ListSpec):
    name = "households"
    model = Household
    order = 20
    key = "file_no"
    lookup = "file_no"
    date_field = None
    fields = {
        "org": Ref("organisations", "organisation"),
        "kind": Text(),
        "single_parent_female": Boolean(required=False),
        "hardship_reasons": Words(),
        # The household file's economics and 帮扶责任人 (a named cadre; a user is chosen in the system):
        # optional extras, a bundle without them still imports.
        "hardship_level": Text(required=False),
        "monthly_income": Money(required=False),
        "income_members": Integer(required=False),
        "income_sources": Words(),
        "dibao": Boolean(required=False),
        "dibao_no": Text(required=False),
        "housing": Text(required=False),
        "responsible_name": Text(required=False),
        "responsible_phone": Text(required=False),
        "applied_on": Date(),
        "filed_on": Date(required=False),
        "closed_on": Date(required=False),
    }

    def after_write(self, ctx, rows):
        """A file moved to another unit takes its members along, as ``household_update`` does (same code)."""
        household_members_follow(
            [household for household, _extra, _path in rows], acting_user=ctx.history_user, reason=ctx.reason
        )


@register
class PersonSpec(ListSpec):
    """Persons, keyed by ID number (looked up by its blind index, stored encrypted).

    A person's unit is their household's; a person outside any file names the unit
    that registers them in ``org`` (required then, ``bundle.md``).
    """

    name = "persons"
    model = Person
    order = 30
    key = "id_number"
    lookup = "id_number_digest"
    scope_field = "org"
    fields = {
        "name": Text(),
        "phone": Text(required=False),
        "household": Ref("households", required=False),
        "relationship": Text(required=False),
        "org": Ref("organisations", "organisation", required=False),
        # A member's details (``PERSON_DETAILS``): optional extras.
        "health": Text(required=False),
        "disabled": Boolean(required=False),
        "disability_level": Text(required=False),
        "work_unit": Text(required=False),
        "work_unit_type": Text(required=False),
        "union_member": Boolean(required=False),
        "employment_status": Text(required=False),
    }
    aliases = {
        "id_number_encrypted": "id_number",
        "id_number_digest": "id_number",
        "id_tail_digest": "id_number",
        "phone_encrypted": "phone",
    }

    def normal_key(self, raw):
        return person_key(raw)

    def existing(self, keys):
        digests = {Person.digest(k): k for k in keys}
        found = {}
        for part in chunks(digests):
            for person in Person.objects.filter(id_number_digest__in=part):
                found[digests[person.id_number_digest]] = person
        return found

    def new(self, key, values):
        person = Person()
        person.id_number = key
        return person

    def assign(self, ctx, person, values, item, path, extra):
        values = dict(values)
        phone = values.pop("phone")
        household = values["household"]
        organisation = values.pop("organisation")
        if household is not None:
            organisation = household.organisation
        elif organisation is None:
            raise Refusal(_("缺少必填字段：没有所属档案的人员须写明登记单位。"), field="org")
        values["organisation"] = organisation
        changed = super().assign(ctx, person, values, item, path, extra)
        if person.pk is None or person.phone != phone:
            person.phone = phone
            changed.append("phone_encrypted")
        return changed

    def key_of(self, person):
        return person.id_number

    def export_queryset(self, organisation, since):
        inside = Q(organisation__path__startswith=organisation.path)
        named = Q()
        for relation in ("aid_grants", "trainings", "placements", "loans", "services", "graduate"):
            lookup = f"{relation}__organisation__path__startswith"
            named |= Q(pk__in=Person.objects.filter(**{lookup: organisation.path}))
        lookup = "notice_entries__notice__organisation__path__startswith"
        named |= Q(pk__in=Person.objects.filter(**{lookup: organisation.path}))
        # A person of another unit who belongs to that unit's household file is left out: the
        # bundle cannot carry the file, and a record without it would take them out of it on
        # re-import. Records naming them import where the person is already known.
        outside_member = Q(household__isnull=False) & ~Q(household__organisation__path__startswith=organisation.path)
        return (
            Person.objects.filter(inside | (named & ~outside_member))
            .select_related("household__organisation", "organisation")
            .order_by("pk")
        )

    def export_record(self, person, exporter):
        record = {"id_number": person.id_number, "name": person.name}
        if person.phone:
            record["phone"] = person.phone
        household = person.household
        if household is not None and household.organisation.path.startswith(exporter.organisation.path):
            record["household"] = household.file_no
            record["relationship"] = person.relationship
        else:
            record["org"] = person.organisation.code
        for name in PERSON_DETAILS:
            if value := getattr(person, name):
                record[name] = value
        return record


class PersonRecordSpec(ListSpec):
    """A record that names a person and carries no unit of its own: scoped by the person's unit."""

    scope_field = "id_number"

    def organisation_id_of(self, instance):
        return instance.person.organisation_id if instance.person is not None else None

    def existing(self, keys):
        found = {}
        for part in chunks(keys):
            for obj in self.model._default_manager.filter(**{f"{self.lookup}__in": part}).select_related("person"):
                found[getattr(obj, self.lookup)] = obj
        return found


@register
class SchoolingSpec(PersonRecordSpec):
    name = "schooling"
    model = Schooling
    order = 40
    fields = {
        "id_number": Ref("persons", "person"),
        "stage": Text(),
        "school": Text(),
        "entered_on": Date(),
        "admitted_on": Date(required=False),
        # 年级 (``beneficiaries.choices.Grade``), one of its stage's grades: an optional extra.
        "grade": Text(required=False),
    }

    def export_queryset(self, organisation, since):
        return (
            Schooling.objects.filter(person__organisation__path__startswith=organisation.path)
            .select_related("person")
            .order_by("pk")
        )


@register
class GraduateSpec(ListSpec):
    """Graduate registrations, keyed by the person's ID number (one registration per person)."""

    name = "graduates"
    model = Graduate
    order = 150
    key = "id_number"
    lookup = "person"
    fields = {
        "id_number": Ref("persons", "person"),
        "org": Ref("organisations", "organisation"),
        "graduation_year": Integer(),
        "university": Text(),
        "university_local": Boolean(required=False),
        "origin_local": Boolean(required=False),
        "registered_on": Date(),
        "exited_on": Date(required=False),
    }

    def normal_key(self, raw):
        return person_key(raw)

    def existing(self, keys):
        digests = {Person.digest(k): k for k in keys}
        found = {}
        for part in chunks(digests):
            for graduate in Graduate.objects.filter(person__id_number_digest__in=part).select_related("person"):
                found[digests[graduate.person.id_number_digest]] = graduate
        return found

    def new(self, key, values):
        return Graduate()

    def key_of(self, graduate):
        return graduate.person.id_number
