"""Registry and certificate writes, and the access log of every read."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.datahub.models import Certificate, DataAccess


@dataclass(frozen=True)
class Read:
    holder_code: str
    what: str
    certificate: Certificate | None = None


def log_reads(
    *, actor: User | None, reads: list[Read], purpose: str, case_number: str = ""
) -> None:
    """Record who read which data, when, for which case and why (用证事由), in one insert."""
    if not reads:
        return
    now = clock.now()
    department = actor.department if actor is not None else None
    with transaction.atomic():
        DataAccess.objects.bulk_create(
            DataAccess(
                at=now,
                actor=actor,
                department=department,
                holder_code=r.holder_code,
                certificate=r.certificate,
                what=r.what,
                case_number=case_number,
                purpose=purpose,
            )
            for r in reads
        )
