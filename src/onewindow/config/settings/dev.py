"""Demo and development settings: SQLite in ./var, debug pages, a fixed local secret."""

from __future__ import annotations

from onewindow.config.settings.base import *  # noqa: F403
from onewindow.config.settings.base import SECRET_KEY as _SECRET

DEBUG = True
DEMO_MODE = True
SECRET_KEY = _SECRET or "onewindow-demo-only-secret-do-not-use-in-production"
ALLOWED_HOSTS = ["*"]
