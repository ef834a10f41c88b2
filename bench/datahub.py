"""Data hub benchmark: what the certificate library and the registry spare applicants.

For the demo catalog and population (a fresh PostgreSQL database and ``ONEWINDOW_HOME``:
``onewindow migrate`` + ``onewindow seed_demo --people 300 --companies 100 --cases 50``) the
script reports

* 免提交率 — the share of material slots a certificate type can serve;
* 零材料事项 — items whose required materials all come from the library (the reference
  province reports 142; a comparison, not a target for this catalog);
* the share of form fields pre-filled for the demo ``citizen`` over every person item, through
  the real ``intake.services.preview_applications`` with the linked relatives named as parties
  by the role words the materials use: ``certificate:`` fields of person certificates, derived
  fields and all fields, separately;
* keystrokes saved per case against typing everything (model in ``bench/README.md``), for the
  citizen's items and for the seeded demo cases;
* certificate lookup latency — ``datahub.selectors.valid_certificates`` for one holder and 1–3
  types — after bulk-loading ``--scale`` synthetic certificates with ``COPY`` (target p95 under
  10 ms; the full scale of 10 million must fit in 30 minutes).

Run: ``.venv/bin/python bench/datahub.py [--scale 200000] [--lookups 2000]``. The database and
the temporary home are dropped at the end, on error and on interruption. Results: a summary on
stdout and ``bench/results/datahub-<timestamp>.json``. Printed output names fields and items,
never the demo people's values.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from types import FrameType
from typing import Any, Final

import psycopg
from psycopg import sql

REPO: Final = Path(__file__).resolve().parent.parent
SRC: Final = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from onewindow.core.ids import citizen_id_check_char, credit_code_check_char  # noqa: E402
from onewindow.datahub.identifiers import build_identifier  # noqa: E402

RESULTS_DIR: Final = REPO / "bench" / "results"
DEFAULT_SERVER: Final = "postgres://postgres@127.0.0.1:5432"
SEED_ARGS: Final = ("--people", "300", "--companies", "100", "--cases", "50")
REFERENCE_ZERO_MATERIAL_ITEMS: Final = 142
TARGET_P95_MS: Final = 10.0
FULL_SCALE: Final = 10_000_000
FULL_SCALE_BUDGET_S: Final = 30 * 60
PERSON_TARGETS: Final = ("自然人", "both")
PERSON_HOLDERS: Final = ("自然人", "both")
ORGANISATION_HOLDERS: Final = ("法人", "both")
SELF: Final = "本人"

# Role words the catalog's materials and fields use, and whom each names in the demo citizen's
# family (API.md "Demo accounts"). The first role that starts a name wins in intake, so longer
# words come first. SELF: roles the applicant plays himself in those items (the heir collecting
# a benefit, the guardian applying for his child …). Roles with nobody behind them in the
# family (经办人, 法定代表人, 受托人, 死者 …) stay unnamed, and their fields stay empty.
ROLE_PARTIES: Final[tuple[tuple[str, str], ...]] = (
    ("新生儿父母", "配偶"),  # the child's other parent; the citizen is the first
    ("被投靠父母", "父亲"),
    ("继承人或受遗赠人", SELF),
    ("父母", "配偶"),
    ("双方", "配偶"),
    ("配偶", "配偶"),
    ("父亲", "父亲"),
    ("母亲", "母亲"),
    ("子女", "子女"),
    ("新生儿", "子女"),
    ("婴幼儿", "子女"),
    ("适龄儿童", "子女"),
    ("儿童", "子女"),
    ("监护人", SELF),
    ("落户方", SELF),
    ("继承人", SELF),
    ("新户主", SELF),
    ("收养人", SELF),
    ("买受人", SELF),
)

# Synthetic certificate holders for the lookup: citizen IDs spread over 80 years of birth dates
# and the six fictional districts, one in ten holders an organisation.
REGIONS: Final = ("999901", "999902", "999903", "999904", "999905", "999906")
BIRTH_BASE: Final = dt.date(1940, 1, 1)
BIRTH_SPAN_DAYS: Final = 29_200
CREDIT_CHARS: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 set without I O Z S V
SURNAMES: Final = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
GIVEN: Final = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红文斌宇浩然"
CERTS_PER_HOLDER: Final = (1, 2, 3, 3, 4, 4, 5, 5, 6, 7)  # mean 4
COPY_COLUMNS: Final = (
    "created_at", "updated_at", "id", "identifier", "number", "serial", "version",
    "holder_code", "holder_code_type", "holder_name", "issued_on", "valid_from", "valid_to",
    "status", "fields", "issuer_id", "type_id",
)  # fmt: skip
TABLE: Final = "datahub_certificate"


class BenchError(RuntimeError):
    """The benchmark could not be set up or run; the message says why."""


# --------------------------------------------------------------------------- small helpers


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Linear-interpolated percentile of an ascending sequence (0 for an empty one)."""
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


