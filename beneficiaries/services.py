"""Writes for persons, household files, schooling and graduate registrations."""

import copy

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import id_numbers
from beneficiaries.choices import ClosingCode, ReviewOutcome
from beneficiaries.models import AnnualReview, Graduate, Household, Person
from casework import guards
from casework.bundle.spec import chunks
from casework.history import bulk_update_historised
from casework.permissions import is_reviewer
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


# A member's details (health, work, union membership) beyond the identity and the household.
PERSON_DETAILS = (
    "health",
    "disabled",
    "disability_level",
    "work_unit",
    "work_unit_type",
    "union_member",
    "employment_status",
)


@transaction.atomic
def person_register(
    *,
    id_number,
    name,
    organisation,
    phone="",
    household=None,
    relationship="",
    acting_user,
    reason="register person",
    **details,
):
    """Register a real-name person; one record nationwide per resident ID number.

    ``details`` are the member's ``PERSON_DETAILS`` (all optional)."""
    if unknown := sorted(set(details) - set(PERSON_DETAILS)):
        raise TypeError(f"person_register: unknown fields {unknown}")
    number = _validated_id(id_number)
    person = Person(name=name, household=household, relationship=relationship or "", **details)
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
            for field in ("id_number_encrypted", "id_number_digest", "id_tail_digest", "gender", "birth_date"):
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


# Set only by the workflow steps below (with their roles and rules), never by an edit of the file.
WORKFLOW_FIELDS = frozenset(
    {
        "applied_by",
        "returned_on",
        "returned_by",
        "return_reason",
        "reviewed_on",
        "reviewed_by",
        "noticed_on",
        "notice_ref",
        "filed_on",
        "filed_by",
        "closed_on",
        "closed_by",
        "closing_code",
        "closing_reason",
    }
)


def _refuse_workflow_fields(data):
    given = sorted(WORKFLOW_FIELDS.intersection(data))
    if given:
        message = _("档案的办理流程（审核、退回、公示、建档、退出）只能通过流程办理，不能直接修改。")
        raise ValidationError(dict.fromkeys(given, message))


@transaction.atomic
def household_apply(*, file_no, organisation, kind, applied_on, acting_user, reason="household application", **data):
    """Open a household file at the application step (申请); ``acting_user`` is recorded as who applied."""
    _refuse_workflow_fields(data)
    household = Household(
        file_no=file_no, organisation=organisation, kind=kind, applied_on=applied_on, applied_by=acting_user, **data
    )
    return model_save(household, acting_user=acting_user, reason=reason)


@transaction.atomic
def household_update(household, *, acting_user, reason, data, expected_version=None):
    """Change a household file's details (an update found at annual review, a correction).

    With ``expected_version`` a file changed by someone else since is refused (``check_version``).
    """
    _refuse_workflow_fields(data)
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


# --- the workflow: who may take a step ---------------------------------------------------------------


def _require_reviewer(household, acting_user, *, own_file_too=True):
    """Review, return, notice, filing, closing and undoing a closing need the reviewer role (administrators
    include it); nobody takes the steps before filing on a file they applied for."""
    if not is_reviewer(acting_user):
        raise PermissionDenied(_("只有审核人员可以办理档案的审核、退回、公示、建档和退出。"))
    if own_file_too and household.applied_by_id and household.applied_by_id == acting_user.pk:
        raise PermissionDenied(_("不能审核本人经办申请的档案：须由其他审核人员办理。"))


def may_decide(user, household):
    """Whether ``user`` may take the steps open on ``household`` now (the file page shows its buttons by this).

    The steps before filing are refused to the applicant; closing and undoing it come later and are not.
    """
    try:
        _require_reviewer(household, user, own_file_too=household.filed_on is None)
    except PermissionDenied:
        return False
    return True


def _required_text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# --- the workflow: the public notice (公示) lives in the notices app ---------------------------------

# The notices app lies above this one: from its AppConfig.ready it registers
# ``find(household, ref, acting_user)`` → the notice's start date (refusing a notice that
# does not list the household), and ``filing_problem(household, day)`` → what keeps the
# file from going on file on ``day`` (its notice not ended, an objection upheld), or None.
_notice_rules = {}


def register_notice_rules(*, find, filing_problem):
    _notice_rules.update(find=find, filing_problem=filing_problem)


def _notice_rule(name):
    if name not in _notice_rules:
        raise ImproperlyConfigured("the notices app registers the 公示 rules of the household workflow")
    return _notice_rules[name]


