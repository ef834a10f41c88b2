"""Every state change of cases and tasks (STYLE §3), split by sub-domain:

* :mod:`.opening` — the hand-over from the window (open_case);
* :mod:`.decisions` — approve, reject, return for supplement;
* :mod:`.supplements` — the window receives supplemented materials;
* :mod:`.transfers` — 转办; :mod:`.extensions` — 延长审批; :mod:`.special` — 特别程序;
* :mod:`.delivery` — 办结出件 and the result certificate;
* :mod:`.escalation` — the SLA sweep; :mod:`.points` — collaboration points.

Each service is one transaction that writes its ledger entries inside it and queues its
notifications for after commit.
"""

from onewindow.workflow.services.decisions import decide_task
from onewindow.workflow.services.delivery import deliver_case, result_certificate_type
from onewindow.workflow.services.escalation import SweepResult, sweep_escalations
from onewindow.workflow.services.extensions import (
    approve_extension,
    extension_limit,
    request_extension,
)
from onewindow.workflow.services.opening import (
    ApplicantRecord,
    MaterialReceipt,
    NewCase,
    allocate_case_number,
    open_case,
)
from onewindow.workflow.services.points import set_weight
from onewindow.workflow.services.special import end_special_procedure, start_special_procedure
from onewindow.workflow.services.supplements import SuppliedMaterial, receive_supplement
from onewindow.workflow.services.transfers import transfer_task

__all__ = [
    "ApplicantRecord",
    "MaterialReceipt",
    "NewCase",
    "SuppliedMaterial",
    "SweepResult",
    "allocate_case_number",
    "approve_extension",
    "decide_task",
    "deliver_case",
    "end_special_procedure",
    "extension_limit",
    "open_case",
    "receive_supplement",
    "request_extension",
    "result_certificate_type",
    "set_weight",
    "start_special_procedure",
    "sweep_escalations",
    "transfer_task",
]
