"""The server-rendered pages: layout, home, sign-in and the helpers the app views share."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "onewindow.web"
    label = "web"
    verbose_name = "页面"
