"""Guidance reads: the process-wide search engine kept fresh, need prediction, item names.

The engine is built from the current catalog and the active lexicon and kept in memory. Each
process asks the database at most every ``REFRESH_SECONDS`` whether either changed (the
lexicon's revision number plus an aggregate over item versions and bundles); a change in
this process marks the engine stale at once.

Who pays for a rebuild depends on its size. The first build, and any rebuild of a small
catalog (the previous build covered at most ``SYNC_REBUILD_DOCUMENTS`` documents or took
under ``SYNC_REBUILD_SECONDS``), runs in the request that notices the change, so an admin who
adds an alias sees it at once. A larger rebuild (a provincial catalog takes seconds) runs in
a background thread, one at a time per process, while every request keeps answering from the
previous engine; the new engine replaces it whole when ready. An admin's own save rebuilds
synchronously after the commit (:func:`refresh_engine`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db import connections
from django.db.models import Count, Max

from onewindow.catalog import selectors as catalog
from onewindow.catalog.models import Bundle, BundleItem, ItemVersion
from onewindow.core import clock
from onewindow.guidance.conf import setting
from onewindow.guidance.engine import BundleDoc, Corpus, Engine, ItemDoc, Rule
from onewindow.guidance.engine.lexicon_file import CuratedLexicon, parse_lexicon
from onewindow.guidance.engine.predict import CoOccurrence, count_cooccurrence, predict_needs
from onewindow.guidance.engine.semantic import load_embedder
from onewindow.guidance.models import IndexRevision, LexiconEntry
from onewindow.workflow.models import Case

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_FILE = DATA_DIR / "lexicon.txt"
# Example questions (常见问法): the same syntax, kept apart because they are many.
EXAMPLES_FILE = DATA_DIR / "examples.txt"
CURATED_FILES = (LEXICON_FILE, EXAMPLES_FILE)

Fingerprint = tuple[object, ...]
logger = logging.getLogger(__name__)


def read_curated_lexicon(paths: Sequence[Path] = CURATED_FILES) -> CuratedLexicon:
    """The curated rules, example questions, clarifying families and context cues shipped
    with the code (each file read on its own: macros and kinds do not carry over)."""
    out = CuratedLexicon()
    for path in paths:
        if path.exists():
            part = parse_lexicon(path.read_text(encoding="utf-8"))
            out.rules += part.rules
            out.families += part.families
            out.cues += part.cues
    return out


def current_revision() -> int:
    """The lexicon revision (0 before the first change)."""
    number = IndexRevision.objects.filter(pk=1).values_list("number", flat=True).first()
    return int(number or 0)


def data_fingerprint() -> Fingerprint:
    """What the index depends on, in five small queries. The lexicon's own aggregate backs up
    the revision number: a bump in a transaction that rolled back must not let a later bump
    to the same number pass for the data an index was built from."""
    lexicon = LexiconEntry.objects.aggregate(n=Count("id"), at=Max("updated_at"), top=Max("id"))
    versions = ItemVersion.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    bundles = Bundle.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    links = BundleItem.objects.aggregate(n=Count("id"), top=Max("id"))
    return (
        current_revision(),
        lexicon["n"],
        lexicon["at"],
        lexicon["top"],
        versions["n"],
        versions["at"],
        bundles["n"],
        bundles["at"],
        links["n"],
        links["top"],
    )


def load_corpus() -> Corpus:
    """The current catalog, the active lexicon and the curated families as engine input."""
    items = tuple(
        ItemDoc(
            code=v.item.code,
            name=v.name,
            aliases=tuple(v.aliases),
            keywords=tuple(v.keywords),
            description=v.description,
            department=v.department.name,
            target=v.target,
        )
        for v in catalog.current_items()
    )
    bundles = tuple(
        BundleDoc(
            code=b.code,
            name=b.name,
            description=b.description,
            item_codes=tuple(e.item.code for e in b.entries.all()),
        )
        for b in catalog.list_bundles()
    )
    rules = tuple(
        Rule(kind=e.kind, phrase=e.phrase, codes=tuple(e.codes), replacement=e.replacement)
        for e in LexiconEntry.objects.filter(is_active=True).order_by("id")
    )
    curated = read_curated_lexicon()
    return Corpus(
        items=items,
        bundles=bundles,
        rules=rules,
        families=tuple(curated.families),
        cues=tuple(curated.cues),
    )


@dataclass
class _Cache:
    engine: Engine | None = None
    fingerprint: Fingerprint | None = None
    checked_at: float = 0.0
    stale: bool = True
    rebuilding: threading.Thread | None = None


_cache = _Cache()
# One build at a time per process, whether in a request or in the background.
_build_lock = threading.Lock()
_thread_lock = threading.Lock()


def mark_engine_stale() -> None:
    """Check the data on the next query instead of waiting for the refresh interval."""
    _cache.stale = True


def reset_engine() -> None:
    """Forget the engine entirely (tests that swap settings)."""
    wait_for_rebuild()
    with _build_lock:
        _cache.engine, _cache.fingerprint, _cache.stale = None, None, True


def wait_for_rebuild(timeout: float | None = None) -> bool:
    """Wait for a background rebuild of this process to finish; False on timeout."""
    thread = _cache.rebuilding
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def rebuilding() -> bool:
    """Whether a background rebuild is running in this process."""
    thread = _cache.rebuilding
    return thread is not None and thread.is_alive()


def get_engine() -> Engine:
    """The engine for the current data. A change is noticed within ``REFRESH_SECONDS`` (at
    once in the process that made it); a small catalog is rebuilt before answering, a large
    one in the background while this and other requests answer from the previous engine."""
    now = time.monotonic()
    engine = _cache.engine
    due = _cache.stale or now - _cache.checked_at >= float(setting("REFRESH_SECONDS"))
    if engine is not None and not due:
        return engine
    # Read the fingerprint before the data, so that a change committed while building is
    # noticed on the next check instead of being missed.
    fingerprint = data_fingerprint()
    if engine is not None and fingerprint == _cache.fingerprint:
        _cache.checked_at, _cache.stale = now, False
        return engine
    if engine is None:
        return _first_build(fingerprint)
    if _builds_quickly(engine):
        # Another thread may be building already: then answer from the previous engine, as
        # when this build fails.
        try:
            return _rebuild(fingerprint, wait=False) or engine
        except Exception:
            logger.exception("guidance index rebuild failed")
            return engine
    _start_background_rebuild(fingerprint)
    return engine


def refresh_engine() -> Engine:
    """Rebuild now, in the calling thread, if the data changed (an admin's own save: the
    admin's next page must show the change, whatever the catalog's size)."""
    wait_for_rebuild()
    fingerprint = data_fingerprint()
    if _cache.engine is not None and fingerprint == _cache.fingerprint:
        return _cache.engine
    return _first_build(fingerprint)


def _first_build(fingerprint: Fingerprint) -> Engine:
    fresh = _rebuild(fingerprint, wait=True)
    if fresh is None:  # pragma: no cover - a blocking acquire always succeeds
        raise RuntimeError("guidance index was not built")
    return fresh


def _builds_quickly(engine: Engine) -> bool:
    """Whether a rebuild is small enough to run in the request, judged by the last build."""
    return engine.stats.documents <= int(setting("SYNC_REBUILD_DOCUMENTS")) or (
        engine.stats.seconds < float(setting("SYNC_REBUILD_SECONDS"))
    )


def _build() -> Engine:
    embedder = load_embedder() if setting("SEMANTIC") else None
    return Engine(load_corpus(), embedder=embedder)


def _rebuild(fingerprint: Fingerprint, *, wait: bool) -> Engine | None:
    """Build and install an engine for ``fingerprint``; None when another thread is
    building and ``wait`` is false (the caller answers from the previous engine)."""
    if not _build_lock.acquire(blocking=wait):
        return None
    try:
        if _cache.engine is not None and _cache.fingerprint == fingerprint:
            return _cache.engine
        # Cleared before building: a change marked meanwhile is checked again afterwards.
        _cache.stale = False
        fresh = _build()
        _cache.engine, _cache.fingerprint = fresh, fingerprint
        _cache.checked_at = time.monotonic()
        return fresh
    finally:
        _build_lock.release()


def _start_background_rebuild(fingerprint: Fingerprint) -> None:
    # Further requests answer from the previous engine without asking the database again
    # until the refresh interval has passed (a change made meanwhile is picked up then).
    _cache.checked_at, _cache.stale = time.monotonic(), False
    with _thread_lock:
        if rebuilding():
            return
        thread = threading.Thread(
            target=_rebuild_in_background, args=(fingerprint,), name="guidance-rebuild"
        )
        thread.daemon = True
        _cache.rebuilding = thread
        thread.start()


def _rebuild_in_background(fingerprint: Fingerprint) -> None:
    try:
        _rebuild(fingerprint, wait=True)
    except Exception:
        # The previous engine keeps answering; the next check after the refresh interval
        # sees the same difference and tries again.
        logger.exception("guidance index rebuild failed")
    finally:
        connections.close_all()  # this thread's own database connections


# --- need prediction ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedView:
    """An item to suggest, with the reason in Chinese."""

    code: str
    name: str
    reason: str


_history_lock = threading.Lock()
_history: tuple[float, CoOccurrence] | None = None


def clear_history_cache() -> None:
    global _history
    with _history_lock:
        _history = None


def case_cooccurrence() -> CoOccurrence:
    """Applicants per item and per item pair over the last ``HISTORY_DAYS`` of cases.

    Read as (applicant, item) pairs in applicant order, so memory holds one applicant's items
    at a time; cached per process for ``HISTORY_TTL_SECONDS``.
    """
    global _history
    now = time.monotonic()
    with _history_lock:
        if _history is not None and now - _history[0] < float(setting("HISTORY_TTL_SECONDS")):
            return _history[1]
    since = clock.now() - timedelta(days=int(setting("HISTORY_DAYS")))
    rows = (
        Case.objects.filter(accepted_at__gte=since)
        .exclude(applicant_code="")
        .order_by("applicant_code")
        .values_list("applicant_code", "item__code")
        .iterator(chunk_size=2000)
    )

    def histories() -> list[list[str]]:
        grouped: list[list[str]] = []
        current: str | None = None
        items: list[str] = []
        for applicant, code in rows:
            if applicant != current:
                if items:
                    grouped.append(items)
                current, items = applicant, []
            items.append(code)
        if items:
            grouped.append(items)
        return grouped

    counts = count_cooccurrence(histories())
    with _history_lock:
        _history = (now, counts)
    return counts


def applicant_item_codes(applicant_code: str) -> set[str]:
    """Items the applicant already had cases for within the history window."""
    since = clock.now() - timedelta(days=int(setting("HISTORY_DAYS")))
    return set(
        Case.objects.filter(applicant_code=applicant_code, accepted_at__gte=since).values_list(
            "item__code", flat=True
        )
    )


def predicted_needs(
    code: str,
    *,
    applicant_code: str = "",
    exclude: set[str] | None = None,
    limit: int | None = None,
) -> list[NeedView]:
    """What people who handle ``code`` usually need next or alongside (预判需求).

    From the bundles ``code`` belongs to and from the case history of applicants who had it.
    With ``applicant_code`` the items that applicant already handled are left out. Never
    personal: pairs seen for fewer than ``MIN_SUPPORT`` applicants are ignored.
    """
    skip = set(exclude or ())
    if applicant_code:
        skip |= applicant_item_codes(applicant_code)
    engine = get_engine()
    needs = predict_needs(
        code,
        engine.bundles,
        case_cooccurrence(),
        exclude=skip,
        limit=limit or int(setting("NEEDS_SHOWN")),
        min_support=int(setting("MIN_SUPPORT")),
    )
    out: list[NeedView] = []
    for need in needs:
        index = engine.index_of.get(need.code)
        if index is None:
            continue  # an item no longer current
        reasons = []
        if need.applicants:
            reasons.append(f"{need.applicants} 位办理过此事项的群众也办理了")
        if need.bundle:
            reasons.append(f"同属“{need.bundle}”")
        out.append(NeedView(need.code, engine.docs[index].name, "；".join(reasons)))
    return out


def item_name(code: str) -> str:
    """The current name of an item or bundle, or the code when unknown."""
    engine = get_engine()
    index = engine.index_of.get(code)
    return engine.docs[index].name if index is not None else code
