"""Page routes. The pages of every app are mounted here under their own namespace:
``accounts`` (sign-in), ``catalog`` (办事指南), ``intake`` (窗口受理, 网上申请, 告知书) and
``workflow`` (我的办件, 办件详情, 进度查询)."""

from __future__ import annotations

from django.urls import include, path

from onewindow.catalog import views as catalog
from onewindow.datahub import views as datahub
from onewindow.intake import views as intake
from onewindow.web import views
from onewindow.workflow import views as workflow

account_patterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]

catalog_patterns = [
    path("guide/", catalog.index, name="index"),
    path("guide/items/<str:code>/", catalog.item_guide, name="item"),
    path("guide/bundles/<str:code>/", catalog.bundle, name="bundle"),
]

intake_patterns = [
    path("window/", intake.window, name="window"),
    path("window/items/", intake.window_items, name="window-items"),
    path("window/checklist/", intake.window_checklist, name="window-checklist"),
    path("window/submit/", intake.window_submit, name="window-submit"),
    path("window/refuse/", intake.window_refuse, name="window-refuse"),
    path("window/accepted/", intake.window_accepted, name="window-accepted"),
    path("window/cases/<str:number>/receipt.pdf", intake.receipt_pdf, name="receipt"),
    path("apply/<str:item_code>/", intake.apply, name="apply"),
    path("notices/<str:number>/", intake.notice, name="notice"),
    path("notices/<str:number>/notice.pdf", intake.notice_pdf, name="notice-pdf"),
    path("refusals/<str:number>/", intake.refusal, name="refusal"),
    path("refusals/<str:number>/decision.pdf", intake.refusal_pdf, name="refusal-pdf"),
]

workflow_patterns = [
    path("my/cases/", workflow.my_cases, name="my-cases"),
    path("cases/<str:number>/", workflow.case_page, name="case"),
    path("progress/", workflow.progress, name="progress"),
    path("progress/<str:number>/", workflow.progress, name="progress-case"),
    path("cases/<str:number>/actions/<str:action>/", workflow.case_action, name="case-action"),
    path("cases/<str:number>/result.pdf", workflow.result_notice, name="result-notice"),
    path("inbox/", workflow.inbox, name="inbox"),
    path("supervision/", workflow.supervision, name="supervision"),
    path("messages/", workflow.messages_page, name="messages"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include((account_patterns, "accounts"))),
    path("", include((catalog_patterns, "catalog"))),
    path("", include((intake_patterns, "intake"))),
    path("", include((workflow_patterns, "workflow"))),
    path("", include("onewindow.analytics.urls")),
    path("", include("onewindow.evaluation.urls")),
    path("", include("onewindow.ledger.urls")),
    path("", include("onewindow.guidance.urls")),
    path(
        "my/data-access/",
        include(([path("", datahub.my_data_access, name="my-data-access")], "datahub")),
    ),
]
