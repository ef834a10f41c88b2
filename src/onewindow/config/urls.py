"""URL configuration: the API under /api/v1/, the admin, and the Chinese pages."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from onewindow.config.api import api

admin.site.site_header = "一窗通办管理后台"
admin.site.site_title = "一窗通办"
admin.site.index_title = "事项、部门与账号维护"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("onewindow.web.urls")),
]
