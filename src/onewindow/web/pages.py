"""Helpers shared by the page views of every app: who is signed in, role gates, and turning
the domain's "not found"/"forbidden" errors into the usual 404/403 pages.

Views stay thin (STYLE §3): these helpers only parse the request and map errors; decisions
about what a user may see are made by each app's ``access`` module.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from onewindow.accounts.models import User
from onewindow.core import errors

P = ParamSpec("P")
PageView = Callable[Concatenate[HttpRequest, P], HttpResponse]


def current_user(request: HttpRequest) -> User | None:
    """The signed-in user, or None for visitors."""
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return user
    return None


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of a view behind :func:`roles_required` (never None there)."""
    user = current_user(request)
    if user is None:
        raise PermissionDenied("请先登录")
    return user


def roles_required(*roles: str) -> Callable[[PageView[P]], PageView[P]]:
    """Visitors go to the sign-in page; a signed-in user without one of ``roles`` gets 403.

    With no roles, any signed-in user passes. Domain ``NotFound`` becomes 404 and domain
    ``PermissionDenied`` becomes 403, so out-of-scope objects look missing, as in the API.
    """

    def decorator(view: PageView[P]) -> PageView[P]:
        inner = map_domain_errors(view)

        def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            user = current_user(request)
            if user is None:
                return redirect_to_login(request.get_full_path())
            if roles and not user.has_role(*roles):
                raise PermissionDenied("当前账号无权访问此页面")
            return inner(request, *args, **kwargs)

        update_wrapper(wrapped, view)
        return wrapped

    return decorator


def map_domain_errors(view: PageView[P]) -> PageView[P]:
    """Raise Django's 404/403 for the domain's NotFound/PermissionDenied errors."""

    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound as exc:
            raise Http404(exc.message) from exc
        except errors.PermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except errors.NotAuthenticated:
            return redirect_to_login(request.get_full_path())

    update_wrapper(wrapped, view)
    return wrapped


def is_partial(request: HttpRequest) -> bool:
    """An HTMX request that wants a fragment (history restores want the whole page)."""
    details = getattr(request, "htmx", None)
    return bool(details) and not bool(getattr(details, "history_restore_request", False))


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Pages that answer HTMX with a fragment must not be cached as the whole page."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser, saved under ``filename`` when downloaded."""
    response = HttpResponse(content, content_type="application/pdf")
    # RFC 6266: filename* carries the Chinese name; the ASCII fallback keeps old clients happy.
    ascii_name = filename.encode("ascii", "ignore").decode() or "document.pdf"
    response["Content-Disposition"] = (
        f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response
