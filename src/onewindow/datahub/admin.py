"""Registry and certificate library (read-mostly; changes go through services)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from onewindow.datahub.models import (
    BreakerState,
    Certificate,
    DataAccess,
    DataSource,
    Organisation,
    Person,
)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "region_code", "gender", "birth_date")
    search_fields = ("name", "id_number")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "credit_code", "region_code")
    search_fields = ("name", "credit_code")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin[Certificate]):
    list_display = ("identifier", "type", "holder_name", "status", "valid_to")
    list_filter = ("type", "status")
    search_fields = ("identifier", "number", "holder_code")


@admin.register(DataAccess)
class DataAccessAdmin(admin.ModelAdmin[DataAccess]):
    list_display = ("at", "actor", "department", "what", "case_number", "purpose")
    search_fields = ("case_number", "holder_code")


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin[DataSource]):
    """The health of every department source: breaker state, failures, last success/error."""

    list_display = (
        "code", "name", "department", "is_enabled", "health", "consecutive_failures",
        "last_success_at", "last_failure_at", "last_error",
    )  # fmt: skip
    list_filter = ("state", "is_enabled", "department")
    readonly_fields = (
        "state", "consecutive_failures", "opened_at", "last_success_at", "last_failure_at",
        "last_error",
    )  # fmt: skip
    actions = ("reset_breaker",)

    @admin.display(description="健康状态", ordering="state")
    def health(self, obj: DataSource) -> str:
        marks = {BreakerState.CLOSED: "🟢", BreakerState.HALF_OPEN: "🟡", BreakerState.OPEN: "🔴"}
        return f"{marks.get(BreakerState(obj.state), '')} {obj.get_state_display()}"

    @admin.action(description="恢复调用（关闭熔断）")
    def reset_breaker(self, request: HttpRequest, queryset: QuerySet[DataSource]) -> None:
        count = queryset.update(state=BreakerState.CLOSED, consecutive_failures=0, opened_at=None)
        self.message_user(request, f"已恢复 {count} 个数据源。")
