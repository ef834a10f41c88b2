"""Fill the daily review tallies from the cases, reviews and rectifications already stored.

The same computation as ``evaluation.tallies.rebuild`` (which ``onewindow
rebuild_review_tallies`` runs), written against the historical models as data migrations must be.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

BAD_LEVELS = [4, 5]
COUNTERS = ("events", "rated", "reviews", "bad", "replied", "rectified", "revisits", "satisfied")


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    case_model = apps.get_model("workflow", "Case")
    review_model = apps.get_model("evaluation", "Review")
    tally_model = apps.get_model("evaluation", "ReviewTally")
    zone = ZoneInfo(settings.TIME_ZONE)
    totals: dict[tuple[Any, ...], dict[str, int]] = {}

    def put(key: tuple[Any, ...], **counts: int) -> None:
        row = totals.setdefault(key, dict.fromkeys(COUNTERS, 0))
        for name, n in counts.items():
            row[name] += n

    for stage, at in (("accept", "accepted_at"), ("complete", "completed_at")):
        events = (
            case_model.objects.filter(**{f"{at}__isnull": False})
            .annotate(d=TruncDate(at, tzinfo=zone))
            .values_list("d", "item_version__department_id", "window_code", "clerk_id", "item_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for day, department, window, clerk, item, n in events.iterator(chunk_size=10_000):
            put((day, stage, department, window, clerk or 0, item), events=n)
        rated = (
            review_model.objects.filter(stage=stage, **{f"case__{at}__isnull": False})
            .annotate(d=TruncDate(f"case__{at}", tzinfo=zone))
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
            put((day, stage, department, window, clerk or 0, item), rated=n)
    bad = Q(level__in=BAD_LEVELS)
    reviews = (
        review_model.objects.filter(is_excluded=False)
        .annotate(d=TruncDate("reviewed_at", tzinfo=zone))
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
    for day, stage, department, window, staff, item, *values in reviews.iterator(chunk_size=10_000):
        put(
            (day, stage, department, window, staff or 0, item),
            **dict(zip(COUNTERS[2:], values, strict=True)),
        )
    tally_model.objects.all().delete()
    tally_model.objects.bulk_create(
        (
            tally_model(
                day=day,
                stage=stage,
                department_id=department,
                window_code=window,
                staff_key=staff,
                item_id=item,
                **counts,
            )
            for (day, stage, department, window, staff, item), counts in totals.items()
        ),
        batch_size=2_000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_review_tallies"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
