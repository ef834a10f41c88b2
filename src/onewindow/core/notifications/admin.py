"""The outbox in the admin: read-only, with an action to send failed messages again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from onewindow.core.notifications import services
from onewindow.core.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationDelivery,
)


class DeliveryInline(admin.TabularInline[NotificationDelivery, Notification]):
    model = NotificationDelivery
    extra = 0
    can_delete = False
    readonly_fields = ("channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    fields = readonly_fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("created_at", "template", "title", "recipient", "target", "read_at")
    list_filter = ("template", "deliveries__status", "deliveries__channel")
    search_fields = ("title", "target")
    readonly_fields = (
        "template",
        "title",
        "body",
        "recipient",
        "phone",
        "target",
        "dedupe_key",
        "read_at",
    )
    inlines = (DeliveryInline,)
    actions = ("send_again",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="重新发送失败的渠道")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        failed = NotificationDelivery.objects.filter(
            notification__in=queryset, status=DeliveryStatus.FAILED
        )
        count = 0
        for delivery in failed:
            services.resend(delivery)
            count += 1
        self.message_user(request, f"已重新排队 {count} 条投递", messages.SUCCESS)
