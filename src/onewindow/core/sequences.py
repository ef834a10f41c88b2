"""Gap-tolerant, concurrency-safe counters for readable numbers (办件编号, 文书编号)."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from onewindow.core.models import Counter


def next_value(key: str) -> int:
    """Increment counter ``key`` and return its new value (1 for a new key).

    One statement: the row lock is held only until the caller's transaction ends.
    """
    table = connection.ops.quote_name(Counter._meta.db_table)
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET value = value + 1 WHERE key = %s RETURNING value",
                [key],
            )
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                Counter.objects.create(key=key, value=1)
            return 1
        except IntegrityError:
            continue
    raise RuntimeError(f"counter {key} could not be incremented")