def _locked(household):
    return Household.objects.select_for_update().get(pk=household.pk)


def _step(household, *, acting_user, reason, data):
    return model_update(household, acting_user=acting_user, reason=reason, data=data)[0]


@transaction.atomic
def household_review(household, *, acting_user, reason="review", day=None):
    """Record the review (审核) of an application."""
    household = _locked(household)
    _require_reviewer(household, acting_user)
    if household.filed_on:
        raise ValidationError({"reviewed_on": _("已建档的档案不能重新审核。")})
    data = {"reviewed_on": day or timezone.localdate(), "reviewed_by": acting_user}
    return _step(household, acting_user=acting_user, reason=reason, data=data)


@transaction.atomic
def household_return(household, *, acting_user, return_reason="", reason="return for correction", day=None):
    """Return an application to the caseworker for correction (退回), saying why.

    The file goes back to the application step: its review and public notice are
    undone and it is reviewed (and noticed) again once corrected. The return stays
    on the file, and every return in its history.
    """
    household = _locked(household)
    _require_reviewer(household, acting_user)
    return_reason = _required_text(return_reason, "return_reason", _("请填写退回原因。"))
    if household.filed_on:
        raise ValidationError({"returned_on": _("已建档的档案不能退回。")})
    data = {
        "returned_on": day or timezone.localdate(),
        "returned_by": acting_user,
        "return_reason": return_reason,
        "reviewed_on": None,
        "reviewed_by": None,
        "noticed_on": None,
        "notice_ref": "",
    }
    return _step(household, acting_user=acting_user, reason=reason, data=data)


@transaction.atomic
def household_notice(household, *, acting_user, notice="", reason="public notice"):
    """Record the public notice (公示) that listed the household: ``notice`` is the notice's ``ref``.

    The notice must be published, list a member of the household and have started
    (``noticed_on`` is its first day): the date comes from the notice, not typed in.
    """
    household = _locked(household)
    _require_reviewer(household, acting_user)
    if not household.reviewed_on:
        raise ValidationError({"noticed_on": _("档案须先审核，才能公示。")})
    if household.filed_on:
        raise ValidationError({"notice": _("已建档的档案不能更换公示。")})
    ref = _required_text(notice, "notice", _("请选择列有本户成员的公示。"))
    starts_on = _notice_rule("find")(household, ref, acting_user)
    if starts_on < household.reviewed_on:
        raise ValidationError({"notice": _("公示开始日期不能早于审核日期。")})
    data = {"notice_ref": ref, "noticed_on": starts_on}
    return _step(household, acting_user=acting_user, reason=reason, data=data)


@transaction.atomic
def household_file(household, *, acting_user, reason="filed", day=None):
    """Put the household on file (建档): after its public notice ended with no upheld objection."""
    household = _locked(household)
    _require_reviewer(household, acting_user)
    if not household.reviewed_on:
        raise ValidationError({"filed_on": _("档案须先审核，才能建档。")})
    if not household.notice_ref:
        raise ValidationError({"filed_on": _("档案须先公示，才能建档。")})
    day = day or timezone.localdate()
    problem = _notice_rule("filing_problem")(household, day)
    if problem:
        raise ValidationError({"filed_on": problem})
    return _step(household, acting_user=acting_user, reason=reason, data={"filed_on": day, "filed_by": acting_user})


def _closing_checked(*, closing_code, note, confirm, note_field):
    """The closing's note, stripped; every missing part of a closing is refused at once, each by its field."""
    errors = {}
    if closing_code not in ClosingCode.values:
        errors["closing_code"] = _("请选择退出原因类别。")
    note = (note or "").strip()
    if not note:
        errors[note_field] = _("脱困退出须填写说明。")
    if not confirm:
        errors["confirm"] = _("请确认办理脱困退出：退出后该户不再在档。")
    if errors:
        raise ValidationError(errors)
    return note


@transaction.atomic
def household_close(
    household, *, acting_user, closing_code="", closing_reason="", confirm=False, reason="closed", day=None
):
    """Close the file (脱困退出): a reviewer, with a coded reason, a note, and the user's confirmation."""
    household = _locked(household)
    _require_reviewer(household, acting_user, own_file_too=False)
    note = _closing_checked(
        closing_code=closing_code, note=closing_reason, confirm=confirm, note_field="closing_reason"
    )
    if not household.filed_on:
        raise ValidationError({"closed_on": _("未建档的档案不能退出。")})
    if household.closed_on:
        raise ValidationError({"closed_on": _("该档案已退出。")})
    data = {
        "closed_on": day or timezone.localdate(),
        "closed_by": acting_user,
        "closing_code": closing_code,
        "closing_reason": note,
    }
    return _step(household, acting_user=acting_user, reason=reason, data=data)


