"""Page routes (filled in by each app's views)."""

from __future__ import annotations

from django.urls import path

from onewindow.web import views

urlpatterns = [path("", views.home, name="home")]
