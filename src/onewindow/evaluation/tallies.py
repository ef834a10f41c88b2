"""好差评日汇总 (``ReviewTally``): how the review indicators stay fast over millions of reviews.

Every rateable event (a case accepted or completed), every review and every rectification step
adds its share to one tally row in the same transaction as the change itself, so the figures
stay live (实时归集) while a month sums a few thousand rows and all time a few hundred thousand,
instead of joining millions of cases, reviews and rectifications.

A row is keyed by local day × stage × department × window × staff member × item. An event
counts on the case's own attributes and the day it happened; a review on the review's
attributes and the day it was made. These are exactly the scopes in which API.md's formulas
count them, so sums over the tallies equal the formulas over the rows. :func:`rebuild`
recomputes every row from the cases, reviews and rectifications (``rebuild_review_tallies``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, Final, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from onewindow.core import clock
from onewindow.evaluation import events
from onewindow.evaluation.enums import BAD_LEVELS
from onewindow.evaluation.models import Rectification, Review, ReviewTally
from onewindow.workflow.models import Case

COUNTERS: Final = (
    "events",
    "rated",
    "reviews",
    "bad",
    "replied",
    "rectified",
    "revisits",
    "satisfied",
)


class Key(NamedTuple):
    day: date
    stage: str
    department_id: int
    window_code: str
    staff_key: int
    item_id: int


Counts = dict[str, int]


def event_key(case: Case, stage: str) -> Key | None:
    """Where the case's ``stage`` event counts; None while it has not happened."""
    at = events.event_at(case, stage)
    if at is None:
        return None
    return Key(
        clock.local(at).date(),
        stage,
        case.item_version.department_id,
        case.window_code,
        case.clerk_id or 0,
        case.item_id,
    )


def review_key(review: Review) -> Key:
    """Where the review counts: the day it was made and what it concerns."""
    return Key(
        clock.local(review.reviewed_at).date(),
        review.stage,
        review.department_id,
        review.window_code,
        review.staff_id or 0,
        review.item_id,
    )


def review_counts(review: Review, rectification: Rectification | None) -> Counts:
    """What one review adds to the counters (API.md): nothing once an appeal is upheld."""
    if review.is_excluded:
        return {}
    bad = review.level in BAD_LEVELS
    counts = {"reviews": 1, "bad": int(bad)}
    if rectification is not None:
        counts["replied"] = int(bad and rectification.replied_at is not None)
        counts["rectified"] = int(bad and rectification.rectified_at is not None)
        counts["revisits"] = int(rectification.revisited_at is not None)
        counts["satisfied"] = int(rectification.is_revisit_satisfied is True)
    return counts


def add(deltas: Mapping[Key, Mapping[str, int]]) -> None:
    """Add ``deltas`` to the tally rows, creating missing ones, in one statement.

    Call inside the transaction of the change being counted, after its ledger entry: every
    writer then holds the ledger's head lock (kept to commit) before it takes a tally row, so
    writers of the same rows queue instead of deadlocking; rows are taken in key order too.
    """
    rows = sorted(
        (key, [counts.get(c, 0) for c in COUNTERS])
        for key, counts in deltas.items()
        if any(counts.values())
    )
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(ReviewTally._meta.db_table)
    keys = ", ".join(quote(c) for c in Key._fields)
    columns = ", ".join(quote(c) for c in (*Key._fields, *COUNTERS))
    one = "(" + ", ".join(["%s"] * (len(Key._fields) + len(COUNTERS))) + ")"
    increments = ", ".join(
        f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in COUNTERS
    )
    params: list[Any] = []
    for key, values in rows:
        params += [key.day.isoformat(), *key[1:], *values]
    # Only quoted names are formatted in; every value is a parameter.
    statement = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {increments}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def count_event(case: Case, stage: str) -> None:
    """A case was accepted (``accept``) or completed (``complete``): one more rateable event."""
    key = event_key(case, stage)
    if key is not None:
        add({key: {"events": 1}})


def count_review(review: Review) -> None:
    """A new review: its event is now rated, and the review counts on the day it was made."""
    deltas: dict[Key, Counts] = {review_key(review): review_counts(review, None)}
    event = event_key(review.case, review.stage)
    if event is not None:
        deltas.setdefault(event, {})
        deltas[event]["rated"] = deltas[event].get("rated", 0) + 1
    add(deltas)


