"""Pulling certificates from department systems, with timeouts, retries and a circuit breaker.

A source that is down never blocks intake: after ``failure_threshold`` consecutive failures the
breaker opens and the source is skipped until ``cooldown_seconds`` have passed; then one trial
call (half-open) decides whether it closes again. Meanwhile the window records the paper
material instead (the checklist marks the slot as needed and says the source is unavailable).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from django.db import transaction

from onewindow.core import clock
from onewindow.datahub.errors import DuplicateCertificate, InvalidCertificate
from onewindow.datahub.models import BreakerState, DataSource, SourceKind

logger = logging.getLogger(__name__)

# The enabled sources are read at most this often per process (intake calls this per case).
SOURCES_TTL_SECONDS = 30.0
MAX_RESPONSE_BYTES = 2_000_000


class SourceUnavailable(Exception):
    """The source did not answer usefully (timeout, HTTP error, bad JSON)."""


@dataclass(frozen=True)
class PulledCertificate:
    type: str
    holder_code: str
    holder_code_type: str
    holder_name: str
    number: str
    valid_from: date | None
    valid_to: date | None
    fields: dict[str, Any]


@dataclass
class PullResult:
    stored: int = 0
    unavailable_types: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


class Connector(Protocol):
    """Fetches the certificates a source holds for one holder."""

    def fetch(self, holder_code: str, type_codes: Iterable[str]) -> list[PulledCertificate]: ...


class HttpConnector:
    """``GET <base_url>?holder=<code>&types=<A,B>`` answering a JSON list of certificates in
    the push format (``type``, ``holder``, ``number``, ``valid_from``, ``valid_to``, ``fields``).
    """

    def __init__(self, base_url: str, *, timeout: float, retries: int) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.retries = retries

    def fetch(self, holder_code: str, type_codes: Iterable[str]) -> list[PulledCertificate]:
        query = urllib.parse.urlencode({"holder": holder_code, "types": ",".join(type_codes)})
        url = f"{self.base_url}{'&' if '?' in self.base_url else '?'}{query}"
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(url, timeout=self.timeout) as response:
                    raw = response.read(MAX_RESPONSE_BYTES + 1)
                if len(raw) > MAX_RESPONSE_BYTES:
                    raise SourceUnavailable("响应过大")
                return [_parse(item) for item in json.loads(raw.decode("utf-8"))]
            except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError) as exc:
                last = exc
                if attempt < self.retries:
                    time.sleep(min(0.2 * 2**attempt, 1.0))
        raise SourceUnavailable(str(last) or type(last).__name__)


def _parse(item: dict[str, Any]) -> PulledCertificate:
    holder = item["holder"]
    return PulledCertificate(
        type=str(item["type"]),
        holder_code=str(holder["code"]),
        holder_code_type=str(holder["code_type"]),
        holder_name=str(holder.get("name", "")),
        number=str(item["number"]),
        valid_from=date.fromisoformat(item["valid_from"]) if item.get("valid_from") else None,
        valid_to=date.fromisoformat(item["valid_to"]) if item.get("valid_to") else None,
        fields=dict(item.get("fields") or {}),
    )


def connector_for(source: DataSource) -> Connector:
    if source.kind == SourceKind.HTTP:
        return HttpConnector(
            source.base_url, timeout=source.timeout_seconds, retries=source.retries
        )
    raise ValueError(f"unknown source kind {source.kind}")


# --- the breaker ---------------------------------------------------------------------------


def may_call(source: DataSource) -> bool:
    """Closed: yes. Open: only once the cooldown has passed (then it becomes half-open)."""
    if source.state != BreakerState.OPEN:
        return True
    opened = source.opened_at or clock.now()
    return clock.now() - opened >= timedelta(seconds=source.cooldown_seconds)


def record_success(source: DataSource) -> None:
    DataSource.objects.filter(pk=source.pk).update(
        state=BreakerState.CLOSED,
        consecutive_failures=0,
        opened_at=None,
        last_success_at=clock.now(),
    )
    _forget_sources()


def record_failure(source: DataSource, error: str) -> None:
    """Count a failure; open the breaker at the threshold or when a half-open trial fails."""
    now = clock.now()
    failures = source.consecutive_failures + 1
    opens = failures >= source.failure_threshold or source.state == BreakerState.OPEN
    DataSource.objects.filter(pk=source.pk).update(
        consecutive_failures=failures,
        last_failure_at=now,
        last_error=error[:300],
        state=BreakerState.OPEN if opens else source.state,
        opened_at=now if opens else source.opened_at,
    )
    _forget_sources()
    logger.warning("数据源 %s 调用失败（连续 %s 次）：%s", source.code, failures, error)


_sources_lock = threading.Lock()
_sources: tuple[float, list[DataSource]] | None = None


def _forget_sources() -> None:
    global _sources
    with _sources_lock:
        _sources = None


def enabled_sources() -> list[DataSource]:
    """Enabled sources, cached briefly per process."""
    global _sources
    with _sources_lock:
        cached = _sources
    if cached is not None and time.monotonic() - cached[0] < SOURCES_TTL_SECONDS:
        return cached[1]
    rows = list(DataSource.objects.filter(is_enabled=True).select_related("department"))
    with _sources_lock:
        _sources = (time.monotonic(), rows)
    return rows


def pull_certificates(*, holder_code: str, type_codes: set[str]) -> PullResult:
    """Fetch the holder's certificates of ``type_codes`` from the sources that provide them
    and store the new ones in the library. Never raises for a source failure: the types of an
    unavailable source are reported so the window can take paper instead.
    """
    from onewindow.datahub import services  # the push service validates what sources send

    result = PullResult()
    for source in enabled_sources():
        wanted = type_codes.intersection(source.certificate_types)
        if not wanted:
            continue
        if not may_call(source):
            result.unavailable_types |= wanted
            continue
        try:
            pulled = connector_for(source).fetch(holder_code, sorted(wanted))
        except SourceUnavailable as exc:
            record_failure(source, str(exc))
            result.unavailable_types |= wanted
            continue
        record_success(source)
        for item in pulled:
            if item.type not in wanted or item.holder_code.upper() != holder_code.upper():
                continue  # a source answers only for what it was asked
            try:
                with transaction.atomic():
                    services.store_pulled_certificate(item=item, source=source)
                result.stored += 1
            except DuplicateCertificate:
                continue
            except InvalidCertificate as exc:
                result.errors.append(f"{source.code}: {item.number}: {exc.fields}")
    return result
