"""Who may see what of the ledger (API.md "Ledger").

Checkpoints, verifier keys and proofs are public. An entry's actor, target and payload go to
the roles in ``settings.LEDGER["DETAIL_ROLES"]`` (auditors) and, for the entries of a case, to
its applicant, who may also prove it with the progress page's verify code.

The ledger sits below accounts and workflow (ARCHITECTURE §3), so it cannot import who the
caller is or whose case a number is. Both come from functions of the higher layers named in
settings, resolved at run time, as the idempotency middleware resolves its caller:

* ``CALLER``: ``(request) -> user | None`` (token or session);
* ``CASE_FOR_USER``: ``(user, number) -> case``, raising a NotFound error when the user may
  not see it;
* ``CASE_FOR_PROGRESS``: ``(number, verify, address) -> case``, raising NotFound for a wrong
  code and TooManyRequests past the hourly limit of wrong codes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from onewindow.core.errors import NotFound
from onewindow.ledger.models import LedgerEntry

CASE_PREFIX = "case:"


class Department(Protocol):
    """What the ledger reads of a department."""

    code: str


class Caller(Protocol):
    """What the ledger needs of the user behind a request."""

    pk: Any

    @property
    def ledger_ref(self) -> str:
        """Pseudonymous reference written as ``actor`` (``user:<pk>``)."""
        ...

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds any of ``roles``."""
        ...


def _resolve(name: str) -> Callable[..., Any]:
    return cast(Callable[..., Any], import_string(str(settings.LEDGER[name])))


def caller_for(request: HttpRequest) -> Caller | None:
    """The authenticated caller of ``request`` (bearer token or session), or None."""
    return cast("Caller | None", _resolve("CALLER")(request))


def department_code_of(caller: Caller) -> str | None:
    """The code of the caller's department, or None for users without one."""
    department = getattr(caller, "department", None)
    code = getattr(department, "code", None)
    return str(code) if code else None


def case_number_of(target: str) -> str | None:
    """The case number of a ``case:<number>`` target, else None."""
    return target[len(CASE_PREFIX) :] if target.startswith(CASE_PREFIX) else None


def can_read_details(
    caller: Caller | None, entry: LedgerEntry, *, verify: str = "", address: str = ""
) -> bool:
    """Whether ``caller`` may see the entry's actor, target and payload.

    True for the detail roles; for an entry about a case, true for its applicant (signed in)
    or for anyone giving the case's verify code. A wrong code counts against the caller's
    address like a wrong try on the progress page; past the limit this raises
    TooManyRequests rather than answering, so the ledger cannot be used to guess codes.
    """
    if caller is not None and caller.has_role(*settings.LEDGER["DETAIL_ROLES"]):
        return True
    number = case_number_of(entry.target)
    if number is None:
        return False
    if caller is not None and caller.has_role(*settings.LEDGER["APPLICANT_ROLES"]):
        try:
            _resolve("CASE_FOR_USER")(caller, number)
        except NotFound:
            pass
        else:
            return True
    if verify:
        try:
            _resolve("CASE_FOR_PROGRESS")(number, verify, address)
        except NotFound:
            return False
        return True
    return False