def counted(rectification: Rectification) -> tuple[Key, Counts]:
    """The review's key and what it counts for now; take it before a step (see count_step)."""
    review = Review.objects.get(pk=rectification.review_id)
    return review_key(review), review_counts(review, rectification)


def count_step(before: tuple[Key, Counts], rectification: Rectification) -> None:
    """A rectification step was saved: move the review's counters from ``before`` to now."""
    key, old = before
    _, new = counted(rectification)
    add({key: {c: new.get(c, 0) - old.get(c, 0) for c in COUNTERS}})


# --------------------------------------------------------------------------- rebuild


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=clock.LOCAL_TZ)


def _rows() -> Iterator[tuple[Key, Counts]]:
    """Every tally contribution computed from the rows, one aggregate query per kind."""
    for stage, at in events.EVENT_FIELDS.items():
        happened = (
            Case.objects.filter(**{f"{at}__isnull": False})
            .annotate(d=_day(at))
            .values_list("d", "item_version__department_id", "window_code", "clerk_id", "item_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for day, department, window, clerk, item, n in happened.iterator(chunk_size=10_000):
            yield Key(day, stage, department, window, clerk or 0, item), {"events": n}
        rated = (
            Review.objects.filter(stage=stage, **{f"case__{at}__isnull": False})
            .annotate(d=_day(f"case__{at}"))
            .values_list(
                "d",
                "case__item_version__department_id",
                "case__window_code",
                "case__clerk_id",
                "case__item_id",
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
        for day, department, window, clerk, item, n in rated.iterator(chunk_size=10_000):
            yield Key(day, stage, department, window, clerk or 0, item), {"rated": n}
    bad = Q(level__in=list(BAD_LEVELS))
    reviews = (
        Review.objects.filter(is_excluded=False)
        .annotate(d=_day("reviewed_at"))
        .values_list("d", "stage", "department_id", "window_code", "staff_id", "item_id")
        .annotate(
            reviews=Count("pk"),
            bad=Count("pk", filter=bad),
            replied=Count("pk", filter=bad & Q(rectification__replied_at__isnull=False)),
            rectified=Count("pk", filter=bad & Q(rectification__rectified_at__isnull=False)),
            revisits=Count("pk", filter=Q(rectification__revisited_at__isnull=False)),
            satisfied=Count("pk", filter=Q(rectification__is_revisit_satisfied=True)),
        )
        .order_by()
    )
    names = COUNTERS[2:]
    for day, stage, department, window, staff, item, *values in reviews.iterator(chunk_size=10_000):
        counts = dict(zip(names, values, strict=True))
        yield Key(day, stage, department, window, staff or 0, item), counts


def compute() -> dict[Key, Counts]:
    """Every tally row as the rows say it should be (zero rows left out)."""
    totals: dict[Key, Counts] = {}
    for key, counts in _rows():
        row = totals.setdefault(key, dict.fromkeys(COUNTERS, 0))
        for name, n in counts.items():
            row[name] += n
    return {k: v for k, v in totals.items() if any(v.values())}


def stored() -> dict[Key, Counts]:
    """The tally rows as stored (zero rows left out)."""
    rows = ReviewTally.objects.values_list(*Key._fields, *COUNTERS).iterator(chunk_size=10_000)
    result: dict[Key, Counts] = {}
    for row in rows:
        counts = dict(zip(COUNTERS, row[len(Key._fields) :], strict=True))
        if any(counts.values()):
            result[Key(*row[: len(Key._fields)])] = counts
    return result


@transaction.atomic
def rebuild() -> int:
    """Recompute every tally row from the cases, reviews and rectifications; the row count.

    On PostgreSQL the table is locked first, so a rating committed meanwhile is counted once:
    either in the recomputation or, waiting for the lock, on top of it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(ReviewTally._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    totals = compute()
    ReviewTally.objects.all().delete()
    ReviewTally.objects.bulk_create(
        (ReviewTally(**key._asdict(), **counts) for key, counts in totals.items()),
        batch_size=2_000,
    )
    return len(totals)


def on_case_event(sender: object, *, case: Case, event: str, **kwargs: object) -> None:
    """Receiver of ``workflow.signals.case_event`` (connected in apps.py)."""
    count_event(case, event)
