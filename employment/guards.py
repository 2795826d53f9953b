"""Guard rules on employment records (``returns.md``, "Rules that guard the records").

Dates not in the future, ``ended_on >= started_on``, enumerations and
non-negative counts (``jobs_created``, ``positions``, ``contract_months``) are
the models' own validation (``full_clean``) and are not repeated here.
"""

from django.utils.translation import gettext_lazy as _

from casework.guards import guard
from employment.models import Loan, Service


@guard(Loan, Service)
def amount_is_positive(records):
    """Amounts are positive (a service's amount only where it has one: the job-search subsidy)."""
    for index, record in enumerate(records):
        if record.amount is not None and record.amount <= 0:
            yield index, "amount", _("金额必须大于0。")
