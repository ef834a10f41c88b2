"""Guidance tables: the lexicon admins maintain, the unanswered-question log, and the index
revision that tells every process when to rebuild its search index."""

from __future__ import annotations

from django.db import models

from onewindow.core.models import TimeStampedModel
from onewindow.guidance.enums import LexiconKind, LexiconSource

PHRASE_MAX = 200
QUERY_MAX = 200


class LexiconEntry(TimeStampedModel):
    """A synonym, situation, dialect word, typo or example question that leads to items (or
    rewrites a query).

    ``phrase`` is a pattern: words separated by spaces must all occur in the question and
    ``|`` separates alternatives (``身份证 丢|掉|找不到``). An entry either names ``codes``
    (items or 一件事 bundles) or gives a ``replacement`` for the matched text (身分证 → 身份证).
    An example question (``kind="example"``) is a whole question as people ask it; it matches
    a query by similarity, not word by word.
    """

    kind = models.CharField("类型", max_length=12, choices=LexiconKind.choices)
    phrase = models.CharField(
        "说法",
        max_length=PHRASE_MAX,
        help_text=(
            "空格分隔的词须同时出现，“|”分隔同一个词的不同说法，如：身份证 丢|掉|找不到；"
            "常见问法填写群众的完整问题，按相似度匹配，如：宝宝满月了还没上户口"
        ),
    )
    codes = models.JSONField("指向事项", default=list, blank=True)
    replacement = models.CharField(
        "改写为", max_length=100, blank=True, help_text="方言或错别字的标准写法，如 身分证 → 身份证"
    )
    is_active = models.BooleanField("启用", default=True)
    source = models.CharField(
        "来源", max_length=8, choices=LexiconSource.choices, default=LexiconSource.ADMIN
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "导办词条"
        verbose_name_plural = "导办词条"
        ordering = ["kind", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "phrase"], name="lexicon_phrase_once"),
        ]

    def __str__(self) -> str:
        target = self.replacement or "、".join(self.codes)
        return f"{self.phrase} → {target}"


class UnansweredQuery(TimeStampedModel):
    """A question the engine could not answer with confidence, stored without personal data
    (ID numbers, phones and long digit runs are removed first) and counted."""

    text = models.CharField("问题", max_length=QUERY_MAX, unique=True)
    count = models.PositiveIntegerField("次数", default=1)
    first_seen_at = models.DateTimeField("首次出现")
    last_seen_at = models.DateTimeField("最近出现")
    best_code = models.CharField("当时的首个结果", max_length=40, blank=True)
    is_resolved = models.BooleanField("已解决", default=False)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)

    class Meta:
        verbose_name = "未能回答的问题"
        verbose_name_plural = "未能回答的问题"
        ordering = ["is_resolved", "-count", "-last_seen_at"]
        indexes = [models.Index(fields=["is_resolved", "-count"], name="unanswered_open")]

    def __str__(self) -> str:
        return self.text


class IndexRevision(models.Model):
    """One row whose number grows with every lexicon change; processes compare it with the
    revision their index was built from (a primary-key read every few seconds)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    number = models.PositiveBigIntegerField("版本号", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "导办索引版本"
        verbose_name_plural = "导办索引版本"

    def __str__(self) -> str:
        return f"r{self.number}"
