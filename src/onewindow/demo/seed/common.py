"""Settings, results and small helpers shared by the demo seed's modules."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final, TypeVar

DEFAULT_SEED: Final = 20261124
DEFAULT_PEOPLE: Final = 300
DEFAULT_COMPANIES: Final = 100
DEFAULT_CASES: Final = 300
DEMO_PASSWORD: Final = "demo12345"
# Historical cases are spread over this many calendar days before the anchor day.
HISTORY_DAYS: Final = 90
# Certificates are at least this old, so the historical cases (frozen at past dates) see them
# as already valid.
MIN_CERTIFICATE_AGE_DAYS: Final = HISTORY_DAYS + 30
NON_KEY_ITEM_LIMIT: Final = 4

DISTRICTS: Final = {
    "999901": "东城区",
    "999902": "西城区",
    "999903": "南湖区",
    "999904": "北山区",
    "999905": "高新区",
    "999906": "新区",
}
REGIONS: Final = tuple(DISTRICTS)

_T = TypeVar("_T")


class DemoModeRequired(RuntimeError):
    """Demo accounts with a published password must never reach a production database."""

    def __init__(self) -> None:
        super().__init__("演示数据只能在演示模式（ONEWINDOW_DEMO 或开发设置）下生成")


@dataclass(frozen=True)
class NonKeyMaterial:
    """A required material the demo marks as non-key so that 容缺受理 can be shown."""

    item_code: str
    item_name: str
    material_code: str
    material_name: str


@dataclass
class SeedSummary:
    """What a seed run created (``*_created``) and what the database now holds."""

    anchor: date
    accounts_created: int = 0
    people_created: int = 0
    organisations_created: int = 0
    certificates_created: int = 0
    relations_created: int = 0
    cases_created: int = 0
    cases_existing: int = 0
    cases_skipped: int = 0
    reviews_created: int = 0
    rectification_steps: int = 0
    non_key: list[NonKeyMaterial] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.accounts_created,
                self.people_created,
                self.organisations_created,
                self.certificates_created,
                self.relations_created,
                self.cases_created,
                self.reviews_created,
            )
        )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def _chunks(values: Sequence[_T], size: int = 500) -> Iterator[Sequence[_T]]:
    # Keeps ``__in`` look-ups under every database's parameter limit.
    for start in range(0, len(values), size):
        yield values[start : start + size]
