"""办事指南 pages: search and browse the catalog, item guides, and 一件事 bundles."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.accounts.models import Department
from onewindow.catalog import selectors
from onewindow.web.pages import current_user, is_partial, vary_on_htmx

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 100


def index(request: HttpRequest) -> HttpResponse:
    """Search (as you type, via HTMX), filter by department, browse the life-event bundles."""
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    department = request.GET.get("department", "").strip()[:20]
    everything = selectors.search_items()
    results = selectors.search_items(q, department) if q or department else everything
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"q": q, "department": department, "page": page, "total": len(results)}
    if is_partial(request):
        return vary_on_htmx(render(request, "catalog/_results.html", context))
    departments: dict[str, Department] = {v.department.code: v.department for v in everything}
    context |= {
        "nav": "guide",
        "departments": sorted(departments.values(), key=lambda d: d.code),
        "bundles": selectors.list_bundles(),
    }
    return vary_on_htmx(render(request, "catalog/index.html", context))


def item_guide(request: HttpRequest, code: str) -> HttpResponse:
    """One item's guide: conditions, materials, stages, limits, fee, basis, version."""
    version = selectors.get_item_guide(code)
    if version is None:
        raise Http404("事项不存在")
    user = current_user(request)
    materials = list(version.materials.all())
    return render(
        request,
        "catalog/item.html",
        {
            "nav": "guide",
            "v": version,
            "materials": materials,
            "conditions": [m for m in materials if m.condition],
            "stages": selectors.item_stages(version),
            "form_fields": list(version.form_fields.all()),
            "is_clerk": user is not None and user.has_role("clerk"),
        },
    )


def bundle(request: HttpRequest, code: str) -> HttpResponse:
    """一件事: what it covers and the items it bundles."""
    found = selectors.get_bundle(code)
    if found is None:
        raise Http404("一件事套餐不存在")
    codes = [entry.item.code for entry in found.entries.all()]
    by_code = {v.item.code: v for v in selectors.current_items().filter(item__code__in=codes)}
    user = current_user(request)
    return render(
        request,
        "catalog/bundle.html",
        {
            "nav": "guide",
            "bundle": found,
            "items": [by_code[c] for c in codes if c in by_code],
            "is_clerk": user is not None and user.has_role("clerk"),
        },
    )
