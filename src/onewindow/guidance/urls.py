"""Guidance pages, mounted by ``onewindow.web.urls`` under the ``guidance`` namespace."""

from __future__ import annotations

from django.urls import path

from onewindow.guidance import views

app_name = "guidance"

urlpatterns = [
    path("guidance/", views.index, name="index"),
    path("guidance/needs/<str:code>/", views.needs, name="needs"),
]
