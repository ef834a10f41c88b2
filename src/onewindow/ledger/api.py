"""Ledger endpoints (API.md "Ledger"): checkpoints, verifier keys, entries, proofs and the
witnesses' cosignatures and fork reports. Hashes are base64, indices start at 0.

Reads are public and need no login; an entry's details follow :mod:`onewindow.ledger.access`.
Handlers stay thin: parse, check access, call one selector or service, render.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from onewindow.core import clock
from onewindow.core.errors import BadInput, PermissionDenied
from onewindow.core.http import client_address, paginate
from onewindow.ledger import access, checkpoints, notes, selectors, services
from onewindow.ledger.access import Caller
from onewindow.ledger.errors import BadRange, CheckpointNotFound, EntryNotFound
from onewindow.ledger.models import ForkReport, LedgerEntry, PublishedCheckpoint
from onewindow.ledger.notes import b64
from onewindow.ledger.services import format_time

TEXT = "text/plain; charset=utf-8"
# Export answers carry one proof per entry; bound them so one request stays cheap.
MAX_EXPORT = 1000


class CallerAuth(HttpBearer):
    """Token or session, through the configured caller resolver (the ledger cannot import
    accounts). With ``roles`` a caller holding none of them is refused before the body is
    validated (API.md: 403 when the caller's role may never call the endpoint)."""

    def __init__(self, *roles: str) -> None:
        super().__init__()
        self.roles = roles

    def __call__(self, request: HttpRequest) -> Caller | None:
        caller = access.caller_for(request)
        if caller is not None and self.roles and not caller.has_role(*self.roles):
            raise PermissionDenied()
        return caller

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return access.caller_for(request)


router = Router(tags=["ledger"])


def _text(body: str) -> HttpResponse:
    response = HttpResponse(body, content_type=TEXT)
    response["Cache-Control"] = "no-cache"
    return response


def _text_doc(description: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    }


def _caller(request: HttpRequest) -> Caller:
    caller = request.auth  # type: ignore[attr-defined]  # set by django-ninja after auth
    if caller is None:  # pragma: no cover - ninja answers 401 before calling the handler
        raise PermissionDenied()
    return caller  # type: ignore[no-any-return]  # the auth class returns a Caller


# --- checkpoints -------------------------------------------------------------------------------


@router.get(
    "/ledger/checkpoint",
    auth=None,
    summary="当前检查点（签名日志头）",
    openapi_extra=_text_doc("C2SP tlog-checkpoint signed note covering every committed entry"),
)
def current_checkpoint(request: HttpRequest) -> HttpResponse:
    """A C2SP tlog-checkpoint signed note of every committed entry, signed now."""
    return _text(selectors.get_signed_checkpoint())


class CheckpointSummary(Schema):
    size: int
    root_hash: str
    published_at: datetime
    cosigned_by: list[str]
    url: str


def _summaries(rows: Iterable[PublishedCheckpoint]) -> list[dict[str, Any]]:
    return [_summary(c) for c in rows]


def _summary(checkpoint: PublishedCheckpoint) -> dict[str, Any]:
    return {
        "size": checkpoint.size,
        "root_hash": b64(bytes(checkpoint.root_hash)),
        "published_at": checkpoint.published_at,
        "cosigned_by": [c.witness.department_code for c in selectors.cosignatures_of(checkpoint)],
        "url": f"/api/v1/ledger/checkpoints/{checkpoint.size}",
    }


class Page(Schema):
    page: int | None = None
    page_size: int | None = None


@router.get("/ledger/checkpoints", auth=None, summary="已发布的检查点（最新在前）")
def list_checkpoints(request: HttpRequest, filters: Query[Page]) -> dict[str, Any]:
    """Published checkpoints, largest first, with the departments that cosigned each."""
    return paginate(
        selectors.list_published_checkpoints(),
        filters.page,
        filters.page_size,
        _summaries,
    )


@router.get(
    "/ledger/checkpoints/latest",
    auth=None,
    summary="最新发布的检查点（含副署）",
    openapi_extra=_text_doc("the latest published checkpoint with its cosignatures"),
)
def latest_checkpoint(request: HttpRequest) -> HttpResponse:
    """The largest published checkpoint with every cosignature it received."""
    checkpoint = selectors.get_latest_published_checkpoint()
    if checkpoint is None:
        raise CheckpointNotFound("尚未发布检查点")
    return _text(selectors.published_note(checkpoint))


@router.get(
    "/ledger/checkpoints/{size}",
    auth=None,
    summary="指定条目数的已发布检查点（含副署）",
    openapi_extra=_text_doc("the checkpoint published at that size with its cosignatures"),
)
def published_checkpoint(request: HttpRequest, size: int) -> HttpResponse:
    """The checkpoint the periodic job published at ``size`` with its cosignatures."""
    checkpoint = selectors.get_published_checkpoint(size)
    if checkpoint is None:
        raise CheckpointNotFound()
    return _text(selectors.published_note(checkpoint))


@router.get("/ledger/verifier-keys", auth=None, response=list[str], summary="验证公钥")
def verifier_keys(request: HttpRequest) -> list[str]:
    """Signed-note verifier keys of the log (current and retired) and of each witness."""
    return selectors.list_verifier_keys()


# --- entries and proofs ---------------------------------------------------------------------


class EntryOut(Schema):
    index: int
    event: str
    at: str = Field(description="the leaf's time, ISO 8601 +08:00 with microseconds")
    actor: str | None
    target: str | None
    payload: dict[str, Any] | None
    leaf_hash: str


def _entry(entry: LedgerEntry, *, details: bool) -> dict[str, Any]:
    # ``at`` is given exactly as it was hashed into the leaf, so a client can rebuild the
    # leaf and check it against the proofs without trusting ``leaf_hash``.
    return {
        "index": entry.index,
        "event": entry.event,
        "at": format_time(entry.at),
        "actor": entry.actor if details else None,
        "target": entry.target if details else None,
        "payload": entry.payload if details else None,
        "leaf_hash": b64(bytes(entry.leaf_hash)),
    }


class EntryQuery(Schema):
    verify: str = Field("", max_length=8, description="the case's progress verify code")


@router.get("/ledger/entries/{index}", auth=None, response=EntryOut, summary="账本记录")
def entry(request: HttpRequest, index: int, filters: Query[EntryQuery]) -> dict[str, Any]:
    """One entry; actor, target and payload only for auditors and the case's applicant."""
    found = selectors.get_entry(index) if index >= 0 else None
    if found is None:
        raise EntryNotFound()
    details = access.can_read_details(
        access.caller_for(request),
        found,
        verify=filters.verify.strip(),
        address=client_address(request),
    )
    return _entry(found, details=details)


class EntrySearch(Schema):
    event: str = Field("", max_length=64)
    target: str = Field("", max_length=120)
    actor: str = Field("", max_length=80)
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    page: int | None = None
    page_size: int | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.LOCAL_TZ)


