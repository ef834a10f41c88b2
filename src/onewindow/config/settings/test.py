"""Test settings: fast hashing, in-memory-speed SQLite or the DATABASE_URL server."""

from __future__ import annotations

from onewindow.config.settings.base import *  # noqa: F403

DEBUG = False
DEMO_MODE = True
SECRET_KEY = "onewindow-test-secret"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file (not shared-cache memory) so concurrent tests queue on the busy timeout as in
    # production instead of failing with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(HOME / "test-db.sqlite3")}  # noqa: F405
