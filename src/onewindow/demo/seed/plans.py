"""The plan: people, organisations and certificates in memory, before they are saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class _CertificatePlan:
    type_code: str
    serial: str
    number: str
    fields: dict[str, str]
    issued_on: date
    valid_to: date | None


@dataclass
class _PersonPlan:
    id_number: str
    name: str
    is_male: bool
    birth_date: date
    ethnicity: str
    address: str
    phone: str
    region_code: str
    serial_base: str
    surname: str
    certificates: list[_CertificatePlan] = field(default_factory=list)


@dataclass
class _OrganisationPlan:
    credit_code: str
    name: str
    kind: str
    representative: _PersonPlan
    address: str
    phone: str
    region_code: str
    established_on: date
    business_scope: str
    serial_base: str
    certificates: list[_CertificatePlan] = field(default_factory=list)


_Holder = _PersonPlan | _OrganisationPlan


@dataclass
class _Family:
    """The ``citizen`` demo account's registry neighbourhood."""

    citizen: _PersonPlan
    spouse: _PersonPlan
    father: _PersonPlan
    mother: _PersonPlan
    child: _PersonPlan
    employer: _OrganisationPlan
