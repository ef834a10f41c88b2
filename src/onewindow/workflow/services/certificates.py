"""Cases that relied on an electronic certificate whose status changed (免提交的证照被撤销…)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from onewindow.datahub.enums import CertificateStatus
from onewindow.datahub.models import Certificate
from onewindow.ledger import services as ledger
from onewindow.workflow.enums import CLOSED_CASE_STATUSES, Event
from onewindow.workflow.models import Case


@transaction.atomic
def flag_cases_for_certificate(*, certificate: Certificate, new_status: str) -> int:
    """Flag (or clear) every open case whose materials were served by ``certificate``.

    A certificate that stops being valid sets the case's ``certificate_alert``; one that is
    valid again clears it. Returns how many cases changed. Side effect: a ledger entry
    ``case.certificate_flagged`` per case (no personal data: the identifier and the status).
    """
    # Ids first: PostgreSQL refuses FOR UPDATE together with the DISTINCT the join needs.
    ids = set(
        Case.objects.filter(materials__certificate_identifier=certificate.identifier)
        .exclude(status__in=CLOSED_CASE_STATUSES)
        .values_list("pk", flat=True)
    )
    cases = list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if new_status == CertificateStatus.VALID:
        alert = ""
    else:
        label = CertificateStatus(new_status).label
        alert = f"受理时调用的电子证照“{certificate.type.name}”已{label}，请核实申请材料"
    changed = [c for c in cases if c.certificate_alert != alert]
    for case in changed:
        case.certificate_alert = alert
        case.save(update_fields=["certificate_alert", "updated_at"])
    ledger.record_many(
        [
            ledger.Event(
                Event.CASE_CERTIFICATE_FLAGGED,
                "system",
                case.ledger_ref,
                {"certificate": certificate.identifier, "status": new_status},
            )
            for case in changed
        ]
    )
    return len(changed)


def on_certificate_status_changed(sender: Any, **kwargs: Any) -> None:
    """Receiver of ``datahub.signals.certificate_status_changed`` (connected in apps.py)."""
    flag_cases_for_certificate(certificate=kwargs["certificate"], new_status=kwargs["new_status"])
