"""Test settings: fast hashing, in-memory-speed SQLite or the DATABASE_URL server."""

from __future__ import annotations

from onewindow.config.settings.base import *  # noqa: F403

DEBUG = False
DEMO_MODE = True
SECRET_KEY = "onewindow-test-secret"  # noqa: S105 - test-only value
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
