"""Guidance writes: answering a question (which logs unanswered ones), the lexicon admins
maintain, and loading the curated lexicon from the repository."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet

from onewindow.accounts.models import User
from onewindow.catalog.models import Bundle, Item
from onewindow.core import clock
from onewindow.core.errors import BadInput
from onewindow.guidance import selectors
from onewindow.guidance.engine import Answer, Rule
from onewindow.guidance.engine.indexes import compile_pattern
from onewindow.guidance.engine.search import MAX_QUERY_CHARS
from onewindow.guidance.engine.text import clean, fold, redact
from onewindow.guidance.enums import LexiconKind, LexiconSource
from onewindow.guidance.errors import LexiconEntryInvalid
from onewindow.guidance.models import QUERY_MAX, IndexRevision, LexiconEntry, UnansweredQuery
from onewindow.ledger import services as ledger

MAX_LIMIT = 20
MIN_LOGGED_CHARS = 2


# --- answering ---------------------------------------------------------------------------------


def answer_query(*, query: str, limit: int = 5, log: bool = True) -> Answer:
    """Ranked items and bundles for a citizen's question (API.md ``GET /guidance``).

    Preconditions: ``query`` at most 200 characters, ``limit`` 1–20, else BadInput naming
    every bad field. An empty query answers nothing. Side effect with ``log``: a question
    without a confident answer is counted in the unanswered log, without personal data.
    """
    fields: dict[str, str] = {}
    if len(query) > MAX_QUERY_CHARS:
        fields["q"] = f"问题不能超过{MAX_QUERY_CHARS}个字符"
    if not 1 <= limit <= MAX_LIMIT:
        fields["limit"] = f"结果数应在1到{MAX_LIMIT}之间"
    if fields:
        raise BadInput("输入有误，请检查标出的字段", fields=fields)
    answer = selectors.get_engine().search(query, limit)
    if log and not answer.confident:
        best = answer.results[0].code if answer.results else ""
        record_unanswered(query=query, best_code=best)
    return answer


def record_unanswered(*, query: str, best_code: str = "") -> UnansweredQuery | None:
    """Count a question that found no confident answer.

    The stored text is folded (full-width, traditional characters) and stripped of ID
    numbers, credit codes, phones, e-mail addresses and long digit runs first; questions
    shorter than two characters are not kept. Concurrent calls add up (an UPDATE with F()).
    """
    text = redact(fold(clean(query)))[:QUERY_MAX].strip()
    if len(text) < MIN_LOGGED_CHARS:
        return None
    now = clock.now()
    for _ in range(2):
        updated = UnansweredQuery.objects.filter(text=text).update(
            count=F("count") + 1, last_seen_at=now, best_code=best_code, is_resolved=False
        )
        if updated:
            return UnansweredQuery.objects.filter(text=text).first()
        try:
            with transaction.atomic():
                return UnansweredQuery.objects.create(
                    text=text, first_seen_at=now, last_seen_at=now, best_code=best_code
                )
        except IntegrityError:
            continue  # another request created it first; count on it
    return None


@transaction.atomic
def recheck_unanswered(*, queries: Iterable[UnansweredQuery]) -> int:
    """Mark as resolved the logged questions the engine now answers with confidence (after an
    admin added an alias or lexicon entry). Returns how many were resolved."""
    engine = selectors.get_engine()
    resolved = [q.pk for q in queries if not q.is_resolved and engine.search(q.text, 3).confident]
    if resolved:
        UnansweredQuery.objects.filter(pk__in=resolved).update(
            is_resolved=True, resolved_at=clock.now()
        )
    return len(resolved)


# --- the lexicon -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LexiconEntryData:
    kind: str
    phrase: str
    codes: tuple[str, ...] = ()
    replacement: str = ""
    is_active: bool = True
    note: str = ""


def bump_revision() -> int:
    """Advance the index revision so that every process rebuilds its index within seconds;
    this process rebuilds on its next query."""
    updated = IndexRevision.objects.filter(pk=1).update(number=F("number") + 1)
    if not updated:
        try:
            with transaction.atomic():
                IndexRevision.objects.create(pk=1, number=1)
        except IntegrityError:
            IndexRevision.objects.filter(pk=1).update(number=F("number") + 1)
    selectors.mark_engine_stale()
    return selectors.current_revision()


def validate_entry(data: LexiconEntryData) -> LexiconEntryData:
    """Normalise and check an entry; raises LexiconEntryInvalid naming every bad field."""
    fields: dict[str, str] = {}
    phrase = " ".join(clean(data.phrase).split())
    codes = tuple(dict.fromkeys(c.strip().upper() for c in data.codes if c.strip()))
    replacement = clean(data.replacement)
    if data.kind not in LexiconKind.values:
        fields["kind"] = "类型不在允许范围内"
    if not phrase or not compile_pattern(phrase):
        fields["phrase"] = "请填写说法"
    elif replacement and (" " in phrase or "|" in phrase):
        fields["phrase"] = "改写类词条只能是一个连续的词"
    if data.kind == LexiconKind.EXAMPLE and replacement:
        fields["replacement"] = "常见问法只能指向事项，不能作为改写"
    elif bool(codes) == bool(replacement):
        fields["codes"] = "请填写指向的事项编码，或填写改写后的标准写法（二者选一）"
    if codes:
        known = set(Item.objects.filter(code__in=codes).values_list("code", flat=True))
        known |= set(Bundle.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            fields["codes"] = f"事项或一件事编码不存在：{'、'.join(unknown)}"
    if fields:
        raise LexiconEntryInvalid(fields=fields)
    return LexiconEntryData(data.kind, phrase, codes, replacement, data.is_active, data.note)


@transaction.atomic
def save_lexicon_entry(
    *, entry: LexiconEntry | None, data: LexiconEntryData, actor: User
) -> LexiconEntry:
    """Create or change a lexicon entry; the index follows immediately in this process (it
    is rebuilt after the commit, in this request) and within ``REFRESH_SECONDS`` elsewhere.

    An entry an admin edits becomes the admin's (the curated loader leaves it alone from
    then on). Raises LexiconEntryInvalid. Side effects: revision bump, ledger entry
    ``guidance.lexicon_saved``.
    """
    data = validate_entry(data)
    duplicate = LexiconEntry.objects.filter(kind=data.kind, phrase=data.phrase)
    if entry is not None and entry.pk is not None:
        duplicate = duplicate.exclude(pk=entry.pk)
    if duplicate.exists():
        raise LexiconEntryInvalid(fields={"phrase": "同类型下已有相同的说法"})
    target = entry if entry is not None else LexiconEntry()
    target.kind, target.phrase = data.kind, data.phrase
    target.codes, target.replacement = list(data.codes), data.replacement
    target.is_active, target.note = data.is_active, data.note
    target.source = LexiconSource.ADMIN
    target.save()
    revision = bump_revision()
    # The admin sees the change on the next page whatever the catalog's size.
    transaction.on_commit(selectors.refresh_engine, robust=True)
    ledger.record(
        event="guidance.lexicon_saved",
        actor=f"user:{actor.pk}",
        target=f"lexicon:{target.pk}",
        payload={
            "kind": target.kind,
            "phrase": target.phrase,
            "codes": list(target.codes),
            "replacement": target.replacement,
            "is_active": target.is_active,
            "revision": revision,
        },
    )
    return target


@transaction.atomic
def delete_lexicon_entry(*, entry: LexiconEntry, actor: User) -> None:
    """Remove an entry. Side effects: revision bump, ledger entry ``guidance.lexicon_deleted``."""
    pk, phrase = entry.pk, entry.phrase
    entry.delete()
    revision = bump_revision()
    transaction.on_commit(selectors.refresh_engine, robust=True)
    ledger.record(
        event="guidance.lexicon_deleted",
        actor=f"user:{actor.pk}",
        target=f"lexicon:{pk}",
        payload={"phrase": phrase, "revision": revision},
    )


def _merged(rules: Sequence[Rule]) -> dict[tuple[str, str], Rule]:
    """File rules by (kind, phrase); the same phrase listed twice points at both targets."""
    merged: dict[tuple[str, str], Rule] = {}
    for rule in rules:
        phrase = " ".join(rule.phrase.split())
        key = (rule.kind, phrase)
        if key in merged:
            old = merged[key]
            codes = tuple(dict.fromkeys((*old.codes, *rule.codes)))
            merged[key] = Rule(rule.kind, phrase, codes, old.replacement or rule.replacement)
        else:
            merged[key] = Rule(rule.kind, phrase, rule.codes, rule.replacement)
    return merged


@transaction.atomic
def load_curated_lexicon(*, using: str = "default") -> dict[str, int]:
    """Bring the curated entries in the database in line with ``data/lexicon.txt`` and
    ``data/examples.txt``.

    Idempotent. New file entries are added, changed ones updated, curated rows no longer in
    the file removed; rows an admin added or edited are never touched. Codes are not checked
    against the catalog here (it may not be loaded yet); the engine ignores unknown codes.
    Side effect: a revision bump when anything changed.
    """
    wanted = _merged(selectors.read_curated_lexicon().rules)
    rows = LexiconEntry.objects.using(using)
    existing = {(e.kind, e.phrase): e for e in rows.all()}
    created = updated = removed = 0
    fresh: list[LexiconEntry] = []
    for key, rule in wanted.items():
        row = existing.get(key)
        if row is None:
            fresh.append(
                LexiconEntry(
                    kind=rule.kind,
                    phrase=rule.phrase,
                    codes=list(rule.codes),
                    replacement=rule.replacement,
                    source=LexiconSource.CURATED,
                )
            )
        elif row.source == LexiconSource.CURATED and (
            list(rule.codes) != list(row.codes) or rule.replacement != row.replacement
        ):
            row.codes, row.replacement = list(rule.codes), rule.replacement
            row.save(using=using, update_fields=["codes", "replacement", "updated_at"])
            updated += 1
    if fresh:
        created = len(rows.bulk_create(fresh, batch_size=500))
    stale = [
        e.pk
        for key, e in existing.items()
        if e.source == LexiconSource.CURATED and key not in wanted
    ]
    if stale:
        removed, _ = rows.filter(pk__in=stale).delete()
    if created or updated or removed:
        bump_revision()
    return {"created": created, "updated": updated, "removed": removed, "total": len(wanted)}


def resolve_unanswered(*, queries: QuerySet[UnansweredQuery]) -> int:
    """Mark logged questions as handled (an admin judged them out of scope or answered)."""
    return queries.filter(is_resolved=False).update(is_resolved=True, resolved_at=clock.now())
