"""Report pages, mounted by ``web.urls`` under the ``analytics`` namespace."""

from __future__ import annotations

from django.urls import path

from onewindow.analytics import views

app_name = "analytics"

urlpatterns = [
    path("reports/", views.dispatch, name="dispatch"),
    path("reports/generate/", views.generate, name="generate"),
    path("reports/<int:report_id>/<str:kind>/", views.download, name="download"),
    path("reports/collaboration/", views.ranking, name="ranking"),
]
