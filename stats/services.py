"""Writes of the statistics app: filing a return. A filing is never changed afterwards."""

import hashlib
import json
import time

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.history import set_change_reason
from casework.routers import primary_db
from casework.scoping import require_within_scope
from stats.engine import attachment_of, compute_return, default_cutoff
from stats.models import ReturnFiling

# How long a filing waits for the writes already under way when it was asked for, and how often it looks.
SETTLE_TIMEOUT = 60.0
SETTLE_POLL = 0.02


def canonical_json(figures):
    """The one serialisation the content hash is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(figures):
    return hashlib.sha256(canonical_json(figures).encode("utf-8")).hexdigest()


def return_file(*, organisation, attachment, year, preparer, phone, acting_user, reason, cutoff=None):
    """File (报送) a unit's return: compute it as recorded at ``filed_at``, freeze the figures and their hash.

    The promise: the return "as recorded at ``filed_at``" (``--as-recorded-at``,
    :func:`stats.selectors.filing_reproduction`) gives exactly the filed figures,
    whenever it is asked and whatever was being written while filing.

    Why the figures are computed from the history as of ``filed_at`` (and not from the
    live tables): a return as of T reads, per record, the latest history row with
    ``history_date <= T``. Call that set of rows R(T). The filed figures reproduce
    iff R(filed_at) is the same when filing and at every later reading. The trap is
    that ``history_date`` is the writer's clock when it wrote the row, not the moment
    its transaction commits: a bundle import stamps its rows, then commits seconds
    later. So:

    - live figures, then ``filed_at = now()`` (the old way): under READ COMMITTED each
      aggregate query sees a different moment; and a writer that stamped its rows
      before ``filed_at`` but commits after the figures were read is missing from the
      figures, yet part of every later R(filed_at);
    - live figures in one REPEATABLE READ snapshot, ``filed_at`` taken inside it: the
      figures are consistent, but the same in-flight writer (stamped before, not
      visible in the snapshot, committed after) breaks the reproduction;
    - as of a ``filed_at`` taken first, read at once: the same writer again.

    What closes the gap is to read R(filed_at) only once it can no longer change:

    1. ``filed_at = now()``, then wait until the clock has moved past it.
    2. Wait until every transaction that was open at that point has ended
       (PostgreSQL: the transactions of this database holding a transaction id,
       from ``pg_stat_activity``; SQLite: take the database's one write lock, which
       an open writer holds until it commits, and let it go again, so that writers
       are not held up while the return is computed).
    3. Compute the return as of ``filed_at`` (:class:`stats.sources.AsOfSource`) and
       save the filing, in a transaction of its own.

    Proof that step 3 reads the final R(filed_at): every history row is stamped
    after its transaction's first write (simple-history stamps in ``post_save`` /
    ``post_delete``, after the row's own INSERT/UPDATE/DELETE; the bulk helpers
    write the objects before their history, in one transaction), so a transaction
    that stamps a row at or before ``filed_at`` already held a transaction id (on
    SQLite: the write lock) at ``filed_at``. After step 2 it has committed (its rows
    are visible to every later query) or rolled back (they never will be). Any other
    transaction gets its transaction id (the lock) after step 2 began, so after the
    clock passed ``filed_at``: it stamps later than ``filed_at``, outside R(filed_at).
    History rows are never changed or deleted. Hence R(filed_at) is fixed from
    step 2 on, each query of step 3 (and every later reproduction) sees the same
    rows, and the figures are consistent among themselves without a REPEATABLE READ
    snapshot.

    Assumptions, kept by the project: every write runs in a transaction
    (services, admin, API and imports are atomic; a bare ``save()`` in autocommit
    writes its history row in a transaction of its own that starts after the
    stamp), no writer backdates ``history_date`` (``portal.synthetic`` does, for
    benchmark data only), and the application servers share one clock that does not
    step backwards. A write still open after ``SETTLE_TIMEOUT`` seconds refuses the
    filing with a message to try again; nothing is written then.

    Refiling makes a new filing; the old one stays.
    """
    require_within_scope(acting_user, organisation)
    attachment_of(attachment)
    cutoff = cutoff or default_cutoff(attachment, year)
    with transaction.atomic():  # on SQLite, holds the write lock only while settling
        filed_at = settled_moment()
    # On the primary, never a replica (casework/routers.py): a replica may not have replayed R(filed_at) yet.
    with primary_db(), transaction.atomic():
        result = compute_return(attachment, year=year, org_code=organisation.code, cutoff=cutoff, as_of=filed_at)
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


def settled_moment():
    """A moment (now) after which no history row can appear stamped at or before it (see :func:`return_file`).

    Call it in a transaction of its own: on SQLite it takes the write lock, held until that transaction ends.
    """
    if connection.vendor == "sqlite":
        _take_sqlite_write_lock()
    moment = timezone.now()
    while timezone.now() <= moment:  # the clock moves past the moment before anything else begins
        time.sleep(0)
    if connection.vendor == "postgresql":
        _wait_for_open_transactions()
    return moment


def _busy():
    return ValidationError(_("有数据正在写入，暂时无法报送，请稍后重试。"))


def _take_sqlite_write_lock():
    """SQLite has one write lock, held by a writer from its first write to its commit: taking it (with a
    write that changes nothing) waits for the writer under way and keeps new ones out until we commit."""
    try:
        with connection.cursor() as cursor:
            cursor.execute('UPDATE "stats_returnfiling" SET id = id WHERE 1 = 0')
    except OperationalError:  # "database is locked": a writer held it past the busy timeout
        raise _busy() from None


OPEN_TRANSACTIONS = (
    "SELECT pid, backend_xid::text FROM pg_stat_activity "
    "WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
)


def _wait_for_open_transactions():
    """Return once every transaction of this database that held a transaction id on entry has ended.

    A (backend, transaction id) pair leaves ``pg_stat_activity`` when that transaction
    commits or rolls back. The statistics snapshot is cleared before each look, since
    PostgreSQL keeps it for the rest of a transaction.
    """
    deadline = time.monotonic() + SETTLE_TIMEOUT
    with connection.cursor() as cursor:
        cursor.execute(OPEN_TRANSACTIONS)
        waiting = set(cursor.fetchall())
        while waiting:
            if time.monotonic() > deadline:
                raise _busy()
            time.sleep(SETTLE_POLL)
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(OPEN_TRANSACTIONS)
            waiting &= set(cursor.fetchall())
