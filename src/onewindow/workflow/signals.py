"""Named signals through which the workflow tells higher layers what happened to a case."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the service's transaction, after its ledger entry, when a case is accepted
# (``event="accept"``) or completed (``event="complete"``): the service events an applicant may
# rate (GB/T 39046), which the 好差评 indicators count in step. Receivers' writes commit or roll
# back with the change. Arguments: ``case`` (Case), ``event`` (str).
case_event = Signal()
