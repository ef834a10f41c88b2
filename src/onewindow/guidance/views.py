"""智能导办 pages: the citizen's question box and the need-prediction block of item guides."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onewindow.core.errors import BadInput
from onewindow.guidance import selectors, services
from onewindow.guidance.engine import Answer, Result
from onewindow.guidance.engine.search import MAX_QUERY_CHARS
from onewindow.web.pages import is_partial, vary_on_htmx

RESULTS_SHOWN = 8
MAX_PICKED = 12
EXAMPLES = (
    "身份证丢了下周要坐飞机",
    "孩子刚出生要上户口",
    "公司不想开了",
    "租房怎么提取公积金",
    "lsfz",
    "shebaoka buban",
)


def _picked(answer: Answer, pick: str) -> list[Result]:
    """The items of the clarifying option the citizen chose, in the option's order."""
    engine = selectors.get_engine()
    codes = [c for c in dict.fromkeys(pick.split(",")) if c in engine.index_of][:MAX_PICKED]
    return [
        Result(
            kind=engine.docs[engine.index_of[c]].kind.value,
            code=c,
            name=engine.docs[engine.index_of[c]].name,
            score=1.0,
            reason="按您选择的情形",
        )
        for c in codes
    ]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Search as you type; a typed keystroke (``typing=1``) is never logged as unanswered,
    only a question the citizen submits."""
    q = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    pick = request.GET.get("pick", "")[:400]
    typing = request.GET.get("typing") == "1"
    answer: Answer | None = None
    error = ""
    if q.strip():
        try:
            answer = services.answer_query(
                query=q, limit=RESULTS_SHOWN, log=not typing and not pick
            )
        except BadInput as exc:
            error = "；".join(exc.fields.values()) or exc.message
    picked = _picked(answer, pick) if answer is not None and pick else []
    context = {
        "nav": "guidance",
        "q": q,
        "answer": answer,
        "picked": picked,
        "error": error,
        "examples": EXAMPLES,
        "max_length": MAX_QUERY_CHARS,
    }
    template = "guidance/_answer.html" if is_partial(request) else "guidance/index.html"
    return vary_on_htmx(render(request, template, context))


@require_GET
def needs(request: HttpRequest, code: str) -> HttpResponse:
    """“通常还需要” for an item guide, loaded by the guide page after it renders."""
    engine = selectors.get_engine()
    index_ = engine.index_of.get(code)
    if index_ is None:
        return HttpResponse("")
    context = {
        "name": engine.docs[index_].name,
        "needs": selectors.predicted_needs(code),
    }
    return render(request, "guidance/_needs.html", context)
