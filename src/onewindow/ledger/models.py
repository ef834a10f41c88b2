"""The append-only, tamper-evident log of every state change (ARCHITECTURE §4, §6)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from onewindow.core.models import TimeStampedModel
from onewindow.ledger.enums import ForkKind


class LedgerHead(models.Model):
    """The one row appenders lock: it holds the size, so sequence numbers have no gaps."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField("条目数", default=0)
    # A log's hash is one of its parameters (RFC 9162 §2.1): fixed by the first append, since
    # every stored leaf, node and signed checkpoint depends on it (ADR 0004).
    hash_algorithm = models.CharField("哈希算法", max_length=16, default="sha256")

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


class PublishedCheckpoint(TimeStampedModel):
    """A checkpoint the periodic job signed and kept, so that witnesses can cosign it.

    ``body`` is the C2SP tlog-checkpoint note text and ``signatures`` the log's own signature
    lines; witnesses' lines are :class:`Cosignature` rows, appended to the note when served.
    One row per size: the tree at a size never changes, so neither does its checkpoint body.
    """

    size = models.BigIntegerField("条目数", primary_key=True)
    root_hash = models.BinaryField("根哈希", max_length=32)
    body = models.TextField("检查点正文")
    signatures = models.TextField("日志签名行")
    published_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = "已发布检查点"
        verbose_name_plural = "已发布检查点"
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"checkpoint@{self.size}"


class Witness(TimeStampedModel):
    """A department's witness key (C2SP tlog-cosignature ``0x04`` verifier key).

    A department has at most one active key; a replaced key stays (inactive) so that the
    cosignatures it made remain verifiable.
    """

    department_code = models.CharField("部门代码", max_length=20)
    name = models.CharField("见证名称", max_length=200)
    vkey = models.CharField("验证公钥", max_length=300, unique=True)
    key_id = models.CharField("密钥编号", max_length=8)
    is_active = models.BooleanField("启用", default=True)
    registered_at = models.DateTimeField("登记时间")
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "账本见证方"
        verbose_name_plural = "账本见证方"
        ordering = ["department_code", "-registered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department_code"],
                condition=Q(is_active=True),
                name="ledger_witness_one_active_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_code} {self.name}"


class Cosignature(TimeStampedModel):
    """A witness's ``cosignature/v1`` line on a published checkpoint (the latest it sent)."""

    checkpoint = models.ForeignKey(
        PublishedCheckpoint,
        verbose_name="检查点",
        on_delete=models.PROTECT,
        related_name="cosignatures",
    )
    witness = models.ForeignKey(
        Witness, verbose_name="见证方", on_delete=models.PROTECT, related_name="cosignatures"
    )
    line = models.TextField("副署签名行")
    signed_at = models.DateTimeField("副署时间")
    received_at = models.DateTimeField("收到时间")

    class Meta:
        verbose_name = "见证副署"
        verbose_name_plural = "见证副署"
        ordering = ["checkpoint", "witness__department_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness"], name="ledger_cosignature_once_per_witness"
            )
        ]

    def __str__(self) -> str:
        return f"{self.witness.department_code}@{self.checkpoint_id}"


class ForkReport(TimeStampedModel):
    """Evidence from a witness that the log showed it two views that cannot both be true.

    ``evidence`` holds what the witness sent (both signed checkpoints, the failing proof).
    ``signatures_valid`` says whether both checkpoints carry a valid signature of a log key,
    i.e. whether the log itself signed the contradiction; ``matches_local`` whether this
    database's tree still has the root of the earlier checkpoint at its size.
    """

    witness = models.ForeignKey(
        Witness, verbose_name="见证方", on_delete=models.PROTECT, related_name="fork_reports"
    )
    department_code = models.CharField("部门代码", max_length=20)
    size = models.BigIntegerField("条目数")
    kind = models.CharField("类别", max_length=12, choices=ForkKind.choices)
    evidence = models.JSONField("证据")
    signatures_valid = models.BooleanField("日志签名有效")
    matches_local = models.BooleanField("与本库一致", null=True)
    reported_at = models.DateTimeField("报告时间")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "分叉报告"
        verbose_name_plural = "分叉报告"
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.department_code}@{self.size}"
