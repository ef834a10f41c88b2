"""Named signals through which the data hub tells higher layers what changed."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after commit when a certificate stops (or starts again) being valid.
# Arguments: ``certificate`` (Certificate), ``old_status`` and ``new_status`` (status codes).
certificate_status_changed = Signal()
