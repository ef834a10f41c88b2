"""Ledger errors with stable codes (API.md "Ledger")."""

from __future__ import annotations

from onewindow.core.errors import BadInput, Conflict, NotFound, PermissionDenied


class BadRange(BadInput):
    code = "ledger.bad_range"
    message = "序号或条目数超出账本范围"


class EntryNotFound(NotFound):
    code = "ledger.entry_not_found"
    message = "账本中没有这一序号的记录"


class CheckpointNotFound(NotFound):
    code = "ledger.checkpoint_not_found"
    message = "没有在该条目数发布的检查点"


class BadCosignature(BadInput):
    code = "ledger.bad_cosignature"
    message = "副署签名无法验证"


class BadForkEvidence(BadInput):
    code = "ledger.bad_fork_evidence"
    message = "分叉证据格式不正确"


class BadWitnessKey(BadInput):
    code = "ledger.bad_witness_key"
    message = "见证公钥格式不正确"


class NotAWitness(PermissionDenied):
    code = "ledger.not_a_witness"
    message = "本部门尚未登记为账本见证方"


class WitnessKeyInUse(Conflict):
    code = "ledger.witness_key_in_use"
    message = "该见证公钥已登记"


class SigningUnavailable(Conflict):
    code = "ledger.signing_unavailable"
    message = "账本签名密钥未配置，暂时无法签发检查点"
