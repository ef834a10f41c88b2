"""Archived reports in the admin (read-only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from onewindow.analytics.models import DispatchReport


@admin.register(DispatchReport)
class DispatchReportAdmin(admin.ModelAdmin[DispatchReport]):
    list_display = ("period", "key", "starts_on", "ends_on", "generated_at", "ledger_index")
    list_filter = ("period",)
    readonly_fields = [f.name for f in DispatchReport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
