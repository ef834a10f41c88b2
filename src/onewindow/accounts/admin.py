"""Departments, users and roles."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from onewindow.accounts.models import Department, RoleGrant, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("code", "name", "short_name", "parent", "kind", "credit_code")
    search_fields = ("code", "name")
    list_filter = ("kind",)


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]  # generic only in the stubs
    list_display = ("username", "name", "department", "window_code", "is_active")
    list_filter = ("department", "is_active", "role_grants__role")
    search_fields = ("username", "name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]  # stubs type it as optional
        ("一窗通办", {"fields": ("name", "department", "window_code")}),
    )
    inlines = (RoleGrantInline,)
