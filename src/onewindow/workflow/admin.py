"""Cases are changed only by services; the admin shows them read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from onewindow.workflow.models import Case, CaseTask


class CaseTaskInline(admin.TabularInline[CaseTask, Case]):
    model = CaseTask
    extra = 0
    can_delete = False
    readonly_fields = ("stage", "name", "department", "status", "opened_on", "due_on")
    fields = readonly_fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = ("number", "item", "status", "accepted_at", "promised_due_on", "window_code")
    list_filter = ("status", "channel")
    search_fields = ("number",)
    inlines = (CaseTaskInline,)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
