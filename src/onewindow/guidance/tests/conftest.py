"""Guidance fixtures: the 240-document index is built once per session; each test starts from
a fresh view of the database (a test's lexicon rows are rolled back, so the next check must
notice)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onewindow.catalog.services import DATA_DIR as CATALOG_DATA
from onewindow.guidance import selectors
from onewindow.guidance.engine import BundleDoc, Corpus, Engine, ItemDoc


def catalog_corpus() -> Corpus:
    """The reference catalog and the curated lexicon, straight from the repository files."""
    items = json.loads((CATALOG_DATA / "items.json").read_text(encoding="utf-8"))
    bundles = json.loads((CATALOG_DATA / "bundles.json").read_text(encoding="utf-8"))
    curated = selectors.read_curated_lexicon()
    departments = {
        d["code"]: d["name"]
        for d in json.loads((CATALOG_DATA / "departments.json").read_text(encoding="utf-8"))
    }
    return Corpus(
        items=tuple(
            ItemDoc(
                i["code"],
                i["name"],
                tuple(i["aliases"]),
                tuple(i["keywords"]),
                i["description"],
                departments[i["department_code"]],
                i["target"],
            )
            for i in items
        ),
        bundles=tuple(
            BundleDoc(b["code"], b["name"], b["description"], tuple(b["item_codes"]))
            for b in bundles
        ),
        rules=tuple(curated.rules),
        families=tuple(curated.families),
        cues=tuple(curated.cues),
    )


@pytest.fixture(scope="session")
def engine() -> Engine:
    """A database-free engine over the reference catalog (built once)."""
    return Engine(catalog_corpus())


@pytest.fixture(scope="session")
def _session_index(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        selectors.get_engine()


@pytest.fixture(autouse=True)
def _fresh_guidance_state(request: pytest.FixtureRequest) -> Iterator[None]:
    uses_db = "db" in request.fixturenames or request.node.get_closest_marker("django_db")
    if uses_db:
        request.getfixturevalue("_session_index")
    selectors.mark_engine_stale()
    selectors.clear_history_cache()
    yield
    assert selectors.wait_for_rebuild(30), "a background rebuild outlived its test"
    selectors.mark_engine_stale()
    selectors.clear_history_cache()


QUERIES = Path(selectors.DATA_DIR / "queries.jsonl")
