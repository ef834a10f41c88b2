"""Top-level pages: home and sign-in."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.web.pages import current_user


def home(request: HttpRequest) -> HttpResponse:
    """Entry tiles by role (窗口受理, 办事指南, 进度查询, 我的办件, 管理后台)."""
    user = current_user(request)
    roles = user.role_set if user is not None else frozenset()
    show_admin = user is not None and (user.is_staff or user.has_role("centre_admin"))
    return render(request, "web/home.html", {"roles": roles, "show_admin": show_admin})


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires) and return to the home page."""
