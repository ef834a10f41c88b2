"""Need prediction (预判需求): what people who handle one item usually need next or alongside.

Two signals. Bundles say it by design: the items of 新生儿出生一件事 belong together, the
nearer in the bundle's order the likelier. History says it by practice: among applicants who
had a case of item A, the share who also had a case of item B. Pairs seen for fewer than
``min_support`` applicants are ignored, so that the suggestion never reflects one person's
own record and chance pairs do not show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from onewindow.guidance.engine.corpus import BundleDoc

BUNDLE_BASE = 0.4


@dataclass(frozen=True)
class Need:
    code: str
    score: float
    bundle: str = ""  # name of the bundle both belong to
    applicants: int = 0  # applicants who had both


@dataclass
class CoOccurrence:
    """Applicants per item and per pair of items (both directions stored)."""

    totals: Counter[str] = field(default_factory=Counter)
    pairs: dict[str, Counter[str]] = field(default_factory=dict)


def count_cooccurrence(histories: Iterable[Iterable[str]], *, max_items: int = 40) -> CoOccurrence:
    """Count items and item pairs over applicants' histories (each one applicant's item codes).

    An applicant with more than ``max_items`` distinct items (an agency filing for many
    clients) says little about what goes together and would cost O(n²); they are skipped.
    """
    counts = CoOccurrence()
    for history in histories:
        items = sorted(set(history))
        if not items or len(items) > max_items:
            continue
        counts.totals.update(items)
        for a, b in combinations(items, 2):
            counts.pairs.setdefault(a, Counter())[b] += 1
            counts.pairs.setdefault(b, Counter())[a] += 1
    return counts


def predict_needs(
    code: str,
    bundles: Sequence[BundleDoc],
    history: CoOccurrence | None = None,
    *,
    exclude: Iterable[str] = (),
    limit: int = 4,
    min_support: int = 3,
) -> list[Need]:
    """Items to suggest after ``code``, best first, never ``code`` itself or ``exclude``."""
    skip = {code, *exclude}
    scores: dict[str, float] = {}
    bundle_of: dict[str, str] = {}
    for bundle in bundles:
        if code not in bundle.item_codes:
            continue
        here = bundle.item_codes.index(code)
        for position, other in enumerate(bundle.item_codes):
            if other in skip:
                continue
            # Later items of the bundle are the natural next steps; earlier ones still count.
            distance = position - here if position > here else 2 * (here - position) + 1
            score = BUNDLE_BASE + 0.2 / distance
            if score > scores.get(other, 0.0):
                scores[other], bundle_of[other] = score, bundle.name
    applicants: dict[str, int] = {}
    if history is not None and history.totals.get(code, 0) >= min_support:
        total = history.totals[code]
        for other, both in history.pairs.get(code, Counter()).items():
            if other in skip or both < min_support:
                continue
            applicants[other] = both
            scores[other] = scores.get(other, 0.0) + both / total
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [
        Need(other, round(score, 4), bundle_of.get(other, ""), applicants.get(other, 0))
        for other, score in ranked
    ]
