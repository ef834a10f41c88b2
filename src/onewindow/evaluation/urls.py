"""好差评 pages, mounted by ``web.urls`` under the ``evaluation`` namespace."""

from __future__ import annotations

from django.urls import path

from onewindow.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("reviews/cases/<str:number>/", views.rate_case_page, name="rate-case"),
    path("reviews/cases/<str:number>/block/", views.case_reviews, name="case-reviews"),
    path("rate/tablet/", views.tablet, name="tablet"),
    path("rate/<str:token>/", views.rate_with_token, name="rate-token"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path(
        "rectifications/<int:rectification_id>/actions/",
        views.rectification_action,
        name="rectification-action",
    ),
    path("scorecards/", views.scorecard_page, name="scorecard"),
    path("kpis/reviews/", views.dashboard, name="dashboard"),
    path("kpis/reviews/figures/", views.dashboard_figures, name="dashboard-figures"),
]
