"""Window acceptance (综合窗口受理), online application (网上申请) and the written vouchers.

The clerk's workstation is one form in five steps: identify the applicant, pick an item or a
一件事 bundle, tick the situations that apply, check the materials against the preview, then
accept (受理 / 容缺受理), issue a one-time supplement notice (一次性告知) or refuse (不予受理).
Partial updates go through HTMX; every step also works as a plain form post.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from onewindow.catalog import selectors as catalog
from onewindow.catalog.models import ItemVersion
from onewindow.core.errors import BadInput
from onewindow.core.middleware import idempotent_form, new_submission_key
from onewindow.guidance import selectors as guidance_reads
from onewindow.guidance import services as guidance
from onewindow.intake import access, documents_service, forms, services
from onewindow.web.pages import (
    is_partial,
    pdf_response,
    roles_required,
    signed_in_user,
    vary_on_htmx,
)
from onewindow.workflow import access as case_access
from onewindow.workflow import selectors as cases
from onewindow.workflow.enums import Provided

CLERK_ROLES = ("clerk",)
VOUCHER_ROLES = ("clerk", "centre_admin")
APPLICANT_ROLES = ("citizen", "enterprise")
ITEM_RESULTS = 10
MAX_CASES_SHOWN = 20


# --- the clerk's workstation ---------------------------------------------------------------


def _guides(state: forms.WindowState) -> tuple[list[ItemVersion], str]:
    """The item guides of the chosen item or bundle, or an error message."""
    if state.bundle_code:
        bundle = catalog.get_bundle(state.bundle_code)
        if bundle is None:
            return [], "一件事套餐不存在"
        guides = [catalog.get_item_guide(e.item.code) for e in bundle.entries.all()]
        return [g for g in guides if g is not None], ""
    if state.item_code:
        guide = catalog.get_item_guide(state.item_code)
        return ([guide], "") if guide is not None else ([], "事项不存在")
    return [], ""


def _render_window(
    request: HttpRequest,
    state: forms.WindowState,
    *,
    errors: forms.PageErrors | None = None,
    evaluations: dict[str, services.Evaluation] | None = None,
    selection: tuple[list[ItemVersion], str] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or forms.PageErrors()
    evaluations = evaluations or {}
    guides, selection_error = selection if selection is not None else _guides(state)
    if selection_error and "item" not in errors.fields:
        errors.fields["item"] = selection_error
    snapshot = forms.snapshot_of(state.signature(), evaluations) or state.usable_snapshot()
    checklists = forms.build_checklists(
        guides,
        evaluations,
        snapshot=None if evaluations else state.usable_snapshot(),
        conditions=state.conditions,
        received=state.received,
        provided=state.provided,
        form_values=state.form_values,
        material_errors=errors.materials,
    )
    bundle = catalog.get_bundle(state.bundle_code) if state.bundle_code else None
    context = {
        "nav": "window",
        "state": state,
        "errors": errors,
        "checklists": checklists,
        "previewed": bool(checklists) and all(c.previewed for c in checklists),
        "bundle": bundle,
        "bundles": catalog.list_bundles(),
        "snapshot": snapshot.dumps() if snapshot else "",
        "party_roles": services.PARTY_ROLE_PREFIXES,
        "show_override": state.override_checksum or errors.check_char,
        "paper": Provided.PAPER,
        "electronic": Provided.ELECTRONIC,
        "submission_key": new_submission_key(),
    }
    template = "intake/_workstation.html" if is_partial(request) else "intake/window.html"
    return vary_on_htmx(render(request, template, context, status=status))


@require_GET
@roles_required(*CLERK_ROLES)
def window(request: HttpRequest) -> HttpResponse:
    """An empty workstation; ``?item=`` or ``?bundle=`` pre-selects from the guide pages."""
    state = forms.WindowState(
        item_code=request.GET.get("item", "").strip()[:40],
        bundle_code=request.GET.get("bundle", "").strip()[:20],
    )
    return _render_window(request, state)


@require_GET
@roles_required(*CLERK_ROLES)
def window_items(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type results for step 2 from the guidance engine (names, aliases,
    situations, pinyin, codes): items first, then bundles, each with the reason it matched.
    A clerk's keystrokes are not logged as unanswered questions."""
    q = request.GET.get("q", "").strip()[:100]
    results = guidance.answer_query(query=q, limit=ITEM_RESULTS, log=False).results if q else []
    reasons = {r.code: r.reason for r in results if r.kind == "item"}
    versions = {v.item.code: v for v in catalog.current_items().filter(item__code__in=reasons)}
    items = [(versions[c], reason) for c, reason in reasons.items() if c in versions]
    bundles = [r for r in results if r.kind == "bundle"]
    return render(
        request, "intake/_item_results.html", {"q": q, "items": items, "bundles": bundles}
    )


