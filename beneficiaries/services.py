"""Writes for persons, household files, schooling and graduate registrations."""

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import id_numbers
from beneficiaries.choices import ReviewOutcome
from beneficiaries.models import AnnualReview, Graduate, Household, Person
from casework import guards
from casework.bundle.spec import chunks
from casework.history import bulk_update_historised
from casework.services import check_version, model_delete, model_save, model_update


def _check_id_free(digest, *, exclude_pk=None):
    # The holder may lie outside the user's scope: name the unit to ask, and nothing else about the person.
    holder = (
        Person.objects.filter(id_number_digest=digest).exclude(pk=exclude_pk).select_related("organisation").first()
    )
    if holder:
        raise ValidationError(
            {"id_number": _("该身份证号码已由%(unit)s登记，不能重复登记。") % {"unit": holder.organisation.name}}
        )


def person_check(*, id_number, household=None, person=None):
    """Validate what a form or import is about to write for ``person`` (``None`` for a new one).

    Returns the normalised ID number; raises ``ValidationError`` by field:
    an invalid number, a number another person holds, or joining a second household.
    The services call it too, so a form and the API refuse alike.
    """
    number = _validated_id(id_number)
    _check_id_free(Person.digest(number), exclude_pk=person.pk if person else None)
    if person is not None and household is not None:
        # The person as the form would save them, judged by the guard rules (one household file).
        candidate = copy.copy(person)
        candidate.household = household
        guards.enforce(candidate)
    return number


def _validated_id(value):
    try:
        return id_numbers.validate_id_number(value)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None


def _membership(household, organisation):
    """A household member is registered by the household's unit."""
    return household.organisation if household else organisation


@transaction.atomic
def person_register(
    *, id_number, name, organisation, phone="", household=None, relationship="", acting_user, reason="register person"
):
    """Register a real-name person; one record nationwide per resident ID number."""
    number = _validated_id(id_number)
    person = Person(name=name, household=household, relationship=relationship or "")
    person.id_number = number
    person.phone = phone
    person.organisation = _membership(household, organisation)
    _check_id_free(person.id_number_digest)
    return model_save(person, acting_user=acting_user, reason=reason)


@transaction.atomic
def person_update(person, *, acting_user, reason, data, expected_version=None):
    """Change a person's name, phone, ID number or household membership.

    A member of one household file cannot be put into another: they leave the
    first (``household=None``) before joining the second (the guard rule
    ``beneficiaries.guards.one_household``, checked on save). With ``expected_version``
    a person changed by someone else since is refused (``check_version``).
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None:
        check_version(person, expected_version)
    data = dict(data)
    # The encrypted columns and what the number tells go into ``data`` (not onto the
    # instance) so that model_update sees them as changes and saves them.
    derived = Person()
    if "id_number" in data:
        number = _validated_id(data.pop("id_number"))
        if number != person.id_number:
            _check_id_free(Person.digest(number), exclude_pk=person.pk)
            derived.id_number = number
            for field in ("id_number_encrypted", "id_number_digest", "gender", "birth_date"):
                data[field] = getattr(derived, field)
    if "phone" in data:
        phone = (data.pop("phone") or "").strip()
        if phone != person.phone:
            derived.phone = phone
            data["phone_encrypted"] = derived.phone_encrypted
    household = data.get("household", person.household)
    if household is not None:
        data["organisation"] = household.organisation
    if "household" in data and data["household"] is None:
        data["relationship"] = ""
    return model_update(person, acting_user=acting_user, reason=reason, data=data)[0]


@transaction.atomic
def person_delete(person, *, acting_user, reason):
    """Delete a person; the deletion stays in the history with user and reason."""
    model_delete(person, acting_user=acting_user, reason=reason)


@transaction.atomic
def household_apply(*, file_no, organisation, kind, applied_on, acting_user, reason="household application", **data):
    """Open a household file at the application step (申请)."""
    household = Household(file_no=file_no, organisation=organisation, kind=kind, applied_on=applied_on, **data)
    return model_save(household, acting_user=acting_user, reason=reason)


@transaction.atomic
def household_update(household, *, acting_user, reason, data, expected_version=None):
    """Change a household file's details (an update found at annual review, a correction).

    With ``expected_version`` a file changed by someone else since is refused (``check_version``).
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    household, changed = model_update(
        household, acting_user=acting_user, reason=reason, data=data, expected_version=expected_version
    )
    if changed and "organisation" in data:
        household_members_follow([household], acting_user=acting_user, reason=reason)
    return household


