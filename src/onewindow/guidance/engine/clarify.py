"""Clarifying questions (情形引导) for families of sub-matters.

Families come from two places. The catalog names most sub-matters as ``base（qualifier）``
(提取住房公积金（租赁住房）, 户口迁入（购房落户）), so every base shared by two or more items is
a family whose options are the qualifiers. Families the names do not reveal (居民身份证 first
application, renewal, loss, temporary card) are curated with a friendlier question and labels;
a curated family replaces a derived one with the same members.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from onewindow.guidance.engine.corpus import Family, FamilyOption, ItemDoc

_QUALIFIED = re.compile(r"^(?P<base>[^（(]{2,})[（(](?P<qualifier>[^）)]+)[）)]$")
DEFAULT_QUESTION = "请问您属于哪种情况？"
# Ask when the runner-up of the same family scores at least this share of the best result.
AMBIGUITY = 0.6


@dataclass(frozen=True)
class Clarify:
    question: str
    options: tuple[FamilyOption, ...]
    family: str


def derive_families(items: Sequence[ItemDoc]) -> list[Family]:
    """A family per bracketed base name shared by at least two items."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        found = _QUALIFIED.match(item.name)
        if found:
            groups.setdefault(found["base"], []).append((found["qualifier"], item.code))
    families: list[Family] = []
    for base, members in groups.items():
        if len(members) < 2:
            continue
        options = tuple(FamilyOption(label, (code,)) for label, code in members)
        families.append(Family(key=base, question=f"{base}：{DEFAULT_QUESTION}", options=options))
    return families


def merge_families(curated: Sequence[Family], derived: Sequence[Family]) -> list[Family]:
    """Curated families first; a derived family whose members a curated one already covers
    is dropped."""
    covered = [f.codes for f in curated]
    kept = [f for f in derived if not any(f.codes <= codes for codes in covered)]
    return [*curated, *kept]


class FamilyIndex:
    """Which family each code belongs to, and when a query deserves the question."""

    def __init__(self, families: Sequence[Family], known_codes: set[str]) -> None:
        self.families: list[Family] = []
        for family in families:
            options = tuple(
                FamilyOption(o.label, tuple(c for c in o.codes if c in known_codes))
                for o in family.options
            )
            options = tuple(o for o in options if o.codes)
            if len(options) >= 2:
                self.families.append(Family(family.key, family.question, options, family.triggers))
        self._of_code: dict[str, list[int]] = {}
        for i, family in enumerate(self.families):
            for code in family.codes:
                self._of_code.setdefault(code, []).append(i)
        self._triggers: dict[str, int] = {}
        for i, family in enumerate(self.families):
            for trigger in family.triggers:
                self._triggers.setdefault(trigger, i)

    def question_for(
        self, query: str, ranking: Sequence[tuple[str, float]], *, decisive: bool
    ) -> Clarify | None:
        """The family question when the query names the family without choosing a member.

        ``ranking`` is ``(code, score)`` best first. A trigger (the query is 身份证 or 公积金
        提取) always asks. Otherwise ask when the best result belongs to a family, another
        member follows among the top three at ≥ ``AMBIGUITY`` of its score, and the best
        result was not matched by a specific phrase (``decisive``).
        """
        if query in self._triggers:
            return self._clarify(self.families[self._triggers[query]])
        if decisive or len(ranking) < 2:
            return None
        top_code, top_score = ranking[0]
        for index in self._of_code.get(top_code, ()):
            family = self.families[index]
            for code, score in ranking[1:3]:
                if code in family.codes and score >= AMBIGUITY * top_score:
                    return self._clarify(family)
        return None

    @staticmethod
    def _clarify(family: Family) -> Clarify:
        return Clarify(question=family.question, options=family.options, family=family.key)
