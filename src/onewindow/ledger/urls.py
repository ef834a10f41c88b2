"""Ledger pages, mounted at the site root by ``web/urls.py``."""

from __future__ import annotations

from django.urls import path

from onewindow.ledger import views

app_name = "ledger"

urlpatterns = [
    path("ledger/verify/", views.verify, name="verify"),
    path("ledger/witnesses/", views.witnesses, name="witnesses"),
    path("ledger/entries/", views.entries, name="entries"),
]
