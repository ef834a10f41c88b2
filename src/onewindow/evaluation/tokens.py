"""Review tokens: one per case and stage, derived from the case so intake issues nothing.

A token signs ``<number>:<stage>:<expiry>`` with the project key, so the SMS link and the
receipt's QR code carry it without a table. It is one-time because a case and stage take one
review; it expires ``REVIEW_TOKEN_DAYS`` after the event it rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing

from onewindow.core import clock
from onewindow.evaluation import events
from onewindow.evaluation.enums import ReviewChannel, Stage
from onewindow.workflow.models import Case

SALT = "onewindow.evaluation.review-token"


@dataclass(frozen=True)
class TokenClaim:
    """What a valid token allows: rating ``stage`` of case ``number``."""

    number: str
    stage: str


def token_for(case: Case, stage: str) -> str | None:
    """The case's review token for ``stage``; None while the event has not happened."""
    at = events.event_at(case, stage)
    if at is None:
        return None
    days = int(settings.ONEWINDOW.get("REVIEW_TOKEN_DAYS", 30))
    expires = int((at + timedelta(days=days)).timestamp())
    return signing.Signer(salt=SALT).sign(f"{case.number}:{stage}:{expires}")


def read_token(token: str) -> TokenClaim | None:
    """The claim of a genuine, unexpired token; None for forged, malformed or expired ones."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    number, _, rest = value.partition(":")
    stage, _, expires = rest.partition(":")
    if stage not in Stage.values or not expires.isdigit():
        return None
    if clock.now().timestamp() > int(expires):
        return None
    return TokenClaim(number, stage)


# How a link reached the evaluator (``?via=``) → the GB/T 39046 channel the rating records.
VIA_CHANNELS: dict[str, str] = {"sms": ReviewChannel.SMS, "qr": ReviewChannel.QR_CODE}


def channel_for_via(via: str | None) -> str:
    """The channel of a rating made through a link; a printed QR code when unknown."""
    return VIA_CHANNELS.get(via or "", ReviewChannel.QR_CODE)


def review_link(case: Case, stage: str, via: str = "") -> str | None:
    """The public rating page for an SMS (``via="sms"``) or a receipt's QR code (``"qr"``);
    None before the event."""
    token = token_for(case, stage)
    if token is None:
        return None
    query = f"?{urlencode({'via': via})}" if via in VIA_CHANNELS else ""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/rate/{token}/{query}"
