"""Writes of the statistics app: filing a return. A filing is never changed afterwards."""

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from casework.history import set_change_reason
from casework.scoping import require_within_scope
from stats.engine import attachment_of, compute_return, default_cutoff
from stats.models import ReturnFiling


def canonical_json(figures):
    """The one serialisation the content hash is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(figures):
    return hashlib.sha256(canonical_json(figures).encode("utf-8")).hexdigest()


@transaction.atomic
def return_file(*, organisation, attachment, year, preparer, phone, acting_user, reason, cutoff=None):
    """File (报送) a unit's return: compute it from the records, freeze the figures and their hash.

    The figures are computed first and ``filed_at`` taken after, so every record
    they read has a history row dated before ``filed_at``: the return as recorded
    at ``filed_at`` reproduces them exactly. Refiling makes a new filing; the old
    one stays.
    """
    require_within_scope(acting_user, organisation)
    attachment_of(attachment)
    cutoff = cutoff or default_cutoff(attachment, year)
    result = compute_return(attachment, year=year, org_code=organisation.code, cutoff=cutoff)
    filed_at = timezone.now()
    result.as_of = filed_at
    figures = result.as_dict()
    filing = ReturnFiling(
        organisation=organisation,
        attachment=int(attachment),
        year=int(year),
        cutoff=cutoff,
        preparer=preparer,
        phone=phone,
        filed_by=acting_user,
        filed_at=filed_at,
        figures=figures,
        content_hash=content_hash(figures),
    )
    filing.full_clean()
    set_change_reason(filing, user=acting_user, reason=reason)
    filing.save()
    return filing
