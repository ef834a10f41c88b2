"""Public guidance endpoints (API.md ``GET /api/v1/guidance``): no authentication."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from onewindow.catalog.errors import ItemNotFound
from onewindow.guidance import selectors, services
from onewindow.guidance.engine import Answer

router = Router(tags=["智能导办"])


class GuidanceQuery(Schema):
    q: str = ""
    limit: int = 5


def answer_body(answer: Answer) -> dict[str, Any]:
    """The API.md shape: results best first and the clarifying question, if any."""
    clarify = None
    if answer.clarify is not None:
        clarify = {
            "question": answer.clarify.question,
            "options": [{"label": o.label, "codes": list(o.codes)} for o in answer.clarify.options],
        }
    return {
        "query": answer.query,
        "results": [
            {"kind": r.kind, "code": r.code, "name": r.name, "score": r.score, "reason": r.reason}
            for r in answer.results
        ],
        "clarify": clarify,
    }


@router.get("/guidance", auth=None, summary="智能导办：用群众自己的话找事项")
def guidance(request: HttpRequest, params: Query[GuidanceQuery]) -> dict[str, Any]:
    return answer_body(services.answer_query(query=params.q, limit=params.limit))


@router.get("/guidance/needs/{code}", auth=None, summary="预判需求：通常还需要办理的事项")
def needs(request: HttpRequest, code: str) -> dict[str, Any]:
    if code not in selectors.get_engine().index_of:
        raise ItemNotFound()
    return {
        "code": code,
        "items": [
            {"code": n.code, "name": n.name, "reason": n.reason}
            for n in selectors.predicted_needs(code)
        ],
    }
