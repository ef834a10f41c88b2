"""Links about a case that a higher app provides, printed by lower ones (ARCHITECTURE §3).

The workflow's messages and the window's vouchers invite the applicant to rate the service
(好差评), but the ratings live in ``evaluation``, above the workflow and beside ``intake``. So
evaluation registers its review-link function here in its ``AppConfig.ready()``, and the SMS
and the receipts ask this module. With nothing registered they simply carry no link.
"""

from __future__ import annotations

import logging
from typing import Protocol

from onewindow.workflow.models import Case

logger = logging.getLogger(__name__)

# The service events a review rates (GB/T 39046: one rating per case and event); the values
# are the ``stage`` of API.md "Ratings".
ACCEPTANCE = "accept"
COMPLETION = "complete"

# How the link reaches the applicant; the rating page records the matching GB/T 39046 channel
# (短信 for the SMS, 二维码 for a printed QR code).
VIA_SMS = "sms"
VIA_QR = "qr"


class ReviewLinkProvider(Protocol):
    def __call__(self, case: Case, stage: str, via: str) -> str | None: ...


_review_link: ReviewLinkProvider | None = None


def register_review_link(provider: ReviewLinkProvider | None) -> None:
    """Install the function that builds a case's public rating link (None removes it)."""
    global _review_link
    _review_link = provider


def review_link(case: Case, stage: str, via: str) -> str | None:
    """The public rating link of ``case`` for ``stage`` reached ``via`` SMS or QR code.

    None when no rating app is installed or the event has not happened yet. A failing
    provider is logged and gives None: a voucher (行政许可法 §32) or a completion message must
    never be held back because an invitation to rate could not be built.
    """
    provider = _review_link
    if provider is None:
        return None
    try:
        return provider(case, stage, via)
    except Exception:
        logger.exception("办件 %s 的评价链接生成失败", case.number)
        return None