def household_members_follow(households, *, acting_user, reason):
    """Give the members of ``households`` (saved) their file's unit, with history; returns the members moved.

    A member is registered by the household's unit, so a file moved to another
    unit takes its members along. Set-based, the one piece of code the service
    and the bundle importer both call: a query per few thousand files, one bulk
    update with a history row per member moved.
    """
    units = {household.pk: household.organisation_id for household in households if household.pk is not None}
    moved = []
    for part in chunks(list(units)):
        members = Person.objects.filter(household_id__in=part).exclude(organisation_id=F("household__organisation_id"))
        for member in members:
            member.organisation_id = units[member.household_id]
            moved.append(member)
    bulk_update_historised(Person, moved, ["organisation"], user=acting_user, reason=reason)
    return moved


def _step(household, *, field, by_field=None, day, acting_user, reason, requires=None, message=None):
    household = Household.objects.select_for_update().get(pk=household.pk)
    if requires and not getattr(household, requires):
        raise ValidationError({field: message})
    data = {field: day or timezone.localdate()}
    if by_field:
        data[by_field] = acting_user
    return model_update(household, acting_user=acting_user, reason=reason, data=data)[0]


@transaction.atomic
def household_review(household, *, acting_user, reason="review", day=None):
    """Record the review (审核) of an application."""
    return _step(
        household, field="reviewed_on", by_field="reviewed_by", day=day, acting_user=acting_user, reason=reason
    )


@transaction.atomic
def household_notice(household, *, acting_user, reason="public notice", day=None):
    """Record that the file went to public notice (公示)."""
    return _step(
        household,
        field="noticed_on",
        day=day,
        acting_user=acting_user,
        reason=reason,
        requires="reviewed_on",
        message=_("档案须先审核，才能公示。"),
    )


@transaction.atomic
def household_file(household, *, acting_user, reason="filed", day=None):
    """Put the household on file (建档)."""
    return _step(
        household,
        field="filed_on",
        by_field="filed_by",
        day=day,
        acting_user=acting_user,
        reason=reason,
        requires="reviewed_on",
        message=_("档案须先审核，才能建档。"),
    )


@transaction.atomic
def household_close(household, *, acting_user, reason, day=None, closing_reason=""):
    """Close the file (脱困退出)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not household.filed_on:
        raise ValidationError({"closed_on": _("未建档的档案不能退出。")})
    data = {"closed_on": day or timezone.localdate(), "closed_by": acting_user, "closing_reason": closing_reason}
    return model_update(household, acting_user=acting_user, reason=reason, data=data)[0]


@transaction.atomic
def annual_review_record(household, *, outcome, acting_user, reason="annual review", day=None, note=""):
    """Record this year's review of an on-file household; outcome ``closed`` closes the file."""
    day = day or timezone.localdate()
    if not household.is_on_file(day):
        raise ValidationError({"household": _("只有在档的档案才能进行年度核实。")})
    review = model_save(
        AnnualReview(household=household, reviewed_on=day, reviewed_by=acting_user, outcome=outcome, note=note),
        acting_user=acting_user,
        reason=reason,
    )
    if outcome == ReviewOutcome.CLOSED:
        household_close(household, acting_user=acting_user, reason=reason, day=day, closing_reason=note)
    return review


@transaction.atomic
def graduate_register(*, person, acting_user, reason="register graduate", **data):
    """Register a hardship-family graduate; the person must belong to a household file."""
    return model_save(Graduate(person=person, **data), acting_user=acting_user, reason=reason)
