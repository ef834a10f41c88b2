"""The ``onewindow`` console script: Django's management commands under one name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command (``onewindow demo``, ``onewindow migrate`` …)."""
    # Only config.env reads the environment in application code; the entry point must pick the
    # settings module before Django is imported, so it is the single other exception.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["onewindow", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
