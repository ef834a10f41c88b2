"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, object]:
    """Centre name and demo flag for the page chrome."""
    return {"centre_name": settings.CENTRE_NAME, "demo_mode": settings.DEMO_MODE}
