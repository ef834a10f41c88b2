"""我的数据使用记录: who read my data or certificates, when, for which case and why."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.datahub import access, selectors
from onewindow.web.pages import roles_required, signed_in_user

PAGE_SIZE = 20


@roles_required("citizen", "enterprise")
def my_data_access(request: HttpRequest) -> HttpResponse:
    """The applicant's own access log, newest first."""
    holder = access.holder_code_of(signed_in_user(request))
    rows = selectors.list_data_access(holder) if holder else selectors.list_data_access("-")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "datahub/my_data_access.html", {"nav": "my", "page": page})
