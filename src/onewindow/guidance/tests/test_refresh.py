"""Keeping the engine fresh: small catalogs rebuild before answering; large ones rebuild in
a background thread, one at a time, while requests answer from the previous engine."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.test import override_settings

from onewindow.guidance import selectors
from onewindow.guidance.engine import Corpus, Engine, Rule
from onewindow.guidance.enums import LexiconKind
from onewindow.guidance.models import IndexRevision, LexiconEntry
from onewindow.guidance.tests.conftest import catalog_corpus

pytestmark = pytest.mark.django_db
PHRASE = "潜水员健康证明"
# Every rebuild counts as large: it must not hold up the request that notices the change.
BACKGROUND = {"REFRESH_SECONDS": 0, "SYNC_REBUILD_DOCUMENTS": 0, "SYNC_REBUILD_SECONDS": 0}


class GatedLoader:
    """Stands in for ``load_corpus``: the catalog plus one synonym, returned only once the
    test opens the gate, so a build can be caught in the middle."""

    def __init__(self, *, fail: bool = False) -> None:
        self.gate = threading.Event()
        self.calls = 0
        self.fail = fail

    def __call__(self) -> Corpus:
        self.calls += 1
        assert self.gate.wait(30), "the test never opened the gate"
        if self.fail:
            raise RuntimeError("catalog unavailable")
        base = catalog_corpus()
        rule = Rule(LexiconKind.SYNONYM, PHRASE, ("SF-WJ-006",))
        return Corpus(base.items, base.bundles, (*base.rules, rule), base.families, base.cues)


@pytest.fixture
def first() -> Iterator[Engine]:
    selectors.reset_engine()
    engine = selectors.get_engine()
    yield engine
    selectors.wait_for_rebuild(30)
    selectors.reset_engine()


def change_the_data() -> None:
    """What another admin's save looks like to this process: new rows, a new revision."""
    LexiconEntry.objects.create(kind=LexiconKind.SYNONYM, phrase=PHRASE, codes=["SF-WJ-006"])
    IndexRevision.objects.update_or_create(pk=1, defaults={"number": 4242})
    selectors.mark_engine_stale()


@override_settings(GUIDANCE=BACKGROUND)
def test_a_large_rebuild_runs_in_the_background_while_the_old_engine_answers(
    first: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader = GatedLoader()
    monkeypatch.setattr(selectors, "load_corpus", loader)
    change_the_data()

    assert selectors.get_engine() is first  # answered at once, without waiting for a build
    assert selectors.rebuilding()
    for _ in range(3):  # more requests while building: still the old engine, no second build
        selectors.mark_engine_stale()
        assert selectors.get_engine() is first
        assert first.search(PHRASE, 1).results[0].code != "SF-WJ-006"

    loader.gate.set()
    assert selectors.wait_for_rebuild(30)
    fresh = selectors.get_engine()
    assert fresh is not first
    assert loader.calls == 1
    assert fresh.search(PHRASE, 1).results[0].code == "SF-WJ-006"


@override_settings(GUIDANCE=BACKGROUND)
def test_a_failed_background_rebuild_keeps_the_previous_engine(
    first: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader = GatedLoader(fail=True)
    loader.gate.set()
    monkeypatch.setattr(selectors, "load_corpus", loader)
    change_the_data()

    assert selectors.get_engine() is first
    assert selectors.wait_for_rebuild(30)
    assert loader.calls == 1
    assert selectors.get_engine() is first  # and the next check tries again


@override_settings(GUIDANCE={**BACKGROUND, "SYNC_REBUILD_DOCUMENTS": 1000})
def test_a_failed_rebuild_in_the_request_answers_from_the_previous_engine(
    first: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader = GatedLoader(fail=True)
    loader.gate.set()
    monkeypatch.setattr(selectors, "load_corpus", loader)
    change_the_data()
    assert selectors.get_engine() is first
    assert loader.calls == 1 and not selectors.rebuilding()


@override_settings(GUIDANCE={**BACKGROUND, "SYNC_REBUILD_DOCUMENTS": 1000})
def test_a_small_catalog_is_rebuilt_before_answering(first: Engine) -> None:
    change_the_data()
    fresh = selectors.get_engine()
    assert fresh is not first and not selectors.rebuilding()
    assert fresh.search(PHRASE, 1).results[0].code == "SF-WJ-006"


@override_settings(GUIDANCE=BACKGROUND)
def test_the_admins_own_save_rebuilds_in_the_request(first: Engine) -> None:
    change_the_data()
    fresh = selectors.refresh_engine()
    assert fresh is not first and not selectors.rebuilding()
    assert selectors.get_engine() is fresh
    assert fresh.search(PHRASE, 1).results[0].code == "SF-WJ-006"
    assert selectors.refresh_engine() is fresh  # nothing changed since: no second build
