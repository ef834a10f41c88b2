"""Catalog errors."""

from __future__ import annotations

from onewindow.core.errors import BadInput, NotFound


class ItemNotFound(NotFound):
    code = "item.not_found"
    message = "事项不存在"


class BundleNotFound(NotFound):
    code = "bundle.not_found"
    message = "一件事套餐不存在"


class CatalogDataInvalid(BadInput):
    code = "catalog.invalid"
    message = "事项数据不符合目录规范"