@lru_cache(maxsize=8192)
def _pinyin_letters(char: str) -> int:
    from pypinyin import lazy_pinyin

    return len(lazy_pinyin(char)[0])


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def keystrokes(text: str) -> int:
    """Keys to type ``text`` with a full-pinyin input method: each Han character its pinyin
    letters, each run of Han characters one key more to pick the candidate, any other character
    one key. Punctuation typed through the input method counts as one key too."""
    keys = 0
    in_han = False
    for char in text:
        if _is_han(char):
            keys += _pinyin_letters(char)
            in_han = True
            continue
        if in_han:
            keys += 1
            in_han = False
        keys += 1
    return keys + (1 if in_han else 0)


# --------------------------------------------------------------------------- environment


@dataclass(frozen=True)
class Environment:
    home: Path
    database_url: str
    dbname: str
    server: str


def _admin(server: str) -> psycopg.Connection[Any]:
    return psycopg.connect(f"{server}/postgres", autocommit=True)


def _drop_database(server: str, name: str) -> None:
    with _admin(server) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _run(command: Sequence[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} 失败 / failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def prepared_environment(server: str) -> Iterator[Environment]:
    """A fresh database and home with the catalog and the demo population; both removed after."""
    name = f"onewindow_dhbench_{os.getpid()}"
    home = Path(tempfile.mkdtemp(prefix="onewindow-dhbench-"))
    try:
        with _admin(server) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        shutil.rmtree(home, ignore_errors=True)
        raise BenchError(
            f"无法连接 PostgreSQL / cannot reach PostgreSQL at {server}: {exc}"
        ) from exc
    env = Environment(home=home, database_url=f"{server}/{name}", dbname=name, server=server)
    try:
        child = {
            **os.environ,
            "ONEWINDOW_HOME": str(home),
            "DATABASE_URL": env.database_url,
            "DJANGO_SETTINGS_MODULE": "onewindow.config.settings.dev",
        }
        cli = str(Path(sys.executable).parent / "onewindow")
        if not Path(cli).exists():
            cli = str(REPO / ".venv" / "bin" / "onewindow")
        _run([cli, "migrate", "-v0"], child)
        _run([cli, "seed_demo", *SEED_ARGS], child)
        os.environ.update(
            {k: child[k] for k in ("ONEWINDOW_HOME", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        )
        yield env
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(psycopg.Error):
            _drop_database(server, name)
        shutil.rmtree(home, ignore_errors=True)


def setup_django() -> None:
    import django

    django.setup()


# --------------------------------------------------------------------------- catalog figures


@dataclass
class CatalogFigures:
    items: int
    material_slots: int
    certificate_slots: int
    exemption_rate: float  # 免提交率
    required_slots: int
    required_certificate_slots: int
    required_exemption_rate: float
    zero_material_items: int  # every required material has a certificate type
    zero_material_items_with_online_form: int  # … or is the application form filled online
    zero_material_item_codes: list[str]
    reference_zero_material_items: int = REFERENCE_ZERO_MATERIAL_ITEMS


def measure_catalog() -> CatalogFigures:
    """免提交率 and 零材料事项 over the current version of every catalog item."""
    from onewindow.catalog.models import ItemVersion

    versions = (
        ItemVersion.objects.filter(is_current=True)
        .select_related("item")
        .prefetch_related("materials")
        .order_by("item__code")
    )
    slots = certified = required = required_certified = 0
    strict: list[str] = []
    with_form = 0
    for version in versions:
        materials = list(version.materials.all())
        slots += len(materials)
        certified += sum(1 for m in materials if m.certificate_type_id is not None)
        needed = [m for m in materials if m.required]
        required += len(needed)
        required_certified += sum(1 for m in needed if m.certificate_type_id is not None)
        if needed and all(m.certificate_type_id is not None for m in needed):
            strict.append(version.item.code)
        if needed and all(m.certificate_type_id is not None or m.is_form for m in needed):
            with_form += 1
    return CatalogFigures(
        items=len(versions),
        material_slots=slots,
        certificate_slots=certified,
        exemption_rate=share(certified, slots),
        required_slots=required,
        required_certificate_slots=required_certified,
        required_exemption_rate=share(required_certified, required),
        zero_material_items=len(strict),
        zero_material_items_with_online_form=with_form,
        zero_material_item_codes=strict,
    )


# --------------------------------------------------------------------------- pre-fill figures


@dataclass
class Share:
    filled: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return share(self.filled, self.total)

    def add(self, is_filled: bool) -> None:
        self.total += 1
        self.filled += int(is_filled)


@dataclass
class CaseSaving:
    item_code: str
    form_chars: int
    form_keys: int
    material_keys: int
    materials_not_handed_in: int
    fields_prefilled: int
    fields_to_type: int

    @property
    def keys(self) -> int:
        return self.form_keys + self.material_keys


@dataclass
class PrefillFigures:
    person_items: int
    parties_named: dict[str, int]
    certificate_fields: Share
    certificate_fields_reachable: Share
    derived_fields: Share
    all_fields: Share
    by_source: dict[str, int]
    derived_filled: dict[str, int]
    derived_left: dict[str, str]
    certificate_left: dict[str, int]
    savings: list[CaseSaving] = field(default_factory=list)


def _parties_for(version: Any, family: dict[str, Any], citizen: Any) -> list[Any]:
    """The citizen's relatives (and himself, for SELF roles) named by the role words this
    item's materials or role-prefixed fields start with, longest words first."""
    from onewindow.intake.services import PartyInput

    names = [m.name for m in version.materials.all()]
    for f in version.form_fields.all():
        key = f.source.partition(".")[2] if f.source.startswith("certificate:") else ""
        if f.name != key:
            names.append(f.name)
    parties: list[PartyInput] = []
    for role, relation in ROLE_PARTIES:
        person = citizen if relation == SELF else family.get(relation)
        if person is not None and any(n.startswith(role) for n in names):
            parties.append(PartyInput(role, person.id_number, person.name))
    return parties


def _material_keys(evaluation: Any, filled_keys: set[tuple[str, str]]) -> tuple[int, int]:
    """Keystrokes of the data a served material carries (its catalog ``data_fields``) that the
    form did not already count, and the number of materials not handed in."""
    keys = served = 0
    for view in evaluation.materials:
        cert = view.certificate
        if view.status != "certificate" or cert is None:
            continue
        served += 1
        for key in view.material.data_fields:
            if (cert.type.code, key) in filled_keys:
                continue
            keys += keystrokes(str(cert.fields.get(key) or ""))
    return keys, served


def measure_prefill() -> PrefillFigures:
    """Preview every person item for the demo citizen through the intake service."""
    from onewindow.accounts.models import User
    from onewindow.catalog.models import CertificateType, ItemVersion
    from onewindow.datahub import derive
    from onewindow.datahub.models import Relation
    from onewindow.intake import services
    from onewindow.intake.services import PARTY_ROLE_PREFIXES

    clerk = User.objects.get(username="clerk")
    citizen = User.objects.select_related("person").get(username="citizen").person
    family = {
        str(r.kind): r.other_person
        for r in Relation.objects.filter(person=citizen, other_person__isnull=False)
        .select_related("other_person")
        .order_by("created_at")
    }
    holder_kind = dict(CertificateType.objects.values_list("code", "holder_kind"))
    versions = (
        ItemVersion.objects.filter(is_current=True, target__in=PERSON_TARGETS)
        .select_related("item")
        .prefetch_related("materials__certificate_type", "form_fields")
        .order_by("item__code")
    )
    figures = PrefillFigures(
        person_items=len(versions),
        parties_named={},
        certificate_fields=Share(),
        certificate_fields_reachable=Share(),
        derived_fields=Share(),
        all_fields=Share(),
        by_source={},
        derived_filled={},
        derived_left={},
        certificate_left={},
    )
    named: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    derived_filled: Counter[str] = Counter()
    certificate_left: Counter[str] = Counter()
    for version in versions:
        parties = _parties_for(version, family, citizen)
        named.update(p.role for p in parties)
        app = services.Application(
            applicant=services.ApplicantInput(
                kind="person",
                name=citizen.name,
                id_number=citizen.id_number,
                phone=citizen.phone,
                parties=parties,
            ),
            item_code=version.item.code,
            purpose="性能测试：表单预填",
        )
        evaluation = services.preview_applications(app=app, actor=clerk)[0]
        declared = {f.name: f.source for f in version.form_fields.all()}
        filled_keys: set[tuple[str, str]] = set()
        form_chars = form_keys = prefilled = to_type = 0
        for f in evaluation.fields:
            source = declared.get(f.name, "applicant")
            is_filled = f.value is not None
            sources[f.source] += 1
            figures.all_fields.add(is_filled)
            if is_filled:
                prefilled += 1
                form_chars += len(f.value or "")
                form_keys += keystrokes(f.value or "")
            else:
                to_type += 1
            if source.startswith("certificate:"):
                type_code, _, key = source.split(":", 1)[1].partition(".")
                if is_filled:
                    filled_keys.add((type_code, key))
                if holder_kind.get(type_code) not in PERSON_HOLDERS:
                    continue
                figures.certificate_fields.add(is_filled)
                # A field about a party no relative stands for (经办人, 死者 …) is out of reach.
                unnamed = (
                    f.name != key
                    and f.name.startswith(PARTY_ROLE_PREFIXES)
                    and not any(f.name.startswith(p.role) for p in parties)
                )
                if not unnamed:
                    figures.certificate_fields_reachable.add(is_filled)
                if not is_filled:
                    reason = "未指明的其他当事人" if unnamed else "未持有该证照或照面项为空"
                    certificate_left[f"{reason}：{type_code}.{key}"] += 1
            elif source == "derived":
                figures.derived_fields.add(is_filled)
                if is_filled:
                    derived_filled[f.name] += 1
                else:
                    figures.derived_left[f.name] = derive.why_not_held(f.name) or "无规则"
        material_keys, served = _material_keys(evaluation, filled_keys)
        figures.savings.append(
            CaseSaving(
                item_code=version.item.code,
                form_chars=form_chars,
                form_keys=form_keys,
                material_keys=material_keys,
                materials_not_handed_in=served,
                fields_prefilled=prefilled,
                fields_to_type=to_type,
            )
        )
    figures.parties_named = dict(named.most_common())
    figures.by_source = dict(sources.most_common())
    figures.derived_filled = dict(sorted(derived_filled.items()))
    figures.certificate_left = dict(certificate_left.most_common())
    return figures


@dataclass
class SeededCases:
    cases: int
    mean_keys_saved: float
    mean_form_keys: float
    mean_material_keys: float
    mean_materials_not_handed_in: float
    prefilled_field_share: float


def measure_seeded_cases() -> SeededCases:
    """Keystrokes the seeded demo cases were spared, from what they stored at acceptance."""
    from onewindow.catalog.models import Material
    from onewindow.datahub.models import Certificate
    from onewindow.workflow.models import Case

    cases = list(Case.objects.prefetch_related("materials").order_by("number"))
    form_keys: list[int] = []
    material_keys: list[int] = []
    served_counts: list[int] = []
    filled = total = 0
    for case in cases:
        data: dict[str, Any] = case.form_data or {}
        keys = 0
        counted: set[tuple[str, str]] = set()
        for entry in data.values():
            total += 1
            source = str(entry.get("source", "applicant"))
            if source == "applicant":
                continue
            filled += 1
            keys += keystrokes(str(entry.get("value", "")))
            if source.startswith("certificate:"):
                type_code, _, key = source.split(":", 1)[1].partition(".")
                counted.add((type_code, key))
        total += len(case.form_missing or [])
        form_keys.append(keys)
        served = [m for m in case.materials.all() if m.provided == "certificate"]
        served_counts.append(len(served))
        data_fields = dict(
            Material.objects.filter(
                version_id=case.item_version_id, code__in=[m.material_code for m in served]
            ).values_list("code", "data_fields")
        )
        certs = {
            c.identifier: c
            for c in Certificate.objects.select_related("type").filter(
                identifier__in=[m.certificate_identifier for m in served]
            )
        }
        mkeys = 0
        for m in served:
            cert = certs.get(m.certificate_identifier)
            if cert is None:
                continue
            for key in data_fields.get(m.material_code) or []:
                if (cert.type.code, key) not in counted:
                    mkeys += keystrokes(str(cert.fields.get(key) or ""))
        material_keys.append(mkeys)
    n = len(cases) or 1
    return SeededCases(
        cases=len(cases),
        mean_keys_saved=round((sum(form_keys) + sum(material_keys)) / n, 1),
        mean_form_keys=round(sum(form_keys) / n, 1),
        mean_material_keys=round(sum(material_keys) / n, 1),
        mean_materials_not_handed_in=round(sum(served_counts) / n, 2),
        prefilled_field_share=share(filled, total),
    )


def savings_summary(savings: Sequence[CaseSaving]) -> dict[str, float]:
    """Per-case means and medians, and the share saved against typing everything.

    Fields still typed have no value to count, so typing everything is estimated with the
    median keystrokes of a pre-filled field for each of them (labelled an estimate)."""
    if not savings:
        return {}
    keys = [s.keys for s in savings]
    per_field = [s.form_keys / s.fields_prefilled for s in savings if s.fields_prefilled]
    typical = statistics.median(per_field) if per_field else 0.0
    still_typed = sum(s.fields_to_type for s in savings) * typical
    saved = float(sum(keys))
    return {
        "cases": len(savings),
        "mean_keys_saved": round(statistics.fmean(keys), 1),
        "median_keys_saved": float(statistics.median(keys)),
        "mean_form_keys": round(statistics.fmean(s.form_keys for s in savings), 1),
        "mean_form_chars": round(statistics.fmean(s.form_chars for s in savings), 1),
        "mean_material_keys": round(statistics.fmean(s.material_keys for s in savings), 1),
        "mean_materials_not_handed_in": round(
            statistics.fmean(s.materials_not_handed_in for s in savings), 2
        ),
        "median_keys_per_prefilled_field": round(typical, 1),
        "estimated_share_saved": round(saved / (saved + still_typed), 4) if saved else 0.0,
    }


# --------------------------------------------------------------------------- bulk load


@dataclass(frozen=True)
class TypeRow:
    code: str
    pk: int
    issuer_pk: int
    national_code: str
    issuer_credit_code: str
    holder_kind: str


@dataclass(frozen=True)
class HolderPlan:
    code: str
    name: str
    is_person: bool
    types: tuple[TypeRow, ...]


class Population:
    """Deterministic synthetic holders: holder ``j`` is the same in the load and the lookups."""

    def __init__(self, types: Sequence[TypeRow], seed: int) -> None:
        self.person_types = [t for t in types if t.holder_kind in PERSON_HOLDERS]
        self.org_types = [t for t in types if t.holder_kind in ORGANISATION_HOLDERS]
        self.seed = seed

    def holder(self, j: int) -> tuple[HolderPlan, random.Random]:
        rng = random.Random(self.seed * 1_000_003 + j)
        count = rng.choice(CERTS_PER_HOLDER)
        if j % 10 == 9:
            pool, code = self.org_types, self._credit_code(j // 10)
            name = f"示范市{rng.choice(SURNAMES)}{rng.choice(GIVEN)}科技有限公司"
        else:
            pool, code = self.person_types, self._citizen_id((j // 10) * 9 + j % 10)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        chosen = tuple(rng.sample(pool, min(count, len(pool))))
        return HolderPlan(code, name, j % 10 != 9, chosen), rng

    @staticmethod
    def _citizen_id(k: int) -> str:
        region = REGIONS[k % len(REGIONS)]
        n = k // len(REGIONS)
        born = BIRTH_BASE + dt.timedelta(days=n % BIRTH_SPAN_DAYS)
        sequence = 300 + n // BIRTH_SPAN_DAYS  # unique below 6 x 29,200 x 700 = 122M people
        first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
        return first17 + citizen_id_check_char(first17)

    @staticmethod
    def _credit_code(k: int) -> str:
        body = ""
        for _ in range(7):
            k, digit = divmod(k, len(CREDIT_CHARS))
            body = CREDIT_CHARS[digit] + body
        first17 = f"91{REGIONS[k % len(REGIONS)]}MB{body}"
        return first17 + credit_code_check_char(first17)


@dataclass
class LoadFigures:
    certificates: int
    holders: int
    generate_and_copy_s: float
    index_s: float
    analyze_s: float
    total_s: float
    rows_per_s: float
    table_bytes: int
    indexes: list[str]


def _uuid7(ms: int, counter: int, rng: random.Random) -> str:
    """A time-ordered UUID (version 7 layout), so the primary key grows at its right edge."""
    value = (ms << 80) | (0x7 << 76) | ((counter & 0xFFF) << 64) | (0b10 << 62)
    return str(uuid.UUID(int=value | rng.getrandbits(62)))


def _rows(population: Population, scale: int, start_ms: int) -> Iterator[tuple[int, str]]:
    """(holder index, COPY text line) for ``scale`` certificates, holder by holder."""
    today = dt.date.today()
    stamp = dt.datetime.now(dt.UTC).isoformat()
    made = 0
    j = 0
    while made < scale:
        plan, rng = population.holder(j)
        code_type = "111" if plan.is_person else "001"
        face_keys = ("姓名", "公民身份号码") if plan.is_person else ("名称", "统一社会信用代码")
        face = json.dumps(dict(zip(face_keys, (plan.name, plan.code), strict=True)))
        for ctype in plan.types:
            if made >= scale:
                break
            serial = f"8{made:011d}"
            issued = today - dt.timedelta(days=rng.randint(30, 3650))
            years = rng.choice((5, 10, 20, 0))
            valid_to = (
                "\\N" if years == 0 else (issued + dt.timedelta(days=365 * years)).isoformat()
            )
            status = "01" if rng.random() < 0.94 else rng.choice(("03", "04", "05"))
            identifier = build_identifier(ctype.national_code, ctype.issuer_credit_code, serial)
            yield (
                j,
                f"{stamp}\t{stamp}\t{_uuid7(start_ms + made // 4096, made, rng)}\t{identifier}\t"
                f"{ctype.code.removeprefix('EC-')}{serial}\t{serial}\t1\t{plan.code}\t{code_type}"
                f"\t{plan.name}\t{issued}\t{issued}\t{valid_to}\t{status}\t{face}\t"
                f"{ctype.issuer_pk}\t{ctype.pk}\n",
            )
            made += 1
        j += 1


def load_types(conn: psycopg.Connection[Any]) -> list[TypeRow]:
    rows = conn.execute(
        "SELECT t.code, t.id, d.id, t.national_code, d.credit_code, t.holder_kind "
        "FROM catalog_certificatetype t JOIN accounts_department d "
        "ON d.id = t.issuing_department_id ORDER BY t.code"
    ).fetchall()
    return [TypeRow(str(a), int(b), int(c), str(d), str(e), str(f)) for a, b, c, d, e, f in rows]


def _secondary_structures(conn: psycopg.Connection[Any]) -> tuple[list[str], list[str]]:
    """DDL that recreates the table's unique constraints and plain indexes (not the primary
    key, which other tables' foreign keys need), and the DDL that drops them."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'u'",
        (TABLE,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
        "AND c.conrelid = %s::regclass)",
        (TABLE, TABLE),
    ).fetchall()
    create = [f'ALTER TABLE {TABLE} ADD CONSTRAINT "{n}" {d}' for n, d in constraints]
    create += [str(d) for _, d in indexes]
    drop = [f'ALTER TABLE {TABLE} DROP CONSTRAINT "{n}"' for n, _ in constraints]
    drop += [f'DROP INDEX "{n}"' for n, _ in indexes]
    return create, drop


def bulk_load(database_url: str, population: Population, scale: int, chunk: int) -> LoadFigures:
    """COPY ``scale`` certificates with the secondary indexes dropped and the foreign-key
    triggers disabled (as pg_restore does), then rebuild the indexes, check the foreign keys in
    one query each and ANALYZE."""
    started = time.monotonic()
    holders = 0
    with psycopg.connect(database_url) as conn:
        conn.execute("SET synchronous_commit = off")
        create, drop = _secondary_structures(conn)
        for ddl in drop:
            conn.execute(ddl)
        conn.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
        conn.commit()
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in COPY_COLUMNS)
        copy_rows = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(TABLE), columns)
        start_ms = int(time.time() * 1000)
        rows = _rows(population, scale, start_ms)
        loaded = 0
        while loaded < scale:
            with conn.cursor() as cur, cur.copy(copy_rows) as copy:
                batch: list[str] = []
                target = min(scale, loaded + chunk)
                for j, line in rows:
                    batch.append(line)
                    holders = j + 1
                    loaded += 1
                    if len(batch) >= 20_000:
                        copy.write("".join(batch).encode())
                        batch.clear()
                    if loaded >= target:
                        break
                if batch:
                    copy.write("".join(batch).encode())
            conn.commit()
            elapsed = time.monotonic() - started
            print(f"  已载入 / loaded {loaded:,} ({loaded / elapsed:,.0f}/s)", file=sys.stderr)
        copied = time.monotonic()
        conn.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER ALL")
        conn.execute("SET maintenance_work_mem = '1GB'")
        for ddl in create:
            conn.execute(ddl)
            conn.commit()
        for parent, column in (
            ("catalog_certificatetype", "type_id"),
            ("accounts_department", "issuer_id"),
        ):
            orphans = conn.execute(
                sql.SQL(
                    "SELECT count(*) FROM {} c WHERE NOT EXISTS "
                    "(SELECT 1 FROM {} p WHERE p.id = c.{})"
                ).format(sql.Identifier(TABLE), sql.Identifier(parent), sql.Identifier(column))
            ).fetchone()
            if orphans is None or orphans[0]:
                raise BenchError(f"{column} 有无效外键 / dangling {column}")
        indexed = time.monotonic()
        conn.execute(f"ANALYZE {TABLE}")
        conn.commit()
        analyzed = time.monotonic()
        size = conn.execute("SELECT pg_total_relation_size(%s::regclass)", (TABLE,)).fetchone()
        names = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY 1", (TABLE,)
        ).fetchall()
    return LoadFigures(
        certificates=scale,
        holders=holders,
        generate_and_copy_s=round(copied - started, 1),
        index_s=round(indexed - copied, 1),
        analyze_s=round(analyzed - indexed, 1),
        total_s=round(analyzed - started, 1),
        rows_per_s=round(scale / max(copied - started, 1e-9)),
        table_bytes=int(size[0]) if size else 0,
        indexes=[str(n[0]) for n in names],
    )


# --------------------------------------------------------------------------- lookups


@dataclass
class Latency:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Latency:
        ordered = sorted(samples)
        return cls(
            p50_ms=round(percentile(ordered, 0.50), 3),
            p95_ms=round(percentile(ordered, 0.95), 3),
            p99_ms=round(percentile(ordered, 0.99), 3),
            max_ms=round(ordered[-1], 3) if ordered else 0.0,
        )


@dataclass
class LookupFigures:
    lookups: int
    warmup: int
    hit_rate: float
    selector: Latency  # valid_certificates as intake calls it: ORM, query, model instances
    sql: Latency  # the same SQL through a cursor: database time and round trip only
    plan: list[str]
    load_average: tuple[float, float, float]
    target_p95_ms: float = TARGET_P95_MS
    passed: bool = False


def _same_sql(holder: str, types: set[str]) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters ``valid_certificates`` sends for this holder and these types."""
    from onewindow.datahub.enums import CertificateStatus
    from onewindow.datahub.models import Certificate

    query = (
        Certificate.objects.select_related("type", "issuer")
        .filter(holder_code__in={holder}, type__code__in=types, status=CertificateStatus.VALID)
        .order_by("valid_from")
        .query
    )
    text, params = query.sql_with_params()
    return text, tuple(params)


def measure_lookups(
    population: Population, holders: int, lookups: int, warmup: int, seed: int
) -> LookupFigures:
    """Time ``valid_certificates`` for one random synthetic holder and 1–3 types (at least one
    of which the holder was given), as intake calls it, and the same SQL through a cursor."""
    from django.db import connection

    from onewindow.datahub import selectors as registry

    rng = random.Random(seed)
    selector: list[float] = []
    raw: list[float] = []
    hits = 0
    with connection.cursor() as cur:
        for i in range(warmup + lookups):
            plan, _ = population.holder(rng.randrange(holders))
            pool = population.person_types if plan.is_person else population.org_types
            wanted = {rng.choice(plan.types).code}
            wanted |= {t.code for t in rng.sample(pool, rng.randint(0, 2))}
            text, params = _same_sql(plan.code, wanted)
            begin = time.perf_counter()
            found = registry.valid_certificates({plan.code}, wanted)
            middle = time.perf_counter()
            cur.execute(text, params)
            cur.fetchall()
            end = time.perf_counter()
            if i >= warmup:
                selector.append((middle - begin) * 1000)
                raw.append((end - middle) * 1000)
                hits += bool(found)
        plan, _ = population.holder(0)
        text, params = _same_sql(plan.code, {plan.types[0].code, "EC-SFZ"})
        cur.execute("EXPLAIN " + text, params)
        explained = [str(row[0]) for row in cur.fetchall()]
    timing = Latency.of(selector)
    return LookupFigures(
        lookups=lookups,
        warmup=warmup,
        hit_rate=share(hits, lookups),
        selector=timing,
        sql=Latency.of(raw),
        plan=explained,
        load_average=os.getloadavg(),
        passed=timing.p95_ms < TARGET_P95_MS,
    )


# --------------------------------------------------------------------------- report


def print_report(report: dict[str, Any]) -> None:
    c = report["catalog"]
    p = report["prefill"]
    print("\n=== 数据共享 / Data hub ===")
    print(
        f"免提交率 exemption rate: {c['certificate_slots']}/{c['material_slots']} 材料 = "
        f"{c['exemption_rate']:.1%}（必交材料 required: {c['required_exemption_rate']:.1%}）"
    )
    print(
        f"零材料事项 zero-material items: {c['zero_material_items']} / {c['items']}"
        f"（含在线申请表 counting the online form: {c['zero_material_items_with_online_form']}；"
        f"参照省份 reference province: {c['reference_zero_material_items']}）"
    )
    print(f"面向自然人的事项 person items previewed for `citizen`: {p['person_items']}")
    for label, key in (
        ("证照字段 person-certificate fields", "certificate_fields"),
        ("  其中可及 of which reachable", "certificate_fields_reachable"),
        ("推算字段 derived fields", "derived_fields"),
        ("全部字段 all fields", "all_fields"),
    ):
        s = p[key]
        print(f"  {label}: {s['filled']}/{s['total']} = {share(s['filled'], s['total']):.1%}")
    print(f"  推算已填 derived filled: {', '.join(p['derived_filled']) or '—'}")
    k = report["keystrokes"]["citizen_items"]
    s = report["keystrokes"]["seeded_cases"]
    if k:
        print(
            f"每件节省击键 keystrokes saved per case (citizen, {k['cases']} items): "
            f"mean {k['mean_keys_saved']} (form {k['mean_form_keys']} + materials "
            f"{k['mean_material_keys']}), median {k['median_keys_saved']}, "
            f"materials not handed in {k['mean_materials_not_handed_in']}; "
            f"est. share of typing saved {k['estimated_share_saved']:.1%}"
        )
    print(
        f"每件节省击键 keystrokes saved per seeded demo case ({s['cases']} cases): "
        f"mean {s['mean_keys_saved']} (form {s['mean_form_keys']} + materials "
        f"{s['mean_material_keys']}), materials not handed in "
        f"{s['mean_materials_not_handed_in']}"
    )
    load, lookup = report.get("load"), report.get("lookup")
    if load and lookup:
        verdict = "PASS" if lookup["passed"] else "FAIL"
        orm, raw = lookup["selector"], lookup["sql"]
        print(
            f"证照查询 lookup with {load['certificates']:,} certificates "
            f"({load['holders']:,} holders, {load['table_bytes'] / 2**30:.2f} GiB), "
            f"hits {lookup['hit_rate']:.0%}:\n"
            f"  valid_certificates p50 {orm['p50_ms']} ms, p95 {orm['p95_ms']} ms, "
            f"p99 {orm['p99_ms']} ms, max {orm['max_ms']} ms — target p95 < "
            f"{TARGET_P95_MS:g} ms: {verdict}\n"
            f"  SQL only p50 {raw['p50_ms']} ms, p95 {raw['p95_ms']} ms, p99 {raw['p99_ms']} ms"
        )
        busy = lookup["load_average"][0]
        if busy > (report["machine"]["cpus"] or 1) * 0.5:
            print(f"  注意 note: load average {busy:.1f} — other work shared the CPUs")
        print(
            f"载入 load: copy {load['generate_and_copy_s']} s ({load['rows_per_s']:,} rows/s), "
            f"indexes {load['index_s']} s, analyze {load['analyze_s']} s, total {load['total_s']} s"
        )


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=int, default=200_000, help="certificates to bulk-load")
    parser.add_argument("--lookups", type=int, default=2000, help="timed lookups")
    parser.add_argument("--warmup", type=int, default=200, help="untimed lookups first")
    parser.add_argument("--chunk", type=int, default=500_000, help="rows per COPY transaction")
    parser.add_argument("--seed", type=int, default=20261124, help="synthetic data seed")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--json", type=Path, help="where to save the results")
    args = parser.parse_args(argv)
    if args.scale < 0 or args.lookups < 1:
        parser.error("--scale >= 0 and --lookups >= 1")
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    with prepared_environment(args.server) as env:
        setup_django()
        from django.db import connection

        report: dict[str, Any] = {
            "benchmark": "datahub",
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "postgres": connection.cursor().connection.info.parameter_status("server_version"),
            "seed_demo": " ".join(SEED_ARGS),
        }
        report["catalog"] = asdict(measure_catalog())
        prefill = measure_prefill()
        report["prefill"] = {k: v for k, v in asdict(prefill).items() if k != "savings"} | {
            "rates": {
                "certificate_fields": prefill.certificate_fields.rate,
                "certificate_fields_reachable": prefill.certificate_fields_reachable.rate,
                "derived_fields": prefill.derived_fields.rate,
                "all_fields": prefill.all_fields.rate,
            },
        }
        report["keystrokes"] = {
            "citizen_items": savings_summary(prefill.savings),
            "seeded_cases": asdict(measure_seeded_cases()),
            "per_item": [asdict(s) for s in prefill.savings],
        }
        if args.scale:
            with psycopg.connect(env.database_url) as conn:
                population = Population(load_types(conn), args.seed)
            print(f"载入 {args.scale:,} 张证照 / loading certificates …", file=sys.stderr)
            load = bulk_load(env.database_url, population, args.scale, args.chunk)
            report["load"] = asdict(load)
            lookup = measure_lookups(population, load.holders, args.lookups, args.warmup, args.seed)
            report["lookup"] = asdict(lookup)
            if args.scale >= FULL_SCALE:
                report["full_scale_within_budget"] = load.total_s < FULL_SCALE_BUDGET_S
        report["seconds"] = round(time.monotonic() - started, 1)
    print_report(report)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = args.json or RESULTS_DIR / f"datahub-{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"结果 results: {path}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
