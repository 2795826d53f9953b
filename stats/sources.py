"""Where the statistics rules read their records: the live tables, or the records as they stood at a moment.

Every rule in :mod:`stats.definitions` asks a source for the rows of a named
record set ("trainings", "persons", …) and uses only the columns both shapes
share: the record's own fields, ``id`` and the ``<relation>_id`` columns. Joins
are written as ``person_id__in=source.rows("persons").filter(…).values("id")``
instead of ``person__household__kind``, because a history row's foreign key
points at the live table: traversing it would mix "now" into "as of T". A
column read once per row through foreign keys (a grant's household kind) goes
through ``source.via``: a join on the live tables, nested subqueries as of T.

The as-of view of a history table keeps, per object, the latest history row with
``history_date <= T``; two rows of one object sharing a timestamp are told apart
by ``history_id`` (simple-history's ``latest_of_each`` does not, upstream issue
#1602), and an object whose latest row is a deletion is left out.
"""

from django.apps import apps
from django.db.models import F, OuterRef, Subquery

# Source name → model label. The names are the bundle's list names where one exists.
SOURCE_MODELS = {
    "organisations": "casework.Organisation",
    "households": "beneficiaries.Household",
    "persons": "beneficiaries.Person",
    "schooling": "beneficiaries.Schooling",
    "graduates": "beneficiaries.Graduate",
    "institutions": "employment.Institution",
    "trainings": "employment.Training",
    "certificates": "employment.Certificate",
    "placements": "employment.Placement",
    "loans": "employment.Loan",
    "services": "employment.Service",
    "job_fairs": "employment.JobFair",
    "position_offers": "employment.PositionOffer",
    "assistance_plans": "employment.AssistancePlan",
    "fund_receipts": "aid.FundReceipt",
    "expenditures": "aid.Expenditure",
    "aid_grants": "aid.AidGrant",
    "work_study_offers": "aid.WorkStudyOffer",
}


def source_model(name):
    return apps.get_model(SOURCE_MODELS[name])


class LiveSource:
    """The records as they are now."""

    as_of = None

    def rows(self, name):
        return source_model(name)._default_manager.order_by()

    def via(self, chain, field_name):
        """``field_name`` of the record reached from the outer row through ``chain``, as a join.

        ``chain`` is ``((column, source name), …)``, e.g. ``(("person_id", "persons"),
        ("household_id", "households"))``; the live tables can follow their foreign keys.
        """
        return F("__".join([column.removesuffix("_id") for column, _ in chain] + [field_name]))


class AsOfSource:
    """The records exactly as they stood at ``moment`` (an aware datetime), rebuilt from the history tables."""

    def __init__(self, moment):
        self.as_of = moment

    def rows(self, name):
        history = source_model(name).history.model
        latest = (
            history.objects.filter(id=OuterRef("id"), history_date__lte=self.as_of)
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        return (
            history.objects.filter(history_date__lte=self.as_of, history_id=Subquery(latest))
            .exclude(history_type="-")
            .order_by()
        )

    def via(self, chain, field_name):
        """Like :meth:`LiveSource.via`, with one nested ``Subquery`` per step over the rows as of T:
        a history row's foreign key points at the live table, so it cannot be joined."""
        # The first step is the innermost subquery: it reaches the outer row through every level.
        value = OuterRef(chain[0][0])
        for _ in chain[1:]:
            value = OuterRef(value)
        for step, (_, name) in enumerate(chain):
            wanted = chain[step + 1][0] if step + 1 < len(chain) else field_name
            value = Subquery(self.rows(name).filter(id=value).values(wanted)[:1])
        return value


def source_for(as_of=None):
    return LiveSource() if as_of is None else AsOfSource(as_of)
