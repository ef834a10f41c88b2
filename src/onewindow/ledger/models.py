"""The append-only, tamper-evident log of every state change (ARCHITECTURE §4, §6)."""

from __future__ import annotations

from django.db import models


class LedgerHead(models.Model):
    """The one row appenders lock: it holds the size, so sequence numbers have no gaps."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField("条目数", default=0)

    class Meta:
        verbose_name = "账本头"
        verbose_name_plural = "账本头"

    def __str__(self) -> str:
        return f"size={self.size}"


class LedgerEntry(models.Model):
    """One event. ``index`` is the 0-based, gap-free position in the Merkle log.

    The leaf is the RFC 8785 canonical JSON of ``{"v":1,"index","at","event","actor","target",
    "payload"}``; no raw personal data goes into actor, target or payload (个人信息保护法).
    """

    index = models.BigIntegerField("序号", primary_key=True)
    at = models.DateTimeField("时间")
    event = models.CharField("事件", max_length=64)
    actor = models.CharField("操作者", max_length=80)
    target = models.CharField("对象", max_length=120)
    payload = models.JSONField("内容", default=dict)
    leaf_hash = models.BinaryField("叶哈希", max_length=32)

    class Meta:
        verbose_name = "账本条目"
        verbose_name_plural = "账本条目"
        ordering = ["index"]
        indexes = [
            models.Index(fields=["target", "index"], name="ledger_entry_target"),
            models.Index(fields=["event", "at"], name="ledger_entry_event_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.event} {self.target}"


class LedgerNode(models.Model):
    """Hash of a complete aligned subtree: level k, index j covers leaves [j*2^k, (j+1)*2^k).

    Level 0 mirrors the leaf hashes. With these rows any root or proof needs O(log n) reads.
    """

    level = models.PositiveSmallIntegerField()
    position = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = "账本子树哈希"
        verbose_name_plural = "账本子树哈希"
        constraints = [
            models.UniqueConstraint(fields=["level", "position"], name="ledger_node_coordinate")
        ]

    def __str__(self) -> str:
        return f"({self.level},{self.position})"
