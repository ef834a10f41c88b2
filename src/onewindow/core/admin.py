"""Working-day calendar maintenance: an admin's edit is a local adjustment that wins."""

from __future__ import annotations

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from onewindow.core import calendar
from onewindow.core.models import CalendarDay, CalendarYear


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ("day", "is_working", "name", "is_local_adjustment")
    list_filter = ("is_working", "is_local_adjustment")
    date_hierarchy = "day"
    readonly_fields = ("is_local_adjustment",)

    def save_model(
        self, request: HttpRequest, obj: CalendarDay, form: ModelForm[CalendarDay], change: bool
    ) -> None:
        obj.is_local_adjustment = True
        super().save_model(request, obj, form, change)
        calendar.invalidate()

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        super().delete_model(request, obj)
        calendar.invalidate()


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ("year", "source", "updated_at")
    readonly_fields = ("year", "source")


from onewindow.core.notifications import admin as _notifications_admin  # noqa: E402, F401
