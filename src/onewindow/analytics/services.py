"""Generating and archiving dispatch reports."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from onewindow.analytics import exports, selectors
from onewindow.analytics.models import DispatchReport
from onewindow.core import clock
from onewindow.ledger import services as ledger

REPORT_EVENT = "report.generated"
SYSTEM_ACTOR = "system:reports"


def _store(path: str, content: bytes) -> str:
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(content))


def generate_report(*, period: selectors.Period, actor_ref: str = SYSTEM_ACTOR) -> DispatchReport:
    """Compute the period's figures, render the Excel and PDF files, archive both in the file
    storage and record the report (replacing an earlier one of the same period).

    Preconditions: none (the scheduler's job or a centre admin). Raises nothing expected.
    Side effects: two files under ``reports/``, the DispatchReport row and a ledger entry
    ``report.generated`` with the files' SHA-256, so an archived file can be checked later.
    """
    figures = selectors.dispatch_figures(period)
    xlsx = exports.render_xlsx(figures)
    pdf = exports.render_pdf(figures)
    base = f"reports/{period.period}/{period.key}/dispatch-{period.key}"
    xlsx_path = _store(f"{base}.xlsx", xlsx)
    pdf_path = _store(f"{base}.pdf", pdf)
    digests = (hashlib.sha256(xlsx).hexdigest(), hashlib.sha256(pdf).hexdigest())
    with transaction.atomic():
        report, _ = DispatchReport.objects.update_or_create(
            period=period.period,
            key=period.key,
            defaults={
                "starts_on": period.starts_on,
                "ends_on": period.ends_on,
                "generated_at": clock.now(),
                "figures": figures.as_json(),
                "xlsx_path": xlsx_path,
                "pdf_path": pdf_path,
                "xlsx_sha256": digests[0],
                "pdf_sha256": digests[1],
            },
        )
        entry = ledger.record(
            event=REPORT_EVENT,
            actor=actor_ref,
            target=f"report:{period.period}:{period.key}",
            payload={"xlsx_sha256": digests[0], "pdf_sha256": digests[1]},
        )
        report.ledger_index = entry.index
        report.save(update_fields=["ledger_index", "updated_at"])
    return report


def read_file(report: DispatchReport, kind: str) -> bytes:
    """The archived ``xlsx`` or ``pdf`` bytes of a report."""
    path = report.xlsx_path if kind == "xlsx" else report.pdf_path
    with default_storage.open(path, "rb") as handle:
        data: bytes = handle.read()
    return data