@transaction.atomic
def household_reopen(household, *, acting_user, reason):
    """Undo a closing (撤销退出): a reviewer, saying why; the file is on file again and the closing stays in
    the history."""
    household = _locked(household)
    _require_reviewer(household, acting_user, own_file_too=False)
    reason = _required_text(reason, "reason", _("请填写撤销退出的原因。"))
    if not household.closed_on:
        raise ValidationError({"closed_on": _("该档案未退出，无须撤销。")})
    data = {"closed_on": None, "closed_by": None, "closing_code": "", "closing_reason": ""}
    return _step(household, acting_user=acting_user, reason=reason, data=data)


@transaction.atomic
def annual_review_record(
    household,
    *,
    outcome,
    acting_user,
    reason="annual review",
    day=None,
    note="",
    closing_code="",
    confirm=False,
    income_found=None,
    level_found="",
):
    """Record this year's review of an on-file household; outcome ``closed`` closes the file.

    The review re-checks the household's monthly income (``income_found``) and its level
    (``level_found``, 困难程度): what it finds is written to the file too, with history.
    Outcome ``level_changed`` (调整困难程度) needs a level other than the file's.
    Closing at annual review is :func:`household_close`: a reviewer, a coded reason, a note and a confirmation.
    """
    day = day or timezone.localdate()
    level_found = level_found or ""
    if outcome == ReviewOutcome.LEVEL_CHANGED and (not level_found or level_found == household.hardship_level):
        raise ValidationError({"level_found": _("调整困难程度须填写与档案不同的核实困难程度。")})
    if outcome == ReviewOutcome.CLOSED:
        _require_reviewer(household, acting_user, own_file_too=False)
        note = _closing_checked(closing_code=closing_code, note=note, confirm=confirm, note_field="note")
    if not household.is_on_file(day):
        raise ValidationError({"household": _("只有在档的档案才能进行年度核实。")})
    review = model_save(
        AnnualReview(
            household=household,
            reviewed_on=day,
            reviewed_by=acting_user,
            outcome=outcome,
            note=note,
            income_found=income_found,
            level_found=level_found,
        ),
        acting_user=acting_user,
        reason=reason,
    )
    found = {"monthly_income": income_found, "hardship_level": level_found}
    found = {field: value for field, value in found.items() if value not in (None, "")}
    if found:
        household = household_update(household, data=found, acting_user=acting_user, reason=reason)
    if outcome == ReviewOutcome.CLOSED:
        household_close(
            household,
            closing_code=closing_code,
            closing_reason=note,
            confirm=confirm,
            acting_user=acting_user,
            reason=reason,
            day=day,
        )
    return review


@transaction.atomic
def annual_review_bulk(households, *, outcome, acting_user, reason="annual review", day=None, findings=None, **details):
    """One outcome for several files, all or nothing: each through :func:`annual_review_record`.

    ``details`` are the review's ``note``, ``closing_code`` and ``confirm``; ``findings`` gives, by
    household id, what the review found in that file (``income_found``, ``level_found``; optional). When
    any file is refused, nothing is recorded and one ``ValidationError`` lists every refusal as
    "file number：message".
    """
    reviews, refusals = [], []
    findings = findings or {}
    for household in households:
        found = findings.get(household.pk, {})
        if unknown := sorted(set(found) - {"income_found", "level_found"}):
            raise TypeError(f"annual_review_bulk: unknown findings {unknown}")
        try:
            reviews.append(
                annual_review_record(
                    household, outcome=outcome, acting_user=acting_user, reason=reason, day=day, **details, **found
                )
            )
        except ValidationError as error:
            refusals += [f"{household.file_no}：{message}" for message in error.messages]
        except PermissionDenied as error:
            refusals.append(f"{household.file_no}：{error}")
    if refusals:
        raise ValidationError(refusals)
    return reviews


@transaction.atomic
def graduate_register(*, person, acting_user, reason="register graduate", **data):
    """Register a hardship-family graduate; the person must belong to a household file."""
    return model_save(Graduate(person=person, **data), acting_user=acting_user, reason=reason)