@require_POST
@roles_required(*CLERK_ROLES)
def window_checklist(request: HttpRequest) -> HttpResponse:
    """Re-show the workstation with the material checklist of the chosen item(s).

    The preview runs once the applicant and the item are known; its errors (bad ID number,
    item not for this kind of applicant …) are shown next to their fields.
    """
    user = signed_in_user(request)
    state = forms.parse_window(request.POST)
    guides, selection_error = selection = _guides(state)
    evaluations: dict[str, services.Evaluation] = {}
    errors = forms.PageErrors()
    if guides and not selection_error and state.has_applicant:
        try:
            access.check_applicant_allowed(user, state.number)
            evaluations = {
                e.version.item.code: e
                for e in services.preview_applications(app=state.preview(), actor=user)
            }
        except BadInput as exc:
            errors = forms.page_errors(
                exc, parties=state.named_parties(), values=_typed_numbers(state)
            )
    return _render_window(
        request, state, errors=errors, evaluations=evaluations, selection=selection
    )


def _typed_numbers(state: forms.WindowState) -> dict[str, str]:
    return {"id_number": state.id_number, "credit_code": state.credit_code}


@idempotent_form
@require_POST
@roles_required(*CLERK_ROLES)
def window_submit(request: HttpRequest) -> HttpResponse:
    """受理, 容缺受理 or 出具一次性告知书: one call of ``submit_application``."""
    user = signed_in_user(request)
    state = forms.parse_window(request.POST)
    action = request.POST.get("action", "accept")
    app = state.application(tolerant=action == "tolerant", with_materials=action != "notice")
    try:
        outcome = services.submit_application(app=app, actor=user)
    except BadInput as exc:
        errors = forms.page_errors(
            exc,
            materials=app.materials,
            parties=state.named_parties(),
            values=_typed_numbers(state),
        )
        return _render_window(request, state, errors=errors, status=400)
    if outcome.notice is not None:
        return redirect("intake:notice", number=outcome.notice.notice_number)
    query = urlencode([("case", c.number) for c in outcome.cases])
    return HttpResponseRedirect(f"{reverse('intake:window-accepted')}?{query}")


@idempotent_form
@require_POST
@roles_required(*CLERK_ROLES)
def window_refuse(request: HttpRequest) -> HttpResponse:
    """不予受理 with its reason: one call of ``refuse_application``."""
    user = signed_in_user(request)
    state = forms.parse_window(request.POST)
    try:
        refusal = services.refuse_application(
            item_code=state.item_code, applicant=state.applicant(), reason=state.reason, actor=user
        )
    except BadInput as exc:
        errors = forms.page_errors(exc, parties=state.named_parties(), values=_typed_numbers(state))
        return _render_window(request, state, errors=errors, status=400)
    return redirect("intake:refusal", number=refusal.number)


@require_GET
@roles_required(*VOUCHER_ROLES)
def window_accepted(request: HttpRequest) -> HttpResponse:
    """The acceptance result: case number(s), promised due date, tasks, receipt links."""
    user = signed_in_user(request)
    numbers = list(dict.fromkeys(request.GET.getlist("case")))[:MAX_CASES_SHOWN]
    if not numbers:
        raise Http404("没有指定办件")
    found = [case_access.case_for_user(user, n) for n in numbers]
    details = [cases.case_detail(c, with_events=False) for c in found]
    # 预判需求: what this applicant will likely need next, less what was just accepted and
    # what they handled before.
    accepted = {c.item.code for c in found}
    needs = guidance_reads.predicted_needs(
        found[0].item.code, applicant_code=found[0].applicant_code, exclude=accepted
    )
    return render(
        request,
        "intake/accepted.html",
        {"nav": "window", "cases": details, "needs": needs, "needs_after": found[0]},
    )


