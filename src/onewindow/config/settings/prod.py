"""Production settings: a secret and hosts must come from the environment."""

from __future__ import annotations

from onewindow.config.settings.base import *  # noqa: F403
from onewindow.config.settings.base import SECRET_KEY as _SECRET

if not _SECRET:
    raise RuntimeError("生产环境必须设置 ONEWINDOW_SECRET_KEY 或 ONEWINDOW_SECRET_KEY_FILE")
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
