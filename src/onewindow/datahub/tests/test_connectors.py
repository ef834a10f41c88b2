"""Pulling from department systems over real local HTTP: success, errors, timeouts, breaker."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from onewindow.accounts.models import Department
from onewindow.core import clock
from onewindow.datahub import connectors
from onewindow.datahub.models import BreakerState, Certificate, DataSource

pytestmark = pytest.mark.django_db
HOLDER = "999903198807150010"


class Source(BaseHTTPRequestHandler):
    mode: ClassVar[str] = "ok"
    calls: ClassVar[int] = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        if self.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        if self.mode == "slow":
            time.sleep(1.0)
        body = json.dumps(
            [
                {
                    "type": "EC-HKB",
                    "holder": {"code": HOLDER, "code_type": "111", "name": "李四"},
                    "number": "HKB-77",
                    "valid_from": "2015-01-01",
                    "valid_to": None,
                    "fields": {"姓名": "李四", "户号": "0001"},
                }
            ],
            ensure_ascii=False,
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    Source.mode, Source.calls = "ok", 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Source)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/certificates"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def source(server: str) -> DataSource:
    connectors._forget_sources()
    return DataSource.objects.create(
        code="GAHZ-HKB", name="户籍系统", department=Department.objects.get(code="GAHZ"),
        kind="http", base_url=server, certificate_types=["EC-HKB"], timeout_seconds=0.3,
        retries=1, failure_threshold=2, cooldown_seconds=60,
    )  # fmt: skip


def test_pull_stores_certificates_in_the_library(source: DataSource) -> None:
    result = connectors.pull_certificates(holder_code=HOLDER, type_codes={"EC-HKB"})
    assert result.stored == 1 and not result.unavailable_types
    certificate = Certificate.objects.get(number="HKB-77")
    assert certificate.issuer.code == "GAHZ" and certificate.holder_code == HOLDER
    source.refresh_from_db()
    assert source.state == BreakerState.CLOSED and source.last_success_at is not None
    again = connectors.pull_certificates(holder_code=HOLDER, type_codes={"EC-HKB"})
    assert again.stored == 0  # already in the library


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_failures_open_the_breaker_and_nothing_blocks(source: DataSource, mode: str) -> None:
    Source.mode = mode
    for _ in range(2):
        result = connectors.pull_certificates(holder_code=HOLDER, type_codes={"EC-HKB"})
        assert result.unavailable_types == {"EC-HKB"}
    source.refresh_from_db()
    assert source.state == BreakerState.OPEN and source.consecutive_failures == 2
    assert source.last_error
    calls = Source.calls
    started = time.monotonic()
    skipped = connectors.pull_certificates(holder_code=HOLDER, type_codes={"EC-HKB"})
    assert skipped.unavailable_types == {"EC-HKB"}
    assert Source.calls == calls  # open: the source is not called at all
    assert time.monotonic() - started < 0.2


def test_half_open_trial_closes_the_breaker(source: DataSource) -> None:
    Source.mode = "error"
    for _ in range(2):
        connectors.pull_certificates(holder_code=HOLDER, type_codes={"EC-HKB"})
    Source.mode = "ok"
    with clock.frozen(clock.now() + __import__("datetime").timedelta(seconds=61)):
        result = connectors.pull_certificates(holder_code=HOLDER, type_codes={"EC-HKB"})
    assert result.stored == 1
    source.refresh_from_db()
    assert source.state == BreakerState.CLOSED and source.consecutive_failures == 0


def test_window_preview_falls_back_to_paper_when_the_source_is_down(
    source: DataSource, clerk: Any, client_for: Any
) -> None:
    Source.mode = "error"
    body = {
        "item_code": "SF-GAHZ-013",
        "applicant": {"kind": "person", "id_number": HOLDER, "name": "李四"},
    }
    response = client_for(clerk).post(
        "/api/v1/intake/preview", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    m01 = next(m for m in response.json()["materials"] if m["id"] == "SF-GAHZ-013-M01")
    assert m01["status"] == "needed" and m01["source_unavailable"] is True
    accepted = client_for(clerk).post(
        "/api/v1/cases",
        json.dumps(
            {**body, "materials": [{"material_id": "SF-GAHZ-013-M01", "provided": "paper"}]}
        ),
        content_type="application/json",
    )
    assert accepted.status_code == 201


def test_window_preview_pulls_a_missing_certificate(
    source: DataSource, clerk: Any, client_for: Any
) -> None:
    body = {
        "item_code": "SF-GAHZ-013",
        "applicant": {"kind": "person", "id_number": HOLDER, "name": "李四"},
    }
    response = client_for(clerk).post(
        "/api/v1/intake/preview", json.dumps(body), content_type="application/json"
    )
    m01 = next(m for m in response.json()["materials"] if m["id"] == "SF-GAHZ-013-M01")
    assert m01["status"] == "certificate"
