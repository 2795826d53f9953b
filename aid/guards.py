"""Guard rules on aid grants and funds (``returns.md``, "Rules that guard the records").

Set-based: each rule takes the whole batch (one record from a form, thousands
from a bundle) and reads the database a fixed number of times. Related objects
attached to the instances (saved or not) are used as they are, so a grant to a
person created in the same bundle is judged on that bundle's household.

The rules already enforced by the models' own validation (``full_clean``:
dates not in the future, enumerations, a fund source valid for its programme,
non-negative counts) are not repeated here. The 公示 rule lives with the
notices (``notices/guards.py``).
"""

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from aid.models import AidGrant, AssistanceMeasure, Expenditure, FundReceipt
from beneficiaries.guards import related_objects
from beneficiaries.models import Schooling, advance_date
from casework.guards import guard


@guard(AidGrant, FundReceipt, Expenditure, AssistanceMeasure)
def amount_is_positive(records):
    """Amounts are positive (the database's check constraint, said in words before it is reached)."""
    for index, record in enumerate(records):
        if record.amount is not None and record.amount <= 0:
            yield index, "amount", _("金额必须大于0。")


@guard(AidGrant)
def grant_by_file(grants):
    """依档帮扶: a grant goes only to a member of a household on file on the grant date.

    "On file" is ``Household.is_on_file``, the in-memory form of ``on_file_q``
    (the same two comparisons), so unsaved households of the batch count too.
    """
    persons = related_objects(grants, "person")
    households = related_objects(persons, "household")
    for index, grant in enumerate(grants):
        if persons[index] is None or grant.granted_on is None:
            continue
        household = households[index]
        if household is None:
            yield index, "person", _("依档帮扶：受助学生不是任何困难职工档案的家庭成员。")
        elif not household.is_on_file(grant.granted_on):
            yield (
                index,
                "person",
                _("依档帮扶：受助学生所在档案 %(file_no)s 在发放日期 %(day)s 不在档。")
                % {"file_no": household.file_no, "day": grant.granted_on.isoformat()},
            )


@guard(AssistanceMeasure)
def measure_by_file(measures):
    """依档帮扶 for every assistance measure: the household is on file on the day of the measure."""
    households = related_objects(measures, "household")
    for index, measure in enumerate(measures):
        household = households[index]
        if household is None or measure.provided_on is None:
            continue
        if not household.is_on_file(measure.provided_on):
            yield (
                index,
                "household",
                _("依档帮扶：档案 %(file_no)s 在帮扶日期 %(day)s 不在档。")
                % {"file_no": household.file_no, "day": measure.provided_on.isoformat()},
            )


@guard(AidGrant)
def grant_needs_schooling(grants):
    """A grant needs a schooling record in force on its date (advance date on or before it).

    A record is in force from its advance date (``beneficiaries.models.advance_date``:
    admitted on, else entered on), so a child admitted in July can be granted that
    summer. The grant's stage group is the record's with the latest advance date on or
    before the grant date; any such record puts one in force.
    """
    persons = related_objects(grants, "person")
    saved = {p.pk for p in persons if p is not None and p.pk is not None}
    first_entry = dict(
        Schooling.objects.filter(person_id__in=saved)
        .values("person_id")
        .annotate(first=Min(advance_date()))
        .values_list("person_id", "first")
    )
    for index, grant in enumerate(grants):
        person = persons[index]
        if person is None or grant.granted_on is None:
            continue
        first = first_entry.get(person.pk) if person.pk else None
        if first is None or first > grant.granted_on:
            yield (
                index,
                "person",
                _("受助学生在发放日期 %(day)s 没有在读的就学记录（升学日期即录取日期或入学日期，须不晚于发放日期）。")
                % {"day": grant.granted_on.isoformat()},
            )
