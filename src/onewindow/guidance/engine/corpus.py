"""The plain data an engine is built from, independent of Django.

Selectors read the catalog and the lexicon into these value objects; benchmarks and tests
build them directly (a synthetic 20,000-item catalog needs no database).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DocKind(StrEnum):
    ITEM = "item"
    BUNDLE = "bundle"


class RuleKind(StrEnum):
    """Lexicon entry kinds; the values are stored (see ``guidance.enums.LexiconKind``)."""

    SYNONYM = "synonym"
    SITUATION = "situation"
    DIALECT = "dialect"
    TYPO = "typo"
    # A whole question as people ask it (常见问法), matched by similarity, not by its words.
    EXAMPLE = "example"


@dataclass(frozen=True)
class ItemDoc:
    """One current item version as guidance sees it."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    description: str = ""
    department: str = ""
    target: str = ""


@dataclass(frozen=True)
class BundleDoc:
    """One 一件事 bundle; ``item_codes`` in the bundle's order."""

    code: str
    name: str
    description: str = ""
    item_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A lexicon entry.

    ``phrase`` is a pattern: words separated by spaces must all occur in the query, and
    ``|`` separates alternatives of one word (``身份证 丢|掉|找不到``). A rule either points at
    ``codes`` (synonyms, situations) or rewrites the matched text to ``replacement`` before
    searching (dialect words, known typos such as 身分证 → 身份证).
    """

    kind: str
    phrase: str
    codes: tuple[str, ...] = ()
    replacement: str = ""

    @property
    def is_rewrite(self) -> bool:
        return bool(self.replacement) and not self.codes


@dataclass(frozen=True)
class FamilyOption:
    label: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Family:
    """Sub-matters that one question tells apart (情形引导): 公积金提取 for buying, renting,
    retiring …; ``triggers`` are queries that always ask (身份证, 提公积金)."""

    key: str
    question: str
    options: tuple[FamilyOption, ...]
    triggers: tuple[str, ...] = ()

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for option in self.options for code in option.codes)


@dataclass(frozen=True)
class Cue:
    """Context words that point at a department or topic (派出所 → 公安, 学校 → 学生), a soft
    prior for items whose department name or own texts contain ``topic``."""

    topic: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Corpus:
    """Everything one index is built from; ``revision`` names the data it reflects."""

    items: tuple[ItemDoc, ...]
    bundles: tuple[BundleDoc, ...] = ()
    rules: tuple[Rule, ...] = ()
    families: tuple[Family, ...] = ()
    cues: tuple[Cue, ...] = ()
    revision: str = ""
