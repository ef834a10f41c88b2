"""Public catalog endpoints: items, item guides, bundles (API.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from onewindow.catalog import selectors
from onewindow.catalog.errors import BundleNotFound, ItemNotFound
from onewindow.catalog.models import Bundle, ItemVersion
from onewindow.core.http import paginate

router = Router(tags=["事项目录"])


class ItemFilter(Schema):
    q: str = ""
    department: str = ""
    page: int | None = None
    page_size: int | None = None


def item_summary(v: ItemVersion) -> dict[str, Any]:
    return {
        "code": v.item.code,
        "name": v.name,
        "department": {"code": v.department.code, "name": v.department.name},
        "item_type": v.item_type,
        "item_type_code": v.item_type_code,
        "target": v.target,
        "promised_days": v.promised_days,
        "legal_days": v.legal_days,
        "is_instant": v.is_instant,
        "visits": v.visits,
        "online": v.online,
    }


def item_guide(v: ItemVersion) -> dict[str, Any]:
    return {
        **item_summary(v),
        "aliases": list(v.aliases),
        "keywords": list(v.keywords),
        "description": v.description,
        "fee": v.fee,
        "legal_basis": v.legal_basis,
        "version": v.version,
        "basic_code": v.basic_code or None,
        "implementation_code": v.implementation_code or None,
        "materials": [
            {
                "id": m.code,
                "name": m.name,
                "required": m.required,
                "condition": m.condition or None,
                "is_form": m.is_form,
                "is_key": m.is_key,
                "copies": m.copies,
                "form": m.form,
                "certificate_type": m.certificate_type.code if m.certificate_type else None,
            }
            for m in v.materials.all()
        ],
        "stages": [
            {
                "order": stage.order,
                "kind": stage.kind,
                "tasks": [
                    {
                        "name": s.name,
                        "department": {"code": s.department.code, "name": s.department.name},
                        "role": s.role,
                        "days": s.days,
                    }
                    for s in stage.steps
                ],
            }
            for stage in selectors.item_stages(v)
        ],
        "form_fields": [{"name": f.name, "source": f.source} for f in v.form_fields.all()],
    }


def bundle_body(b: Bundle) -> dict[str, Any]:
    return {
        "code": b.code,
        "name": b.name,
        "items": [e.item.code for e in b.entries.all()],
        "description": b.description,
        "promised_days": b.promised_days,
        "shared_materials": b.shared_materials,
    }


def _bundle_bodies(bundles: Any) -> list[dict[str, Any]]:
    return [bundle_body(b) for b in bundles]


@router.get("/items", auth=None, summary="事项列表与检索")
def list_items(request: HttpRequest, filters: Query[ItemFilter]) -> dict[str, Any]:
    rows = selectors.search_items(filters.q, filters.department)
    return paginate(rows, filters.page, filters.page_size, lambda vs: [item_summary(v) for v in vs])


@router.get("/items/{code}", auth=None, summary="办事指南")
def get_item(request: HttpRequest, code: str) -> dict[str, Any]:
    version = selectors.get_item_guide(code)
    if version is None:
        raise ItemNotFound()
    return item_guide(version)


@router.get("/bundles", auth=None, summary="一件事套餐列表")
def list_bundles(
    request: HttpRequest, page: int | None = None, page_size: int | None = None
) -> dict[str, Any]:
    return paginate(selectors.list_bundles(), page, page_size, _bundle_bodies)


@router.get("/bundles/{code}", auth=None, summary="一件事套餐详情")
def get_bundle(request: HttpRequest, code: str) -> dict[str, Any]:
    bundle = selectors.get_bundle(code)
    if bundle is None:
        raise BundleNotFound()
    return bundle_body(bundle)
