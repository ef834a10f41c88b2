"""Publishing item versions and loading the reference catalog."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import rfc8785
from django.db import transaction
from pypinyin import Style, lazy_pinyin

from onewindow.accounts import services as accounts
from onewindow.accounts.models import Department
from onewindow.catalog.enums import ItemType, StepKind
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
from onewindow.catalog.stages import critical_path_days
from onewindow.core import clock
from onewindow.ledger import services as ledger

DATA_DIR = Path(__file__).resolve().parent / "data"


class MaterialData(TypedDict):
    id: str
    name: str
    required: bool
    condition: str | None
    is_form: bool
    copies: int
    form: str
    certificate_type: str | None
    data_fields: list[str]
    is_key: NotRequired[bool]


class StepData(TypedDict):
    name: str
    department_code: str
    role: str
    days: int
    parallel_group: str | None
    kind: str


class FormFieldData(TypedDict):
    name: str
    source: str


class ItemData(TypedDict):
    code: str
    name: str
    aliases: list[str]
    department_code: str
    item_type: str
    target: str
    legal_days: int
    promised_days: int
    visits: int
    online: str
    fee: str
    materials: list[MaterialData]
    steps: list[StepData]
    form_fields: list[FormFieldData]
    keywords: list[str]
    legal_basis: str
    description: str


def initials_of(text: str) -> str:
    """Pinyin initials (临时居民身份证申领 → lsjmsfzsl) for simple catalog search."""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


def content_hash(data: ItemData) -> str:
    """A stable digest of an item's guide content, to publish only real changes."""
    body = {k: v for k, v in data.items() if k != "code"}
    return hashlib.sha256(rfc8785.dumps(json.loads(json.dumps(body)))).hexdigest()


def snapshot(version: ItemVersion) -> ItemData:
    """The guide content of a stored version in the catalog file's shape."""
    return {
        "code": version.item.code,
        "name": version.name,
        "aliases": list(version.aliases),
        "department_code": version.department.code,
        "item_type": ItemType(version.item_type_code).label,
        "target": version.target,
        "legal_days": version.legal_days,
        "promised_days": version.promised_days,
        "visits": version.visits,
        "online": version.online,
        "fee": version.fee,
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
                "data_fields": list(m.data_fields),
            }
            for m in version.materials.all()
        ],
        "steps": [
            {
                "name": s.name,
                "department_code": s.department.code,
                "role": s.role,
                "days": s.days,
                "parallel_group": s.parallel_group or None,
                "kind": s.kind,
            }
            for s in version.steps.all()
        ],
        "form_fields": [{"name": f.name, "source": f.source} for f in version.form_fields.all()],
        "keywords": list(version.keywords),
        "legal_basis": version.legal_basis,
        "description": version.description,
    }


def _normalised(data: ItemData) -> ItemData:
    """Fill defaults so that file data and stored snapshots hash alike."""
    out: dict[str, Any] = dict(data)
    out["materials"] = [
        {**m, "is_key": m.get("is_key", bool(m["required"])), "condition": m.get("condition")}
        for m in data["materials"]
    ]
    out["steps"] = [{**s, "parallel_group": s.get("parallel_group") or None} for s in data["steps"]]
    keep = set(ItemData.__annotations__)
    return {k: v for k, v in out.items() if k in keep}  # type: ignore[return-value]


def validate_item_data(
    data: ItemData, departments: dict[str, Department], cert_types: dict[str, CertificateType]
) -> None:
    """Check the catalog's machine-checkable rules; raises CatalogDataInvalid with fields."""
    problems: dict[str, str] = {}
    if not data.get("name", "").strip():
        problems["name"] = "事项名称不能为空"
    if data.get("department_code") not in departments:
        problems["department_code"] = "实施部门不存在"
    try:
        ItemType.code_for(data.get("item_type", ""))
    except ValueError:
        problems["item_type"] = "事项类型不在 GB/T 39046 代码表中"
    if data["promised_days"] > data["legal_days"]:
        problems["promised_days"] = "承诺时限不能超过法定时限"
    for i, m in enumerate(data["materials"]):
        if m.get("certificate_type") and m["certificate_type"] not in cert_types:
            problems[f"materials.{i}.certificate_type"] = "证照类型不存在"
    for i, s in enumerate(data["steps"]):
        if s["department_code"] not in departments:
            problems[f"steps.{i}.department_code"] = "承办部门不存在"
        if s["kind"] not in StepKind.values:
            problems[f"steps.{i}.kind"] = "环节类型应为 acceptance/review/delivery"
    if not any(s["kind"] == StepKind.REVIEW for s in data["steps"]):
        problems["steps"] = "事项至少需要一个审查环节"
    if problems:
        raise CatalogDataInvalid(fields=problems)


