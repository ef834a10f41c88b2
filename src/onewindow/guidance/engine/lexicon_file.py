"""Reader of the curated lexicon file (``guidance/data/lexicon.txt``).

The file is written by people, so its syntax is small::

    # a comment
    $LOST = 丢|掉|遗失|找不到          a macro, used as $LOST in patterns below
    @synonym                           the kind of the entries that follow
    SF-GAZA-002: 良民证 / 无犯罪证明     codes: patterns separated by " / "
    @situation
    SF-GAHZ-012: 身份证 $LOST           words separated by spaces must all occur
    @typo
    身分证 => 身份证                    a rewrite applied to queries before searching
    @family 身份证 | 您办理身份证属于哪种情况？ | 身份证 / 办身份证
    第一次办理 = SF-GAHZ-010            options until @end; triggers after the second |
    @end
    @cue 公安 | 派出所 / 民警 / 户籍科     context words → a department or topic (a prior)

Codes are item or bundle codes separated by commas. The loader command copies the entries
into the database, where admins maintain them; families and cues stay in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from onewindow.guidance.engine.corpus import Cue, Family, FamilyOption, Rule, RuleKind

_MACRO = re.compile(r"^\$(?P<name>[A-Z_][A-Z0-9_]*)\s*=\s*(?P<body>.+)$")
_MACRO_USE = re.compile(r"\$([A-Z_][A-Z0-9_]*)")
_CODES = re.compile(
    r"^(?P<codes>[A-Z]{2,3}-[A-Z0-9-]+(?:\s*,\s*[A-Z]{2,3}-[A-Z0-9-]+)*)\s*:\s*(?P<body>.+)$"
)


class LexiconFileError(ValueError):
    """A line of the curated lexicon file cannot be read; the message names the line."""


@dataclass
class CuratedLexicon:
    """What a lexicon file holds, in file order."""

    rules: list[Rule] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)


def parse_lexicon(content: str) -> CuratedLexicon:
    """Rules, families and cues of a lexicon file, macros expanded, in file order."""
    macros: dict[str, str] = {}
    out = CuratedLexicon()
    rules, families, cues = out.rules, out.families, out.cues
    kind = RuleKind.SYNONYM.value
    family: tuple[str, str, tuple[str, ...]] | None = None
    options: list[FamilyOption] = []
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            if family is not None:
                if line == "@end":
                    families.append(Family(family[0], family[1], tuple(options), family[2]))
                    family, options = None, []
                else:
                    label, _, codes = line.partition("=")
                    options.append(FamilyOption(label.strip(), _split_codes(codes)))
                continue
            macro = _MACRO.match(line)
            if macro:
                macros[macro["name"]] = _expand(macro["body"].strip(), macros)
                continue
            if line.startswith("@cue"):
                topic, _, words = line.removeprefix("@cue").partition("|")
                found = tuple(w.strip() for w in _expand(words, macros).split("/") if w.strip())
                if not topic.strip() or not found:
                    raise ValueError("应为“@cue 部门或主题 | 线索词 / 线索词”")
                cues.append(Cue(topic.strip(), found))
                continue
            if line.startswith("@family"):
                parts = [p.strip() for p in line.removeprefix("@family").split("|")]
                triggers = tuple(t.strip() for t in parts[2].split("/")) if len(parts) > 2 else ()
                family = (parts[0], parts[1], tuple(t for t in triggers if t))
                continue
            if line.startswith("@"):
                kind = RuleKind(line[1:].strip()).value
                continue
            rules.extend(_entries(line, kind, macros))
        except (ValueError, IndexError, KeyError) as exc:
            raise LexiconFileError(f"第 {number} 行无法识别：{raw.strip()}（{exc}）") from exc
    if family is not None:
        raise LexiconFileError(f"情形问题“{family[0]}”缺少 @end")
    return out


def _entries(line: str, kind: str, macros: dict[str, str]) -> list[Rule]:
    if "=>" in line:
        old, _, new = line.partition("=>")
        return [Rule(kind=kind, phrase=old.strip(), replacement=new.strip())]
    found = _CODES.match(line)
    if not found:
        raise ValueError("应为“事项编码: 说法”或“原文 => 改写”")
    codes = _split_codes(found["codes"])
    return [
        Rule(kind=kind, phrase=" ".join(_expand(pattern, macros).split()), codes=codes)
        for pattern in found["body"].split(" / ")
        if pattern.strip()
    ]


def _expand(pattern: str, macros: dict[str, str]) -> str:
    return _MACRO_USE.sub(lambda m: macros[m.group(1)], pattern)


def _split_codes(codes: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in codes.split(",") if c.strip())
