"""Catalog reads: item lists with simple search, full guides, bundles."""

from __future__ import annotations

import threading
import time

from django.db.models import Prefetch, Q, QuerySet

from onewindow.catalog.models import Bundle, BundleItem, Item, ItemVersion, Material, Step
from onewindow.catalog.services import initials_of
from onewindow.catalog.stages import Stage, build_stages


def current_items() -> QuerySet[ItemVersion]:
    """Current versions with item and department, ordered by code."""
    return (
        ItemVersion.objects.filter(is_current=True)
        .select_related("item", "department")
        .order_by("item__code")
    )


def search_items(q: str = "", department: str = "") -> list[ItemVersion]:
    """Simple catalog search by name, alias, keyword or pinyin initials; best match first.

    Ranking: exact name, then name prefix, then name contains, then alias/keyword, then
    initials. Without ``q``, ordered by code. (Smart guidance is a separate engine.)
    """
    rows = current_items()
    if department:
        rows = rows.filter(Q(department__code=department) | Q(department__parent__code=department))
    q = q.strip()
    if not q:
        return list(rows)
    needle = q.lower()
    initials = initials_of(q) if not needle.isascii() else needle.replace(" ", "")
    candidates = rows.filter(
        Q(search_text__contains=needle) | Q(initials__contains=initials) | Q(item__code__iexact=q)
    )

    def rank(v: ItemVersion) -> tuple[int, int, str]:
        if v.item.code.lower() == needle or v.name == q:
            score = 0
        elif v.name.startswith(q):
            score = 1
        elif q in v.name:
            score = 2
        elif any(q in a for a in v.aliases):
            score = 3
        elif any(q in k for k in v.keywords):
            score = 4
        else:
            score = 5
        return (score, len(v.name), v.item.code)

    return sorted(candidates, key=rank)


def get_item_guide(code: str) -> ItemVersion | None:
    """The current version of an item with materials, steps and form fields."""
    return (
        ItemVersion.objects.filter(item__code=code, is_current=True)
        .select_related("item", "department")
        .prefetch_related(
            "materials__certificate_type",
            Prefetch("steps", queryset=Step.objects.select_related("department")),
            "form_fields",
        )
        .first()
    )


def item_stages(version: ItemVersion) -> list[Stage[Step]]:
    """The version's steps grouped into stages by API.md's rule."""
    return build_stages(list(version.steps.all()))


def list_bundles() -> QuerySet[Bundle]:
    """Bundles with their item codes in one extra query."""
    return Bundle.objects.prefetch_related(
        Prefetch("entries", queryset=BundleItem.objects.select_related("item").order_by("position"))
    ).order_by("code")


def get_bundle(code: str) -> Bundle | None:
    return list_bundles().filter(code=code).first()


# Published versions never change (editing publishes a new one), so a process may keep the
# fully prefetched version by primary key and only ask which version is current. The TTL is a
# safety net for rows edited outside the services (the demo seed marks non-key materials).
_VERSION_TTL_SECONDS = 300.0
_version_cache: dict[int, tuple[float, ItemVersion]] = {}
_version_lock = threading.Lock()


def clear_version_cache() -> None:
    """Forget cached versions (tests, and after editing rows in place)."""
    with _version_lock:
        _version_cache.clear()


def _load_version(pk: int) -> ItemVersion:
    return (
        ItemVersion.objects.select_related("item", "department")
        .prefetch_related(
            Prefetch(
                "materials",
                queryset=Material.objects.select_related("certificate_type").order_by("position"),
            ),
            Prefetch("steps", queryset=Step.objects.select_related("department")),
            "form_fields",
        )
        .get(pk=pk)
    )


def get_current_version(code: str) -> ItemVersion | None:
    """The current version of an item with materials, steps (with departments) and form fields.

    One query to find the current version; its content comes from a per-process cache.
    """
    pk = Item.objects.filter(code=code).values_list("current_version_id", flat=True).first()
    if pk is None:
        return None
    now = time.monotonic()
    with _version_lock:
        hit = _version_cache.get(pk)
    if hit is not None and now - hit[0] < _VERSION_TTL_SECONDS:
        return hit[1]
    version = _load_version(pk)
    with _version_lock:
        _version_cache[pk] = (now, version)
    return version
