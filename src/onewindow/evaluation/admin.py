"""Admin views of reviews, rectifications and scorecard weights (changes go through services)."""

from __future__ import annotations

from django.contrib import admin

from onewindow.evaluation.models import (
    Rectification,
    RectificationEscalation,
    Review,
    ScorecardWeight,
)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = ("case", "stage", "level", "channel", "department", "is_excluded", "reviewed_at")
    list_filter = ("stage", "level", "channel", "is_excluded")
    exclude = ("evaluator",)  # identity protection: who rated is not shown here

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin[Rectification]):
    list_display = (
        "pk",
        "department",
        "status",
        "classification",
        "rectify_due_on",
        "step_due_on",
        "escalation_level",
    )
    list_filter = ("status", "classification", "escalation_level")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(RectificationEscalation)
class RectificationEscalationAdmin(admin.ModelAdmin[RectificationEscalation]):
    list_display = ("rectification", "status", "level", "due_on", "overdue_days", "created_at")
    list_filter = ("level", "status")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ScorecardWeight)
class ScorecardWeightAdmin(admin.ModelAdmin[ScorecardWeight]):
    list_display = ("set_at", "review_percent", "rectification_percent", "points_percent")

    def has_add_permission(self, request: object) -> bool:
        return False