@transaction.atomic
def publish_item_version(*, data: ItemData, actor: str = "system") -> ItemVersion | None:
    """Publish ``data`` as the item's next version; None when nothing changed.

    The previous version stays (cases keep it) and stops being current. Side effect: ledger
    entry ``catalog.item_published``. Raises CatalogDataInvalid.
    """
    data = _normalised(data)
    departments = {d.code: d for d in Department.objects.all()}
    cert_types = {c.code: c for c in CertificateType.objects.all()}
    validate_item_data(data, departments, cert_types)
    digest = content_hash(data)
    item, _ = Item.objects.select_for_update().get_or_create(code=data["code"])
    current = item.current_version
    if current is not None and current.content_hash == digest:
        return None
    now = clock.now()
    number = 1 + max(item.versions.values_list("version", flat=True), default=0)
    if current is not None:
        ItemVersion.objects.filter(pk=current.pk).update(is_current=False, effective_to=now)
    text = " ".join([data["name"], *data["aliases"], *data["keywords"]])
    version = ItemVersion.objects.create(
        item=item,
        version=number,
        is_current=True,
        effective_from=now,
        name=data["name"],
        aliases=data["aliases"],
        keywords=data["keywords"],
        department=departments[data["department_code"]],
        item_type_code=ItemType.code_for(data["item_type"]),
        target=data["target"],
        legal_days=data["legal_days"],
        promised_days=data["promised_days"],
        visits=data["visits"],
        online=data["online"],
        fee=data["fee"],
        legal_basis=data["legal_basis"],
        description=data["description"],
        content_hash=digest,
        search_text=text.lower(),
        initials=" ".join(initials_of(t) for t in [data["name"], *data["aliases"]]),
    )
    Material.objects.bulk_create(
        Material(
            version=version,
            position=i,
            code=m["id"],
            name=m["name"],
            required=m["required"],
            condition=m.get("condition") or "",
            is_form=m["is_form"],
            is_key=m.get("is_key", m["required"]),
            copies=m["copies"],
            form=m["form"],
            certificate_type=cert_types.get(m["certificate_type"] or ""),
            data_fields=m["data_fields"],
        )
        for i, m in enumerate(data["materials"], 1)
    )
    Step.objects.bulk_create(
        Step(
            version=version,
            position=i,
            name=s["name"],
            department=departments[s["department_code"]],
            role=s["role"],
            days=s["days"],
            parallel_group=s["parallel_group"] or "",
            kind=s["kind"],
        )
        for i, s in enumerate(data["steps"], 1)
    )
    FormField.objects.bulk_create(
        FormField(version=version, position=i, name=f["name"], source=f["source"])
        for i, f in enumerate(data["form_fields"], 1)
    )
    item.current_version = version
    item.save(update_fields=["current_version", "updated_at"])
    ledger.record(
        event="catalog.item_published",
        actor=actor,
        target=f"item:{item.code}",
        payload={
            "version": number,
            "content_hash": digest,
            "critical_path_days": critical_path_days(list(version.steps.all())),
        },
    )
    return version


def _read(name: str, directory: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((directory / name).read_text(encoding="utf-8"))
    return rows


@transaction.atomic
def load_catalog(*, directory: Path = DATA_DIR, actor: str = "system") -> dict[str, int]:
    """Import departments, certificate types, items, bundles and district variants (idempotent).

    Returns counts of what changed. Items whose content is unchanged keep their version.
    """
    counts = {"departments": 0, "certificate_types": 0, "items": 0, "bundles": 0, "variants": 0}
    counts["departments"] = accounts.upsert_departments(
        rows=[
            accounts.DepartmentData(
                code=d["code"],
                name=d["name"],
                short_name=d.get("short_name", ""),
                parent_code=d.get("parent_code"),
                kind=d["kind"],
                credit_code=d.get("credit_code", ""),
                region_code="999900",
            )
            for d in _read("departments.json", directory)
        ],
        actor=actor,
    )
    departments = {d.code: d for d in Department.objects.all()}
    for c in _read("certificate_types.json", directory):
        values = {
            "name": c["name"],
            "issuing_department": departments[c["issuing_department_code"]],
            "holder_kind": c["holder_kind"],
            "key_fields": c["key_fields"],
            "national_code": c["national_code"],
        }
        _, created = CertificateType.objects.update_or_create(code=c["code"], defaults=values)
        counts["certificate_types"] += int(created)
    for raw in _read("items.json", directory):
        if publish_item_version(data=raw, actor=actor) is not None:  # type: ignore[arg-type]
            counts["items"] += 1
    items = {i.code: i for i in Item.objects.all()}
    for b in _read("bundles.json", directory):
        bundle, created = Bundle.objects.update_or_create(
            code=b["code"],
            defaults={
                "name": b["name"],
                "description": b["description"],
                "promised_days": b["promised_days"],
                "shared_materials": b["shared_materials"],
            },
        )
        current = list(bundle.entries.order_by("position").values_list("item__code", flat=True))
        if current != b["item_codes"]:
            bundle.entries.all().delete()
            BundleItem.objects.bulk_create(
                BundleItem(bundle=bundle, item=items[code], position=i)
                for i, code in enumerate(b["item_codes"], 1)
            )
            counts["bundles"] += 1
    for v in _read("district_variants.json", directory):
        _, created = DistrictVariant.objects.update_or_create(
            variant_id=v["variant_id"],
            defaults={
                "item": items[v["item_code"]],
                "district_code": v["district_code"],
                "district_name": v["district_name"],
                "local_name": v["local_name"],
                "materials": v["materials"],
                "steps": v["steps"],
                "promised_days": v["promised_days"],
                "deviations": v["deviations"],
                "note": v.get("note", ""),
            },
        )
        counts["variants"] += int(created)
    return counts