@router.get("/ledger/entries", auth=CallerAuth("auditor"), summary="检索账本记录（审计）")
def search(request: HttpRequest, filters: Query[EntrySearch]) -> dict[str, Any]:
    """Auditors' search by event (or ``prefix.``), target, actor and inclusive dates."""
    rows = selectors.search_entries(
        event=filters.event.strip(),
        target=filters.target.strip(),
        actor=filters.actor.strip(),
        since=_day_start(filters.from_) if filters.from_ else None,
        until=_day_start(filters.to + timedelta(days=1)) if filters.to else None,
    )
    return paginate(rows, filters.page, filters.page_size, _entries)


def _entries(rows: Iterable[LedgerEntry]) -> list[dict[str, Any]]:
    return [_entry(e, details=True) for e in rows]


class ExportQuery(Schema):
    start: int
    end: int = Field(description="exclusive")


@router.get("/ledger/export", auth=CallerAuth("auditor"), summary="导出区间记录及证明（审计）")
def export(request: HttpRequest, filters: Query[ExportQuery]) -> dict[str, Any]:
    """Entries ``[start, end)`` with their inclusion proofs in the current signed checkpoint,
    so the export verifies offline. At most 1000 entries per request."""
    size = selectors.get_size()
    if not 0 <= filters.start < filters.end <= size or filters.end - filters.start > MAX_EXPORT:
        raise BadRange(
            fields={"end": f"应满足 0 ≤ start < end ≤ {size}，且一次最多 {MAX_EXPORT} 条"}
        )
    note = selectors.get_signed_checkpoint()
    # The checkpoint is signed first; proofs are for its size even if entries arrive meanwhile.
    signed_size = checkpoints.parse_checkpoint(notes.parse_note(note).text).size
    rows = list(
        LedgerEntry.objects.filter(index__gte=filters.start, index__lt=filters.end).order_by(
            "index"
        )
    )
    proofs = selectors.get_inclusion_proofs([e.index for e in rows], signed_size)
    return {
        "checkpoint": note,
        "size": signed_size,
        "entries": [
            _entry(e, details=True) | {"proof": [b64(h) for h in proofs[e.index]]} for e in rows
        ],
    }


class ProofOut(Schema):
    hashes: list[str]


class InclusionQuery(Schema):
    index: int
    size: int


@router.get("/ledger/proofs/inclusion", auth=None, response=ProofOut, summary="包含证明")
def inclusion(request: HttpRequest, filters: Query[InclusionQuery]) -> dict[str, Any]:
    """RFC 9162 §2.1.3 inclusion proof of entry ``index`` in the tree of ``size`` entries."""
    proof = selectors.get_inclusion_proof(filters.index, filters.size)
    return {"hashes": [b64(h) for h in proof]}


