"""Template filters that turn stored codes into the Chinese words people read."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import qrcode
from django import template
from django.conf import settings
from django.db.models import TextChoices
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from qrcode.image.svg import SvgPathImage

from onewindow.core import ids
from onewindow.workflow.enums import CaseStatus, Event, Provided, SlaState, TaskStatus

register = template.Library()


@register.simple_tag
def ledger_verify_qr(number: str) -> SafeString:
    """An inline SVG QR code of the public page that checks a case's ledger entries.

    The SVG is built by the qrcode library from our own URL, never from user text, so it is
    safe to insert as markup.
    """
    url = (
        f"{settings.PUBLIC_BASE_URL.rstrip('/')}{reverse('ledger:verify')}"
        f"?{urlencode({'number': number})}"
    )
    image = qrcode.make(url, image_factory=SvgPathImage, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg") :]  # drop the XML declaration inside HTML
    return mark_safe(svg)


MATERIAL_STATUS_LABELS = {
    "certificate": "免提交",
    "form": "在线填写",
    "needed": "需提交",
    "optional": "不适用",
}
STAGE_KIND_LABELS = {"acceptance": "受理", "review": "审查审批", "delivery": "出件送达"}
SOURCE_LABELS = {
    "applicant": "需申请人填写",
    "registry": "人口/法人库",
    "derived": "系统根据已有数据推算",
}


def _label(choices: type[TextChoices], value: object) -> str:
    text = str(value or "")
    try:
        return str(choices(text).label)
    except ValueError:
        return text


@register.filter
def case_status(value: object) -> str:
    return _label(CaseStatus, value)


@register.filter
def task_status(value: object) -> str:
    return _label(TaskStatus, value)


@register.filter
def sla_label(value: object) -> str:
    return _label(SlaState, value)


@register.filter
def event_label(value: object) -> str:
    text = str(value or "")
    known = _label(Event, text)
    if known != text:
        return known
    return {
        "intake.supplement_notice": "一次性告知",
        "intake.refused": "不予受理",
    }.get(text, text)


@register.filter
def provided_label(value: object) -> str:
    return _label(Provided, value)


@register.filter
def material_status(value: object) -> str:
    return MATERIAL_STATUS_LABELS.get(str(value or ""), "待核验")


@register.filter
def stage_kind(value: object) -> str:
    return STAGE_KIND_LABELS.get(str(value or ""), str(value or ""))


@register.filter
def source_label(value: object) -> str:
    """``certificate:EC-HKB.户号`` → ``电子证照 EC-HKB · 户号``; other sources by name."""
    text = str(value or "")
    if text.startswith("certificate:"):
        type_code, _, key = text.removeprefix("certificate:").partition(".")
        return f"电子证照 {type_code} · {key}" if key else f"电子证照 {type_code}"
    return SOURCE_LABELS.get(text, text)


@register.filter
def masked_id(value: object) -> str:
    return ids.mask_identifier(str(value or ""))


@register.filter
def masked_phone(value: object) -> str:
    return ids.mask_phone(str(value or ""))


@register.filter
def days_text(value: object) -> str:
    """Working days as people say them: 0 is 即办 (on the spot)."""
    try:
        days = int(str(value))
    except ValueError:
        return str(value or "")
    return "即办" if days == 0 else f"{days} 个工作日"
