"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from onewindow.core import calendar, clock

# Roles that set or rely on deadlines and must know when next year's are only provisional.
CALENDAR_ROLES = ("clerk", "approver", "dept_admin", "centre_admin")


def platform(request: HttpRequest) -> dict[str, object]:
    """Centre name, demo flag and, for staff, the provisional-calendar warning (ARCHITECTURE §5:
    a year no source knows counts weekdays only and admins are alerted)."""
    context: dict[str, object] = {
        "centre_name": settings.CENTRE_NAME,
        "demo_mode": settings.DEMO_MODE,
    }
    user = getattr(request, "user", None)
    has_role = getattr(user, "has_role", None)
    if user is not None and user.is_authenticated and has_role and has_role(*CALENDAR_ROLES):
        year = clock.today().year + 1
        if calendar.is_provisional(year):
            context["calendar_notice"] = (
                f"{year} 年法定节假日安排尚未载入：跨入该年的办理时限暂按周一至周五计算，"
                "并标记为“暂定”。国务院公布安排后，请更新工作日历（chinese_calendar）或在管理后台"
                "录入，系统每日自动重新载入。"
            )
    return context
