"""Named signals of the ledger, for higher layers (ARCHITECTURE §3: a lower app notifies a
higher one only through a named signal). Receivers must not raise."""

from __future__ import annotations

from django.dispatch import Signal

fork_reported = Signal()
"""Sent after a witness's fork or rollback report is stored; ``report`` is the ForkReport.

The centre must be alerted: a higher app (notifications) connects here to reach the centre's
administrators; the ledger itself logs the report at CRITICAL and shows it on the centre's
witness page.
"""
