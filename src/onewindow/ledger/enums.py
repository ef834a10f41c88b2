"""Ledger choices and event types. Stored values never change once written."""

from __future__ import annotations

from django.db import models


class ForkKind(models.TextChoices):
    """What a witness saw: two checkpoints no consistency proof connects, or a smaller tree."""

    FORK = "fork", "分叉"
    SHRINK = "shrink", "回退"


class Event(models.TextChoices):
    """Ledger events written by the ledger itself."""

    WITNESS_REGISTERED = "ledger.witness_registered", "登记见证方"
    FORK_REPORTED = "ledger.fork_reported", "见证方报告分叉"
    FORK_RESOLVED = "ledger.fork_resolved", "分叉报告已处理"
