"""The importer's bulk insert: rows and their history rows, without Django's per-value SQL compilation.

``bulk_create_with_history`` compiles every value of every row (and builds a
historical model instance per row) through the ORM, which is most of an
import's time. Here the primary keys are reserved first (the sequence on
PostgreSQL, ``sqlite_sequence`` on SQLite, inside the import's transaction),
then the rows and their "+" history rows go out with ``COPY … FROM STDIN``
(PostgreSQL) or ``executemany`` (SQLite), each value converted once by a
converter chosen per field. The history rows carry
what ``casework.history.bulk_create_historised`` writes: the user, its name,
the reason and the time. Other databases use that helper.
"""

from django.db import connections, models, router
from django.utils import timezone

from casework.history import bulk_create_historised

CHUNK = 5000
PLAIN = (models.CharField, models.TextField, models.BooleanField, models.IntegerField, models.ForeignKey)


def _converter(field, connection):
    """A function from a Python value to what the driver takes, as cheap as the field allows."""
    if isinstance(field, (models.DateTimeField, models.JSONField)):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateField):
        if connection.vendor == "sqlite":
            return lambda value: None if value is None else value.isoformat()
        return None
    if isinstance(field, (*PLAIN, models.DecimalField)):
        return None  # the driver adapts str, bool, int and Decimal itself (Django registers Decimal on SQLite)
    return lambda value: field.get_db_prep_save(value, connection)


def _reserve_ids(connection, model, count):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the import's transaction holds the write lock from its first write on.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        # Names from the model's metadata, quoted: no user input reaches the SQL text.
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(table)}")  # noqa: S608
        top = max(row[0] if row else 0, cursor.fetchone()[0] or 0)
        return list(range(top + 1, top + 1 + count))


def _insert(connection, table, columns, rows):
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # COPY: one statement for all the rows, each formatted by psycopg's C code; the server
        # parses and plans nothing per row (an executemany of INSERTs does both, per row).
        sql = "COPY {} ({}) FROM STDIN".format(quote(table), ", ".join(quote(c) for c in columns))
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted names from the model's metadata)
        quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def insert_historised(model, objs, *, user, reason):
    """Insert ``objs`` (unsaved) and one "+" history row each; sets their primary keys."""
    if not objs:
        return objs
    connection = connections[router.db_for_write(model)]
    if connection.vendor not in ("sqlite", "postgresql"):
        return bulk_create_historised(model, objs, user=user, reason=reason)
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    converters = [_converter(f, connection) for f in fields]
    ids = _reserve_ids(connection, model, len(objs))
    rows = []
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
        row = [pk_value]
        for field, convert in zip(fields, converters, strict=True):
            value = field.pre_save(obj, True)
            row.append(convert(value) if convert else value)
        rows.append(row)
        obj._state.adding = False
        obj._state.db = connection.alias
    columns = [pk.column] + [f.column for f in fields]
    _insert(connection, model._meta.db_table, columns, rows)

    history = model.history.model
    position = {column: i for i, column in enumerate(columns)}
    now = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    extra = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": user.pk if user is not None else None,
        "history_user_name": user.get_username() if user is not None else "",
    }
    history_columns = [f.column for f in history._meta.concrete_fields if f.column != "history_id"]
    picks = [(None, extra[c]) if c in extra else (position[c], None) for c in history_columns]
    history_rows = [[row[i] if i is not None else value for i, value in picks] for row in rows]
    _insert(connection, history._meta.db_table, history_columns, history_rows)
    return objs
