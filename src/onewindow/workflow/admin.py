"""Cases are changed only by services; the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onewindow.workflow.models import (
    Case,
    CaseTask,
    Escalation,
    Extension,
    PointEntry,
    PointRule,
    PointWeight,
    SpecialProcedure,
    SupplementRequest,
)


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


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin[PointRule]):
    """积分规则: the centre edits what each event is worth and switches rules on or off; the
    events themselves are fixed in code."""

    list_display = ("code", "points", "is_active", "description", "updated_at")
    list_editable = ("points", "is_active")
    readonly_fields = ("code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the rules are created with their defaults on first use

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Rows written only by services: shown, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "department", "rule", "points", "case", "ledger_index")
    list_filter = ("month", "rule", "department")
    search_fields = ("case__number",)


@admin.register(PointWeight)
class PointWeightAdmin(ReadOnlyAdmin):
    list_display = ("set_at", "percent", "set_by")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "level", "department", "task", "due_on", "overdue_days")
    list_filter = ("level", "department")


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "case", "department", "days", "is_joint", "status")
    list_filter = ("status", "is_joint")


@admin.register(SpecialProcedure)
class SpecialProcedureAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "case", "kind", "department", "ended_at", "paused_days")
    list_filter = ("kind",)


@admin.register(SupplementRequest)
class SupplementRequestAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "case", "department", "received_at", "paused_days")
