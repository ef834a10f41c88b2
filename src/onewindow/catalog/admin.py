"""Catalog maintenance. Editing an item version publishes a new version through the service;
the edited row itself never changes, so running cases keep the version they were accepted on."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from onewindow.catalog import services
from onewindow.catalog.errors import CatalogDataInvalid
from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    CertificateType,
    DistrictVariant,
    FormField,
    Item,
    ItemVersion,
    Material,
    Step,
)


class MaterialInline(admin.TabularInline[Material, ItemVersion]):
    model = Material
    extra = 0
    fields = (
        "position",
        "code",
        "name",
        "required",
        "condition",
        "is_form",
        "is_key",
        "copies",
        "form",
        "certificate_type",
        "data_fields",
    )


class StepInline(admin.TabularInline[Step, ItemVersion]):
    model = Step
    extra = 0
    fields = ("position", "name", "kind", "department", "role", "days", "parallel_group")


class FormFieldInline(admin.TabularInline[FormField, ItemVersion]):
    model = FormField
    extra = 0
    fields = ("position", "name", "source")


def _rows(formset: BaseInlineFormSet[Any, Any, Any]) -> list[dict[str, Any]]:
    rows = [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]
    return sorted(rows, key=lambda r: r.get("position") or 0)


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin[ItemVersion]):
    list_display = (
        "item",
        "name",
        "version",
        "is_current",
        "department",
        "promised_days",
        "legal_days",
        "online",
    )
    list_filter = ("is_current", "department", "item_type_code", "online")
    search_fields = ("item__code", "name", "search_text")
    readonly_fields = ("item", "version", "is_current", "effective_from", "effective_to")
    inlines = (MaterialInline, StepInline, FormFieldInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new items come from the catalog loader or a new version of an item

    def has_change_permission(self, request: HttpRequest, obj: ItemVersion | None = None) -> bool:
        if obj is not None and not obj.is_current:
            return False  # history is read-only
        return super().has_change_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ItemVersion]:
        return super().get_queryset(request).select_related("item", "department")

    def save_model(
        self, request: HttpRequest, obj: ItemVersion, form: ModelForm[ItemVersion], change: bool
    ) -> None:
        """Publishing happens in save_related, once the inline rows are known."""

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[ItemVersion],
        formsets: list[BaseInlineFormSet[Any, Any, Any]],
        change: bool,
    ) -> None:
        data = form.cleaned_data
        version = form.instance
        for formset in formsets:  # the admin's change message reads these after saving
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        by_model = {fs.model: _rows(fs) for fs in formsets}
        item_data: services.ItemData = {
            "code": version.item.code,
            "name": data["name"],
            "aliases": list(data.get("aliases") or []),
            "department_code": data["department"].code,
            "item_type": dict(ItemVersion._meta.get_field("item_type_code").flatchoices)[
                data["item_type_code"]
            ],
            "target": data["target"],
            "legal_days": data["legal_days"],
            "promised_days": data["promised_days"],
            "visits": data["visits"],
            "online": data["online"],
            "fee": data["fee"],
            "legal_basis": data.get("legal_basis", ""),
            "description": data.get("description", ""),
            "keywords": list(data.get("keywords") or []),
            "materials": [
                {
                    "id": m["code"],
                    "name": m["name"],
                    "required": m["required"],
                    "condition": m.get("condition") or None,
                    "is_form": m["is_form"],
                    "is_key": m["is_key"],
                    "copies": m["copies"],
                    "form": m["form"],
                    "certificate_type": m["certificate_type"].code
                    if m.get("certificate_type")
                    else None,
                    "data_fields": list(m.get("data_fields") or []),
                }
                for m in by_model.get(Material, [])
            ],
            "steps": [
                {
                    "name": s["name"],
                    "department_code": s["department"].code,
                    "role": s.get("role", ""),
                    "days": s["days"],
                    "parallel_group": s.get("parallel_group") or None,
                    "kind": s["kind"],
                }
                for s in by_model.get(Step, [])
            ],
            "form_fields": [
                {"name": f["name"], "source": f["source"]} for f in by_model.get(FormField, [])
            ],
        }
        try:
            new = services.publish_item_version(data=item_data, actor=f"user:{request.user.pk}")
        except CatalogDataInvalid as exc:
            detail = "；".join(f"{k}：{v}" for k, v in exc.fields.items())
            self.message_user(request, f"未发布：{detail}", level=messages.ERROR)
            return
        if new is None:
            self.message_user(request, "内容没有变化，未发布新版本。", level=messages.INFO)
        else:
            self.message_user(
                request,
                f"已发布 {new.item.code} 第 {new.version} 版；在办办件继续使用原版本。",
                level=messages.SUCCESS,
            )


class ItemVersionInline(admin.TabularInline[ItemVersion, Item]):
    model = ItemVersion
    extra = 0
    fields = ("version", "name", "is_current", "effective_from", "effective_to")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    list_display = ("code", "current_version")
    search_fields = ("code", "current_version__name")
    readonly_fields = ("code", "current_version")
    inlines = (ItemVersionInline,)


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin[CertificateType]):
    list_display = ("code", "name", "issuing_department", "holder_kind", "national_code")
    search_fields = ("code", "name")


class BundleItemInline(admin.TabularInline[BundleItem, Bundle]):
    model = BundleItem
    extra = 0


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin[Bundle]):
    list_display = ("code", "name", "promised_days")
    inlines = (BundleItemInline,)


@admin.register(DistrictVariant)
class DistrictVariantAdmin(admin.ModelAdmin[DistrictVariant]):
    list_display = ("variant_id", "district_name", "local_name", "promised_days")
    list_filter = ("district_name",)
    search_fields = ("variant_id", "local_name")