@require_GET
@roles_required()
def receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """受理通知书 (PDF) of a case the user may see."""
    case = case_access.case_for_user(signed_in_user(request), number)
    return pdf_response(
        documents_service.acceptance_pdf(case, request), f"{case.number}-受理通知书.pdf"
    )


# --- vouchers that are not cases -----------------------------------------------------------


@require_GET
@roles_required()
def notice(request: HttpRequest, number: str) -> HttpResponse:
    """补正材料一次性告知书: every missing material at once."""
    user = signed_in_user(request)
    found = access.notice_for_user(user, number)
    return render(
        request,
        "intake/notice.html",
        {"notice": found, "nav": "window" if user.has_role("clerk") else "my"},
    )


@require_GET
@roles_required()
def notice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    found = access.notice_for_user(signed_in_user(request), number)
    return pdf_response(
        documents_service.notice_pdf(found), f"{found.notice_number}-一次性告知书.pdf"
    )


@require_GET
@roles_required(*VOUCHER_ROLES)
def refusal(request: HttpRequest, number: str) -> HttpResponse:
    """不予受理决定 with its reason."""
    found = access.refusal_for_user(signed_in_user(request), number)
    return render(request, "intake/refusal.html", {"refusal": found, "nav": "window"})


@require_GET
@roles_required(*VOUCHER_ROLES)
def refusal_pdf(request: HttpRequest, number: str) -> HttpResponse:
    found = access.refusal_for_user(signed_in_user(request), number)
    return pdf_response(
        documents_service.refusal_pdf(found), f"{found.document_number}-不予受理决定书.pdf"
    )


# --- online application --------------------------------------------------------------------


@idempotent_form
@roles_required(*APPLICANT_ROLES)
def apply(request: HttpRequest, item_code: str) -> HttpResponse:
    """网上申请 for oneself: the checklist with what the certificate library already serves,
    the pre-filled form, and how each remaining material will be handed in."""
    user = signed_in_user(request)
    access.check_applicant_allowed(user, None)
    guide = catalog.get_item_guide(item_code)
    if guide is None:
        raise Http404("事项不存在")
    if request.method == "POST":
        state = forms.parse_apply(request.POST)
        app = state.application(item_code)
        try:
            outcome = services.submit_application(app=app, actor=user)
        except BadInput as exc:
            errors = forms.page_errors(exc, materials=app.materials)
            return _render_apply(request, guide, state, errors, status=400)
        if outcome.notice is not None:
            return redirect("intake:notice", number=outcome.notice.notice_number)
        return redirect("workflow:case", number=outcome.cases[0].number)
    return _render_apply(request, guide, forms.parse_apply(request.GET), forms.PageErrors())


def _render_apply(
    request: HttpRequest,
    guide: ItemVersion,
    state: forms.ApplyState,
    errors: forms.PageErrors,
    *,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    evaluations: dict[str, services.Evaluation] = {}
    try:
        evaluations[guide.item.code] = services.preview_application(
            app=state.preview(guide.item.code), actor=user
        )
    except BadInput as exc:
        if not errors:
            errors = forms.page_errors(exc)
    checklists = forms.build_checklists(
        [guide],
        evaluations,
        snapshot=None,
        conditions=state.conditions,
        received=list(state.provided),
        provided=state.provided,
        form_values=state.form_values,
        material_errors=errors.materials,
    )
    context = {
        "nav": "guide",
        "v": guide,
        "checklist": checklists[0],
        "errors": errors,
        "state": state,
        "applicant": services.applicant_for_user(user) if evaluations else None,
        "paper": Provided.PAPER,
        "electronic": Provided.ELECTRONIC,
        "submission_key": new_submission_key(),
    }
    template = "intake/_apply_form.html" if is_partial(request) else "intake/apply.html"
    return vary_on_htmx(render(request, template, context, status=status))
