"""Guard rules on persons and graduates (see :mod:`casework.guards`)."""

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Graduate
from casework.guards import guard


@guard(Graduate)
def graduate_is_household_member(graduates):
    """A graduate must be a member of a household file (on file or not)."""
    for index, graduate in enumerate(graduates):
        if graduate.person_id and graduate.person.household_id is None:
            yield index, "person", _("毕业生须是某一困难职工档案的家庭成员。")
