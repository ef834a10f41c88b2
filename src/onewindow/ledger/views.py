"""Ledger pages: the public 验证办件记录 page (the browser checks the proofs itself), the
centre's witness page and the auditors' entry search.

Views stay thin (STYLE §3): parse, fetch through selectors or services, render.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onewindow.core import clock
from onewindow.core.errors import DomainError
from onewindow.ledger import keys, selectors, services
from onewindow.ledger.models import ForkReport
from onewindow.ledger.notes import b64
from onewindow.web.pages import roles_required, signed_in_user

CASE_NUMBER = re.compile(r"^[0-9A-Z-]{1,40}$")
PAGE_SIZE = 50


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """验证办件记录: the browser fetches the signed checkpoint, the case's entries and their
    proofs, and checks every hash and signature itself (``ledger/verify.js``)."""
    number = request.GET.get("number", "").strip().upper()[:40]
    state = selectors.get_state()
    config = {
        "api": "/api/v1",
        "origin": keys.origin(),
        "hash": state.hasher.name,
        "logKeys": [v.vkey for v in keys.log_keys().verifiers],
        "witnesses": [
            {"department": w.department_code, "vkey": w.vkey} for w in selectors.list_witnesses()
        ],
    }
    return render(
        request,
        "ledger/verify.html",
        {
            "nav": "progress",
            "number": number if CASE_NUMBER.match(number) else "",
            "config": config,
        },
    )


@roles_required("centre_admin", "auditor")
@require_http_methods(["GET", "POST"])
def witnesses(request: HttpRequest) -> HttpResponse:
    """The centre's view of its witnesses: who cosigned which size, and fork alerts.

    Centre admins may register a department's witness key and mark a report as handled.
    """
    user = signed_in_user(request)
    if request.method == "POST":
        if not user.has_role("centre_admin"):
            return HttpResponse("仅中心管理员可以操作", status=403)
        action = request.POST.get("action", "")
        try:
            if action == "register":
                witness = services.register_witness(
                    department_code=request.POST.get("department", "").strip().upper(),
                    vkey=request.POST.get("vkey", "").strip(),
                    actor=user.ledger_ref,
                )
                messages.success(request, f"已登记 {witness.department_code} 的见证公钥")
            elif action == "resolve":
                report = get_object_or_404(ForkReport, pk=request.POST.get("report", "0"))
                services.resolve_fork_report(report=report, actor=user.ledger_ref)
                messages.success(request, "已标记为已处理")
        except DomainError as exc:
            detail = "；".join(exc.fields.values())
            messages.error(request, f"{exc.message}{'：' + detail if detail else ''}")
        return redirect("ledger:witnesses")
    published = list(selectors.list_published_checkpoints()[:10])
    return render(
        request,
        "ledger/witnesses.html",
        {
            "statuses": selectors.list_witness_status(),
            "published": [
                (
                    c,
                    b64(bytes(c.root_hash)),
                    [x.witness.department_code for x in selectors.cosignatures_of(c)],
                )
                for c in published
            ],
            "reports": list(selectors.list_fork_reports()[:20]),
            "open_reports": selectors.list_fork_reports(unresolved_only=True).count(),
            "size": selectors.get_size(),
            "origin": keys.origin(),
            "log_keys": keys.list_keys(),
            "can_manage": user.has_role("centre_admin"),
        },
    )


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@roles_required("auditor")
def entries(request: HttpRequest) -> HttpResponse:
    """Auditors' search over entries (event, target, actor, dates) with export by range."""
    filters = {k: request.GET.get(k, "").strip()[:120] for k in ("event", "target", "actor")}
    since, until = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
    rows = selectors.search_entries(
        event=filters["event"],
        target=filters["target"],
        actor=filters["actor"],
        since=datetime.combine(since, time.min, tzinfo=clock.LOCAL_TZ) if since else None,
        until=(
            datetime.combine(until + timedelta(days=1), time.min, tzinfo=clock.LOCAL_TZ)
            if until
            else None
        ),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/entries.html",
        {
            "page": page,
            "rows": [
                (e, json.dumps(e.payload, ensure_ascii=False, sort_keys=True))
                for e in page.object_list
            ],
            "filters": filters,
            "since": since,
            "until": until,
            "size": selectors.get_size(),
            "query": request.GET.copy(),
        },
    )
