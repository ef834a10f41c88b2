"""The guidance search engine, free of Django: build an :class:`Engine` from a
:class:`Corpus` and ask it questions. See docs/adr/0005-guidance-engine.md."""

from onewindow.guidance.engine.corpus import (
    BundleDoc,
    Corpus,
    Cue,
    DocKind,
    Family,
    FamilyOption,
    ItemDoc,
    Rule,
    RuleKind,
)
from onewindow.guidance.engine.search import Answer, Engine, Result

__all__ = [
    "Answer",
    "BundleDoc",
    "Corpus",
    "Cue",
    "DocKind",
    "Engine",
    "Family",
    "FamilyOption",
    "ItemDoc",
    "Result",
    "Rule",
    "RuleKind",
]