class ConsistencyQuery(Schema):
    first: int
    second: int


@router.get("/ledger/proofs/consistency", auth=None, response=ProofOut, summary="一致性证明")
def consistency(request: HttpRequest, filters: Query[ConsistencyQuery]) -> dict[str, Any]:
    """RFC 9162 §2.1.4 consistency proof from the tree of ``first`` to that of ``second``."""
    proof = selectors.get_consistency_proof(filters.first, filters.second)
    return {"hashes": [b64(h) for h in proof]}


# --- witnesses -------------------------------------------------------------------------------


class CosignatureIn(Schema):
    size: int
    cosignature: str | None = Field(None, max_length=1000)
    fork_evidence: dict[str, Any] | None = None


@router.post(
    "/ledger/cosignatures",
    auth=CallerAuth("dept_system"),
    response={201: dict[str, Any]},
    summary="提交见证副署或分叉证据（部门业务系统）",
)
def cosign(request: HttpRequest, payload: CosignatureIn) -> Status[dict[str, Any]]:
    """A witnessing department's ``cosignature/v1`` line for the checkpoint published at
    ``size``, or its evidence that the log forked (the centre is alerted)."""
    caller = _caller(request)
    department = access.department_code_of(caller)
    if (payload.cosignature is None) == (payload.fork_evidence is None):
        raise BadInput(
            "请提交 cosignature 或 fork_evidence 之一",
            fields={"cosignature": "cosignature 与 fork_evidence 须且只须提交一项"},
        )
    if payload.fork_evidence is not None:
        report = services.report_fork(
            size=payload.size,
            evidence=payload.fork_evidence,
            department_code=department,
            actor=caller.ledger_ref,
        )
        return Status(201, _report(report))
    if payload.size < 1:
        raise BadRange(fields={"size": "条目数应大于 0"})
    cosignature = services.add_cosignature(
        size=payload.size, line=payload.cosignature or "", department_code=department
    )
    return Status(
        201,
        {
            "size": payload.size,
            "department": cosignature.witness.department_code,
            "witness": cosignature.witness.name,
            "cosigned_at": cosignature.signed_at,
            "line": cosignature.line,
        },
    )


def _reports(rows: Iterable[ForkReport]) -> list[dict[str, Any]]:
    return [_report(r) | {"evidence": r.evidence} for r in rows]


def _report(report: ForkReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "size": report.size,
        "department": report.department_code,
        "kind": report.kind,
        "signatures_valid": report.signatures_valid,
        "matches_local": report.matches_local,
        "reported_at": report.reported_at,
        "resolved_at": report.resolved_at,
    }


class WitnessIn(Schema):
    department: str = Field(max_length=20)
    vkey: str = Field(max_length=300)


def _witness(status: selectors.WitnessStatus) -> dict[str, Any]:
    w = status.witness
    return {
        "department": w.department_code,
        "name": w.name,
        "vkey": w.vkey,
        "active": w.is_active,
        "registered_at": w.registered_at,
        "last_cosigned_size": status.last_size,
        "last_cosigned_at": status.last_signed_at,
        "open_fork_reports": status.open_reports,
    }


@router.get("/ledger/witnesses", auth=None, summary="见证方及其最近副署")
def witnesses(request: HttpRequest) -> list[dict[str, Any]]:
    """Every witness key with the largest size it cosigned."""
    return [_witness(s) for s in selectors.list_witness_status()]


@router.post(
    "/ledger/witnesses",
    auth=CallerAuth("centre_admin"),
    response={201: dict[str, Any]},
    summary="登记部门见证公钥（中心管理员）",
)
def register_witness(request: HttpRequest, payload: WitnessIn) -> Status[dict[str, Any]]:
    """Register a department's witness key; its previous key is retired but kept."""
    witness = services.register_witness(
        department_code=payload.department.strip(),
        vkey=payload.vkey.strip(),
        actor=_caller(request).ledger_ref,
    )
    return Status(
        201,
        {
            "department": witness.department_code,
            "name": witness.name,
            "vkey": witness.vkey,
            "active": witness.is_active,
            "registered_at": witness.registered_at,
        },
    )


@router.get(
    "/ledger/fork-reports",
    auth=CallerAuth("centre_admin", "auditor"),
    summary="见证方的分叉报告（中心管理员、审计）",
)
def fork_reports(request: HttpRequest, filters: Query[Page]) -> dict[str, Any]:
    """Witnesses' fork and rollback reports, newest first."""
    return paginate(
        selectors.list_fork_reports(),
        filters.page,
        filters.page_size,
        _reports,
    )
