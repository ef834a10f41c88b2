"""Synthetic demonstration data for 示范市 (``onewindow seed_demo``; STYLE §7).

Everything here is fictional: people and companies carry the made-up region codes
999901–999906 (README of the catalog data), valid GB 11643 / GB 32100 check characters and
certificates with GB/T 36902-style identifiers, so that every code path that validates them
works on demo data exactly as on real data.

The seed is idempotent and reproducible. Every entity is generated from its own random stream
(``<seed>:<kind>:<index>``), so entity *i* is the same whatever ``--people`` or ``--companies``
say, and rows are looked up by natural keys (citizen ID, credit code, certificate identifier,
username) before they are created. All dates derive from an *anchor day* stored the first time
the seed runs (a :class:`~onewindow.core.models.Counter` row), so running the seed again on a
later day finds the same people, certificates and historical cases instead of new ones.
"""

from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.db import transaction

from onewindow.accounts.models import User
from onewindow.catalog import services as catalog
from onewindow.catalog.models import CertificateType, Item
from onewindow.core import clock
from onewindow.core.models import Counter
from onewindow.datahub.models import Certificate, Organisation, Person, Relation
from onewindow.demo.seed.accounts import _seed_accounts, accounts_table, department_codes
from onewindow.demo.seed.cases import _plan_cases, _seed_cases, mark_non_key_materials
from onewindow.demo.seed.common import (
    DEFAULT_CASES,
    DEFAULT_COMPANIES,
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DISTRICTS,
    HISTORY_DAYS,
    MIN_CERTIFICATE_AGE_DAYS,
    NON_KEY_ITEM_LIMIT,
    REGIONS,
    DemoModeRequired,
    NonKeyMaterial,
    SeedSummary,
)
from onewindow.demo.seed.people import (
    _plan_company,
    _plan_demo_company,
    _plan_family,
    _plan_person,
    _save_certificates,
    _save_organisations,
    _save_people,
    _save_relations,
)
from onewindow.demo.seed.planner import _Planner
from onewindow.demo.seed.reviews import advance_rectifications, rate_cases
from onewindow.evaluation.models import Review
from onewindow.workflow.models import Case

__all__ = [
    "DEFAULT_CASES",
    "DEFAULT_COMPANIES",
    "DEFAULT_PEOPLE",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DISTRICTS",
    "HISTORY_DAYS",
    "MIN_CERTIFICATE_AGE_DAYS",
    "NON_KEY_ITEM_LIMIT",
    "REGIONS",
    "DemoModeRequired",
    "NonKeyMaterial",
    "SeedSummary",
    "accounts_table",
    "department_codes",
    "mark_non_key_materials",
    "seed",
]


def _anchor_day(seed: int) -> date:
    """The day all demo dates count back from: the first run's date, kept for later runs."""
    row, _ = Counter.objects.get_or_create(
        key=f"demo:anchor:{seed}", defaults={"value": clock.today().toordinal()}
    )
    return date.fromordinal(row.value)


def seed(
    *,
    people: int = DEFAULT_PEOPLE,
    companies: int = DEFAULT_COMPANIES,
    cases: int = DEFAULT_CASES,
    seed: int = DEFAULT_SEED,
) -> SeedSummary:
    """Seed the demo accounts, registry, certificates, non-key materials and case history.

    Idempotent: a second run with the same arguments creates nothing. Loads the catalog first
    when no item exists. Raises DemoModeRequired outside demo mode and ValueError for negative
    counts. Side effects: ledger entries of the role grants and of the accepted cases.
    """
    if not settings.DEMO_MODE:
        raise DemoModeRequired()
    if min(people, companies, cases) < 0:
        raise ValueError("数量不能为负数")
    started = time.monotonic()
    if not Item.objects.exists():
        catalog.load_catalog()
    with transaction.atomic():
        anchor = _anchor_day(seed)
    summary = SeedSummary(anchor=anchor)
    types = {
        t.code: t
        for t in CertificateType.objects.select_related("issuing_department").order_by("code")
    }
    planner = _Planner(seed=seed, anchor=anchor, types=types)
    family = _plan_family(planner)
    company_plan = _plan_demo_company(planner)
    person_plans = [_plan_person(planner, i) for i in range(people)]
    company_plans = [_plan_company(planner, i) for i in range(companies)]

    with transaction.atomic():
        saved_people, summary.people_created = _save_people(planner.people)
        saved_orgs, summary.organisations_created = _save_organisations(
            planner.organisations, saved_people
        )
        summary.certificates_created = _save_certificates(planner, saved_people, saved_orgs)
        summary.relations_created = _save_relations(
            family, planner.organisations, saved_people, saved_orgs
        )
        citizen = saved_people[family.citizen.id_number]
        company = saved_orgs[company_plan.credit_code]
        clerk, summary.accounts_created = _seed_accounts(planner, citizen=citizen, company=company)
        summary.non_key = mark_non_key_materials()

    case_plans = _plan_cases(
        seed,
        cases,
        anchor,
        [saved_people[p.id_number] for p in person_plans],
        [saved_orgs[c.credit_code] for c in company_plans],
        citizen,
        company,
    )
    _seed_cases(case_plans, clerk, summary)
    summary.reviews_created = rate_cases()
    summary.rectification_steps = advance_rectifications(
        User.objects.filter(username="admin", is_active=True).first()
    )
    summary.totals = {
        "账号": User.objects.count(),
        "自然人": Person.objects.count(),
        "法人": Organisation.objects.count(),
        "电子证照": Certificate.objects.count(),
        "关联关系": Relation.objects.count(),
        "办件": Case.objects.count(),
        "评价": Review.objects.count(),
    }
    summary.seconds = time.monotonic() - started
    return summary
