"""Data hub errors with stable codes and Chinese messages."""

from __future__ import annotations

from onewindow.core.errors import BadInput, Conflict, NotFound


class InvalidCertificate(BadInput):
    code = "certificate.invalid"
    message = "电子证照信息有误，请按提示修改"


class DuplicateCertificate(Conflict):
    code = "certificate.duplicate"
    message = "同一发证机构已存在该类型、该编号的电子证照"


class CertificateNotFound(NotFound):
    code = "certificate.not_found"
    message = "电子证照不存在"


class InvalidStatusChange(BadInput):
    code = "certificate.bad_status"
    message = "证照状态变更有误"
