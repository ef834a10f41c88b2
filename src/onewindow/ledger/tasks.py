"""Background jobs of the ledger and their schedule."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django_tasks import task

from onewindow.core import scheduler
from onewindow.ledger import services


@task()
def publish_checkpoint() -> int | None:
    """Publish the checkpoint of every committed entry for the witnesses to cosign.

    Returns the size published (or already published), None for an empty log. The live
    checkpoint at ``/api/v1/ledger/checkpoint`` is signed on demand; this job gives witnesses
    a fixed checkpoint per period to agree on (ARCHITECTURE §2).
    """
    checkpoint, _ = services.publish_checkpoint()
    return checkpoint.size if checkpoint else None


def _period() -> scheduler.Period:
    period = str(settings.LEDGER.get("CHECKPOINT_PERIOD", "hour"))
    if period not in scheduler.PERIODS:
        raise ValueError(f"ONEWINDOW_LEDGER_CHECKPOINT_PERIOD 无效：{period!r}")
    return cast(scheduler.Period, period)


scheduler.register("ledger.checkpoint", _period(), publish_checkpoint)
