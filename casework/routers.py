"""Which database a query goes to: the primary, or a PostgreSQL streaming replica for the reports.

With ``DATABASE_REPLICA_URL`` set, ``DATABASES["replica"]`` is a read-only standby of
the primary (``docs/deployment.md``, "Read replica"). Routing by model cannot tell a
return being read from a read inside a write, so the choice is explicit and made in
one place: the report paths run inside :func:`reporting_db` (decorator
:func:`reporting`), and there, and only there, reads go to the replica:

- returns, drill-downs and indicators (``stats.selectors``, the ``stats_return`` command),
- ledgers (``aid.ledgers``), list exports and bundle exports.

Everything else reads and writes the primary, and so does a report path

- when a write transaction is open on the primary (a read inside a write sees the
  write's own rows, which the replica does not have yet), or
- inside :func:`primary_db`: filing a return (``stats.services.return_file``) computes
  on the primary, so a filed return is exact, whatever the replica's lag.

Writes always go to the primary, even of an object read from the replica. Without
``DATABASE_REPLICA_URL`` there is no replica alias and every query uses ``default``.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PRIMARY = DEFAULT_DB_ALIAS

# The alias reads go to inside a report path; ``None`` outside one.
_reading_from = ContextVar("casework_reading_from", default=None)
_pinned = ContextVar("casework_pinned_to_primary", default=False)


def replica_alias():
    """The alias of the replica when one is configured, else the primary's."""
    return REPLICA if REPLICA in settings.DATABASES else PRIMARY


def reporting_alias():
    """Where a report path started now reads: the replica, unless pinned to the primary or inside a write."""
    if _pinned.get() or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return replica_alias()


@contextmanager
def reporting_db():
    """Run a read-only report: its reads go to :func:`reporting_alias` (its writes, if any, to the primary)."""
    token = _reading_from.set(reporting_alias())
    try:
        yield
    finally:
        _reading_from.reset(token)


@contextmanager
def primary_db():
    """Every read inside goes to the primary, report paths included (filing a return)."""
    pinned, reading = _pinned.set(True), _reading_from.set(PRIMARY)
    try:
        yield
    finally:
        _reading_from.reset(reading)
        _pinned.reset(pinned)


def reporting(function):
    """Decorator: ``function`` is a report path (see :func:`reporting_db`)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with reporting_db():
            return function(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads inside :func:`reporting_db` to the replica, everything else to the primary.

    Hints (the database an instance came from) are ignored on purpose: an object
    read by a report and saved afterwards is saved on the primary.
    """

    def db_for_read(self, model, **hints):
        return _reading_from.get() or PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # a standby follows the primary's schema; it cannot be migrated
