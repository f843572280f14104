"""Bulk writes for imports: one prepared INSERT or UPDATE sent with executemany, rows as plain tuples.

Django's bulk_create builds a model instance per row and compiles every value through the ORM; for the
audit and search rows of a 100k-record import that was a third of its time. These functions write the same
columns in the caller's transaction, converting only the values a database adapter cannot take as they are
(JSON, dates, decimals, bytes). No signals, no `save()`: callers own the rules a model would check.
"""

import gc
import json
import threading
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

# Field types whose Python value needs the field's own conversion (Jsonb on PostgreSQL, text on SQLite…).
_CONVERTED = frozenset({"JSONField", "DateTimeField", "DateField", "TimeField", "DecimalField", "BinaryField",
                        "UUIDField", "DurationField"})
ROWS_PER_CALL = 2000  # rows per executemany call: bounds the memory of one batch, not the statement size


def _converter(field):
    """The field's own conversion, skipped for None (NULL whatever the field, except JSON's null) and done
    once for a value repeated row after row (the one `now` of an import's every row)."""
    last: list = [object(), None]
    is_json = field.get_internal_type() == "JSONField"

    def convert(value):
        if value is None and not is_json:
            return None
        if value is last[0] and not is_json:  # JSON values are mutable: always converted
            return last[1]
        converted = field.get_db_prep_save(value, connection)
        last[0], last[1] = value, converted
        return converted
    return convert


def _prepared(model, names: Sequence[str]):
    fields = [model._meta.get_field(name) for name in names]
    converters = [_converter(f) if f.get_internal_type() in _CONVERTED else None for f in fields]
    return [f.column for f in fields], converters


def _convert(converters, row):
    return tuple(value if convert is None else convert(value) for convert, value in zip(converters, row, strict=True))


def _run(sql: str, converters, rows: Iterable[Sequence]) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk writes must run inside the service's transaction")
    written, batch = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(_convert(converters, row))
            if len(batch) >= ROWS_PER_CALL:
                cursor.executemany(sql, batch)
                written, batch = written + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def insert_rows(model, names: Sequence[str], rows: Iterable[Sequence]) -> int:
    """INSERT each row (values in the order of `names`, field names; a foreign key takes the related id)."""
    columns, converters = _prepared(model, names)
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    return _run(sql, converters, rows)


def update_rows(model, names: Sequence[str], rows: Iterable[Sequence]) -> int:
    """UPDATE by primary key: each row holds the values of `names`, then the primary key."""
    columns, converters = _prepared(model, names)
    qn = connection.ops.quote_name
    pk = model._meta.pk
    sql = (f"UPDATE {qn(model._meta.db_table)} SET {', '.join(f'{qn(c)} = %s' for c in columns)} "
           f"WHERE {qn(pk.column)} = %s")
    return _run(sql, [*converters, None], rows)


def key_set(keys: Iterable[str]) -> RawSQL:
    """These strings as a subquery for `field__in=`: one parameter however many they are. Django's `__in`
    with a list prepares each value and SQLite caps the variables of a statement; an import looks up 100k keys."""
    keys = list(keys)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [keys])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(keys)])



_pause_lock = threading.Lock()
_pause = {"count": 0, "was_enabled": False}


@contextmanager
def collector_paused():
    """The cyclic garbage collector off for the length of a bulk job, on again after the last one ends (if
    it was on before the first); also a decorator.

    An import holds its payload, a million small dicts and lists, from start to end: every full collection
    walked them all for nothing (a quarter of a 20k-record import's CPU, bench/import_bench.py). Reference
    counting still frees everything as usual; only the rare cycles made meanwhile wait for the next collection.
    The pause is counted under a lock: of two imports in one process (two threads of a worker), the first to
    end leaves the collector off for the other, and the last one restores what the first one found.
    """
    with _pause_lock:
        if _pause["count"] == 0:
            _pause["was_enabled"] = gc.isenabled()
            gc.disable()
        _pause["count"] += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pause["count"] -= 1
            if _pause["count"] == 0 and _pause["was_enabled"]:
                gc.enable()
