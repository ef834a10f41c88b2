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

import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from onewindow.accounts import services as accounts
from onewindow.accounts.enums import Role
from onewindow.accounts.models import Department, User
from onewindow.catalog import services as catalog
from onewindow.catalog.enums import HolderKind, MaterialForm, Target
from onewindow.catalog.models import CertificateType, Item, ItemVersion, Material
from onewindow.core import calendar, clock, ids
from onewindow.core.errors import DomainError
from onewindow.core.models import Counter
from onewindow.datahub.enums import CertificateStatus, Gender, HolderCodeType, RelationKind
from onewindow.datahub.identifiers import build_identifier
from onewindow.datahub.models import Certificate, Organisation, Person, Relation
from onewindow.intake import services as intake
from onewindow.workflow.enums import ApplicantKind, Provided
from onewindow.workflow.models import Case

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

# Citizen ID sequence codes (GB 11643 positions 15–17) are split between the kinds of people
# generated, so that a person of one kind never takes the number of another, whatever the
# counts asked for.
_SEQ_FAMILY: Final = (1, 100)
_SEQ_REPRESENTATIVE: Final = (100, 300)
_SEQ_PEOPLE: Final = (300, 1000)
# GB 32100 code set without I, O, Z, S, V.
_CREDIT_BODY_CHARS: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"

_ETHNICITIES: Final = ("回", "满", "蒙古", "壮", "朝鲜", "土家", "苗")
_EDUCATION: Final = ("初中", "高中", "中等专科", "大学专科", "大学本科", "研究生")
_MAJORS: Final = ("计算机科学与技术", "会计学", "汉语言文学", "土木工程", "临床医学", "法学")
_BUSINESS_SCOPES: Final = (
    "软件开发；信息技术咨询服务；数据处理和存储支持服务",
    "食品销售（仅销售预包装食品）；日用百货销售；办公用品销售",
    "餐饮服务；食品小作坊经营；外卖递送服务",
    "道路货物运输（不含危险货物）；国内货物运输代理；仓储服务",
    "房屋建筑和市政基础设施项目工程总承包；建筑材料销售",
    "企业管理咨询；会议及展览服务；广告设计、代理",
)
_VEHICLE_BRANDS: Final = (
    ("大众", "大众牌FV7152FBDBG"),
    ("丰田", "丰田牌TV7250HEV"),
    ("比亚迪", "比亚迪牌BYD7005BEVA"),
    ("吉利", "吉利牌MR7153A01"),
    ("本田", "本田牌HG7153AAC6"),
)

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
            )
        )


# --- the plan: people, organisations and certificates in memory --------------------------------


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


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def _chunks(values: Sequence[_T], size: int = 500) -> Iterator[Sequence[_T]]:
    # Keeps ``__in`` look-ups under every database's parameter limit.
    for start in range(0, len(values), size):
        yield values[start : start + size]


# Validity of each certificate type in years (None: long-term). 居民身份证 depends on age
# (《居民身份证法》§5) and is handled separately.
_TERM_YEARS: Final[dict[str, int | None]] = {
    "EC-JZZ": 1,
    "EC-JSZ": 6,
    "EC-SBK": 10,
    "EC-SPJY": 5,
    "EC-DBZ": 1,
    "EC-JKZM": 1,
    "EC-DLYS": 6,
    "EC-CYZG": 6,
    "EC-CJRZ": 10,
}


class _Planner:
    """Generates the registry deterministically from the seed and the anchor day."""

    def __init__(self, *, seed: int, anchor: date, types: dict[str, CertificateType]) -> None:
        self.seed = seed
        self.anchor = anchor
        self.types = types
        self.fake = Faker("zh_CN")
        self.used_ids: set[str] = set()
        self.used_codes: set[str] = set()
        self.people: list[_PersonPlan] = []
        self.organisations: list[_OrganisationPlan] = []

    # random streams ----------------------------------------------------------------------

    def stream(self, *parts: object) -> tuple[random.Random, Faker]:
        """An independent random stream (and Faker seeded alike) for one entity."""
        key = ":".join(str(p) for p in (self.seed, *parts))
        self.fake.seed_instance(key)
        return random.Random(key), self.fake

    # identifiers -------------------------------------------------------------------------

    def citizen_id(
        self, rng: random.Random, region: str, born: date, is_male: bool, seq: tuple[int, int]
    ) -> str:
        """A unique citizen ID: region, birth date, sequence (odd for men) and check char."""
        low, high = seq
        start = rng.randrange(low, high)
        for offset in range(high - low):
            number = low + (start - low + offset) % (high - low)
            if number % 2 != int(is_male):
                continue
            body = f"{region}{born:%Y%m%d}{number:03d}"
            value = body + ids.citizen_id_check_char(body)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value
        raise RuntimeError(f"区划 {region} 出生日期 {born} 的顺序码已用尽")

    def credit_code(self, rng: random.Random, region: str) -> str:
        """A unique unified social credit code: 9 (market regulation) 1 (enterprise)."""
        while True:
            body = "MA" + "".join(rng.choice(_CREDIT_BODY_CHARS) for _ in range(7))
            first17 = f"91{region}{body}"
            value = first17 + ids.credit_code_check_char(first17)
            if value not in self.used_codes:
                self.used_codes.add(value)
                return value

    # people and organisations ------------------------------------------------------------

    def address(self, rng: random.Random, fake: Faker, region: str) -> str:
        return (
            f"示范市{DISTRICTS[region]}{fake.street_name()}{rng.randint(1, 399)}号"
            f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元"
            f"{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
        )

    def person(
        self,
        *parts: object,
        is_male: bool,
        born: date,
        seq: tuple[int, int],
        serial_base: str,
        surname: str = "",
        region: str = "",
        address: str = "",
    ) -> _PersonPlan:
        rng, fake = self.stream("person", *parts)
        region = region or rng.choice(REGIONS)
        surname = surname or fake.last_name()
        given = fake.first_name_male() if is_male else fake.first_name_female()
        # One-character given names dominate Faker's list; real names are mostly two.
        if len(given) == 1 and rng.random() < 0.6:
            given += fake.first_name_male()[-1] if is_male else fake.first_name_female()[-1]
        plan = _PersonPlan(
            id_number=self.citizen_id(rng, region, born, is_male, seq),
            name=surname + given,
            is_male=is_male,
            birth_date=born,
            ethnicity="汉" if rng.random() < 0.9 else rng.choice(_ETHNICITIES),
            address=address or self.address(rng, fake, region),
            phone=fake.phone_number(),
            region_code=region,
            serial_base=serial_base,
            surname=surname,
        )
        self.people.append(plan)
        return plan

    def birth_date(self, rng: random.Random, min_age: float, max_age: float) -> date:
        return self.anchor - timedelta(days=rng.randint(int(min_age * 365), int(max_age * 365)))

    def organisation(
        self, *parts: object, serial_base: str, rep_serial_base: str, region: str = ""
    ) -> _OrganisationPlan:
        rng, fake = self.stream("organisation", *parts)
        region = region or rng.choice(REGIONS)
        name = "示范市" + fake.company()
        address = self.address(rng, fake, region)
        phone = fake.phone_number()
        rep = self.person(
            "representative",
            *parts,
            is_male=rng.random() < 0.7,
            born=self.birth_date(rng, 28, 62),
            seq=_SEQ_REPRESENTATIVE,
            serial_base=rep_serial_base,
        )
        plan = _OrganisationPlan(
            credit_code=self.credit_code(rng, region),
            name=name,
            kind=rng.choice(("有限责任公司", "有限责任公司（自然人独资）", "股份有限公司")),
            representative=rep,
            address=address,
            phone=phone,
            region_code=region,
            established_on=self.anchor - timedelta(days=rng.randint(400, 7000)),
            business_scope=rng.choice(_BUSINESS_SCOPES),
            serial_base=serial_base,
        )
        self.organisations.append(plan)
        for code in ("EC-SFZ", "EC-HKB"):
            self.give(rep, code, rng, fake, extra={"服务处所": name})
        self.give(plan, "EC-YYZZ", rng, fake)
        return plan

    # certificates ------------------------------------------------------------------------

    def give(
        self,
        holder: _Holder,
        type_code: str,
        rng: random.Random,
        fake: Faker,
        *,
        extra: dict[str, str] | None = None,
        issued_on: date | None = None,
    ) -> _CertificatePlan:
        """Plan a valid certificate of ``type_code`` for ``holder`` with every key field."""
        ctype = self.types[type_code]
        serial = f"{holder.serial_base}{ctype.pk:03d}"
        if issued_on is None:
            issued_on, valid_to = self.validity(holder, type_code, rng)
        else:
            years = self.term_years(holder, type_code)
            valid_to = _add_years(issued_on, years) if years else None
        number = _number(type_code, serial, holder, issued_on)
        context = _FieldContext(
            holder=holder,
            type_code=type_code,
            issuer=ctype.issuing_department.name,
            number=number,
            serial=serial,
            issued_on=issued_on,
            valid_to=valid_to,
            anchor=self.anchor,
            rng=rng,
            fake=fake,
            extra=extra or {},
        )
        values = _field_values(context)
        missing = [key for key in ctype.key_fields if not values.get(key)]
        if missing:
            raise RuntimeError(f"{type_code} 缺少照面信息：{'、'.join(missing)}")
        plan = _CertificatePlan(
            type_code=type_code,
            serial=serial,
            number=number,
            fields={key: values[key] for key in ctype.key_fields},
            issued_on=issued_on,
            valid_to=valid_to,
        )
        holder.certificates.append(plan)
        return plan

    def term_years(self, holder: _Holder, type_code: str) -> int | None:
        if type_code == "EC-SFZ" and isinstance(holder, _PersonPlan):
            # 《居民身份证法》§5: 5 years under 16, 10 years to 25, 20 years to 45, then long-term.
            age = (self.anchor - holder.birth_date).days // 365
            return 5 if age < 16 else 10 if age < 26 else 20 if age < 46 else None
        return _TERM_YEARS.get(type_code)

    def validity(
        self, holder: _Holder, type_code: str, rng: random.Random
    ) -> tuple[date, date | None]:
        """An issue date in the past and an expiry at least two months ahead (or none)."""
        if isinstance(holder, _PersonPlan):
            adult_on = _add_years(holder.birth_date, 18)
            eligible = adult_on if adult_on < self.anchor else holder.birth_date
        else:
            eligible = holder.established_on
        years = self.term_years(holder, type_code)
        oldest = (self.anchor - eligible).days
        if years:
            oldest = min(oldest, years * 365 - 60)
        oldest = max(min(oldest, 3650), MIN_CERTIFICATE_AGE_DAYS)
        issued_on = self.anchor - timedelta(days=rng.randint(MIN_CERTIFICATE_AGE_DAYS, oldest))
        return issued_on, (_add_years(issued_on, years) if years else None)


def _number(type_code: str, serial: str, holder: _Holder, issued_on: date) -> str:
    """The certificate number printed on it; unique per type and issuer, as the table needs."""
    region = holder.region_code
    district = DISTRICTS.get(region, "")
    year = issued_on.year
    code = holder.id_number if isinstance(holder, _PersonPlan) else holder.credit_code
    numbers = {
        "EC-SFZ": code,
        "EC-JSZ": code,
        "EC-CYZG": code,
        # The disability card number appends category (4: physical) and grade (4) to the ID.
        "EC-CJRZ": f"{code}44",
        "EC-HKB": f"{region[-2:]}{serial}",
        "EC-SBK": f"S{serial}",
        # A business licence is numbered by the unified social credit code it carries.
        "EC-YYZZ": code,
        "EC-SPJY": f"JY1{region}{serial}",
        "EC-BDCQZ": f"示（{year}）{district}不动产权第{serial}号",
        "EC-BDCZM": f"示（{year}）{district}不动产证明第{serial}号",
        "EC-JHZ": f"J{region}-{year}-{serial}",
        "EC-LHZ": f"L{region}-{year}-{serial}",
        "EC-CSZM": f"Q{serial}",
        "EC-GHXK": f"建字第{region}{year}{serial}号",
        "EC-SGXK": f"{region}{year:04d}{serial}",
        "EC-YSXK": f"示房预售证第{year}{serial}号",
        "EC-DLYS": f"示交运管许可字{region}{serial}号",
        "EC-YDZ": f"YD{region}{serial}",
        "EC-DJZS": f"99{serial}",
    }
    return numbers.get(type_code, f"{type_code.removeprefix('EC-')}{region}{serial}")


@dataclass(frozen=True)
class _FieldContext:
    holder: _Holder
    type_code: str
    issuer: str
    number: str
    serial: str
    issued_on: date
    valid_to: date | None
    anchor: date
    rng: random.Random
    fake: Faker
    extra: dict[str, str]


def _field_values(c: _FieldContext) -> dict[str, str]:
    """Face values (照面信息) of a certificate: common ones from the holder, then the type's own,
    then ``extra`` (relatives, vehicles, property) which wins."""
    issued = c.issued_on.isoformat()
    period = (
        f"{c.issued_on:%Y.%m.%d}-{c.valid_to:%Y.%m.%d}"
        if c.valid_to
        else f"{c.issued_on:%Y.%m.%d}-长期"
    )
    values: dict[str, str] = {
        "有效期限": period,
        "有效期至": c.valid_to.isoformat() if c.valid_to else "长期",
        **dict.fromkeys(
            ("签发机关", "发证机关", "登记机关", "认定机构", "开具单位", "出具机构", "签发机构"),
            c.issuer,
        ),
        **dict.fromkeys(("发证日期", "签发日期", "开具日期", "发卡日期", "登记日期"), issued),
    }
    h = c.holder
    if isinstance(h, _PersonPlan):
        values |= {
            "姓名": h.name,
            "公民身份号码": h.id_number,
            "性别": "男" if h.is_male else "女",
            "民族": h.ethnicity,
            "出生日期": h.birth_date.isoformat(),
            "住址": h.address,
            "地址": h.address,
            **dict.fromkeys(("持证人", "所有人", "机动车所有人", "权利人"), h.name),
        }
    else:
        values |= {
            **dict.fromkeys(
                ("名称", "经营者名称", "业户名称", "建设单位", "开发企业", "所有人", "机动车所有人",
                 "权利人", "持证人"),
                h.name,
            ),
            "统一社会信用代码": h.credit_code,
            "社会信用代码": h.credit_code,
            "法定代表人": h.representative.name,
            "住所": h.address,
            "住址": h.address,
            "地址": h.address,
            "类型": h.kind,
            "成立日期": h.established_on.isoformat(),
            "经营范围": h.business_scope,
        }  # fmt: skip
    values |= _TYPE_VALUES.get(c.type_code, _no_values)(c)
    values |= c.extra
    return values


def _no_values(c: _FieldContext) -> dict[str, str]:
    return {}


def _person(c: _FieldContext) -> _PersonPlan:
    if not isinstance(c.holder, _PersonPlan):
        raise TypeError(f"{c.type_code} 的持证人应为自然人")
    return c.holder


def _district(c: _FieldContext) -> str:
    return DISTRICTS.get(c.holder.region_code, "东城区")


def _id_card(c: _FieldContext) -> dict[str, str]:
    return {"签发机关": f"示范市公安局{_district(c)}分局"}


def _household(c: _FieldContext) -> dict[str, str]:
    person = _person(c)
    place = f"示范市{DISTRICTS.get(person.id_number[:6], '东城区')}"
    adult = (c.anchor - person.birth_date).days >= 18 * 365
    return {
        "户号": f"{person.region_code[-2:]}{c.rng.randint(1000000, 9999999)}",
        "户别": "家庭户",
        "户主姓名": person.name,
        "与户主关系": "户主",
        "出生地": place,
        "籍贯": place,
        "文化程度": c.rng.choice(_EDUCATION) if adult else "学龄前儿童",
        "婚姻状况": "未婚",
        "服务处所": "无",
    }


def _residence(c: _FieldContext) -> dict[str, str]:
    return {"居住地址": c.holder.address}


def _no_record(c: _FieldContext) -> dict[str, str]:
    return {"证明编号": f"WF{c.serial}", "查询结果": "未发现有犯罪记录"}


def _driving_licence(c: _FieldContext) -> dict[str, str]:
    first = c.issued_on - timedelta(days=c.rng.choice((0, 0, 6 * 365, 12 * 365)))
    return {
        "证号": c.number,
        "准驾车型": c.rng.choice(("C1", "C1", "C2", "B2")),
        "初次领证日期": max(first, _add_years(_person(c).birth_date, 18)).isoformat(),
        "有效期起始日期": c.issued_on.isoformat(),
        "有效期限": "6年",
        "档案编号": f"9999{c.serial[-8:]}",
    }


def _vehicle_extra(rng: random.Random, fake: Faker, anchor: date) -> dict[str, str]:
    """One vehicle shared by a holder's 行驶证 and 登记证书."""
    brand, model = rng.choice(_VEHICLE_BRANDS)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    plate = (
        "示"
        + rng.choice("ABCDEF")
        + "·"
        + "".join(rng.choice(letters + "0123456789" * 3) for _ in range(5))
    )
    registered = anchor - timedelta(days=rng.randint(200, 3000))
    return {
        "号牌号码": plate,
        "车辆识别代号": fake.vin(),
        "发动机号码": "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(8)),
        "品牌型号": model,
        "车辆品牌": brand,
        "注册日期": registered.isoformat(),
        "登记日期": registered.isoformat(),
    }


def _driving_permit(c: _FieldContext) -> dict[str, str]:
    next_check = c.anchor + timedelta(days=c.rng.randint(60, 700))
    is_person = isinstance(c.holder, _PersonPlan)
    return {
        "车辆类型": "小型轿车" if is_person else "小型普通客车",
        "使用性质": "非营运",
        "检验有效期": f"{next_check:%Y年%m月}",
    }


def _vehicle_register(c: _FieldContext) -> dict[str, str]:
    if isinstance(c.holder, _PersonPlan):
        proof = f"居民身份证 {c.holder.id_number}"
    else:
        proof = f"统一社会信用代码 {c.holder.credit_code}"
    return {"登记证书编号": c.number, "身份证明名称及号码": proof, "抵押登记信息": "无"}


def _social_security(c: _FieldContext) -> dict[str, str]:
    return {
        "社会保障号码": _person(c).id_number,
        "社会保障卡卡号": c.number,
        "发卡地": "示范市",
    }


def _business_licence(c: _FieldContext) -> dict[str, str]:
    capital = c.rng.choice((50, 100, 200, 500, 1000, 3000))
    return {"注册资本": f"{capital}万元人民币", "登记机关": "示范市市场监督管理局"}


def _food_business(c: _FieldContext) -> dict[str, str]:
    return {
        "经营场所": c.holder.address,
        "主体业态": c.rng.choice(("食品销售经营者（网络经营）", "餐饮服务经营者（小型餐馆）")),
        "经营项目": "预包装食品（含冷藏冷冻食品）销售；热食类食品制售",
        "许可证编号": c.number,
    }


def _unit_number(rng: random.Random, region: str) -> str:
    """A 28-character real-estate unit number: region, cadastral zone, parcel, building unit."""
    return (
        f"{region}{rng.randint(1, 9):03d}{rng.randint(1, 20):03d}GB{rng.randint(1, 99999):05d}"
        f"F{rng.randint(1, 99):04d}{rng.randint(1, 3000):04d}"
    )


def _property_extra(rng: random.Random, fake: Faker, region: str) -> dict[str, str]:
    """One property (坐落 and unit number) for a 不动产权证书."""
    return {
        "坐落": f"示范市{DISTRICTS[region]}{fake.street_name()}{rng.randint(1, 300)}号"
        f"{rng.randint(1, 20)}幢{rng.randint(1, 30)}{rng.randint(1, 4):02d}室",
        "不动产单元号": _unit_number(rng, region),
    }


def _property(c: _FieldContext) -> dict[str, str]:
    is_person = isinstance(c.holder, _PersonPlan)
    land = round(c.rng.uniform(2000, 30000), 2)
    floor = round(c.rng.uniform(55, 160) if is_person else c.rng.uniform(200, 3000), 2)
    start = date(c.issued_on.year - c.rng.randint(0, 10), 1, 1)
    end = _add_years(start, 70 if is_person else 40)
    values = {
        "不动产权证号": c.number,
        "共有情况": "单独所有",
        "权利类型": "国有建设用地使用权/房屋所有权",
        "权利性质": "出让/市场化商品房" if is_person else "出让/自建房",
        "用途": "城镇住宅用地/住宅" if is_person else "商服用地/办公",
        "面积": f"共有宗地面积{land}㎡/房屋建筑面积{floor}㎡",
        "使用期限": f"{start:%Y年%m月%d日}起{end:%Y年%m月%d日}止",
        "权利其他状况": "无",
    }
    return values | _property_extra(c.rng, c.fake, c.holder.region_code)


def _property_notice(c: _FieldContext) -> dict[str, str]:
    return {
        "不动产登记证明号": c.number,
        "证明权利或事项": "预购商品房预告登记",
        "义务人": "示范市安居置业有限公司",
        "其他": "无",
    } | _property_extra(c.rng, c.fake, c.holder.region_code)


def _project(c: _FieldContext) -> dict[str, str]:
    name = f"{c.holder.name.removeprefix('示范市')[:6]}综合楼项目"
    area = c.rng.randint(8000, 90000)
    return {
        "证书编号": c.number,
        "编号": c.number,
        "建设项目名称": name,
        "工程名称": name,
        "项目名称": name,
        "建设位置": c.holder.address,
        "建设地址": c.holder.address,
        "坐落": c.holder.address,
        "建设规模": f"总建筑面积{area}平方米",
        "合同价格": f"{area * 3 // 10}万元",
        "施工单位": "示范市第一建筑工程有限公司",
        "监理单位": "示范市建设工程监理有限公司",
        "合同工期": f"{c.rng.choice((360, 540, 720))}天",
        "预售许可证号": c.number,
        "预售范围": "1#、2#楼",
        "预售面积": f"{area // 2}平方米",
    }


def _marriage(c: _FieldContext) -> dict[str, str]:
    key = "结婚证字号" if c.type_code == "EC-JHZ" else "离婚证字号"
    return {key: c.number}


def _cremation(c: _FieldContext) -> dict[str, str]:
    return {"火化日期": c.issued_on.isoformat(), "殡仪馆名称": "示范市殡仪馆", "证明编号": c.number}


def _subsistence(c: _FieldContext) -> dict[str, str]:
    person = _person(c)
    return {
        "户主姓名": person.name,
        "户主公民身份号码": person.id_number,
        "证件编号": c.number,
        "保障人数": "1",
        "月保障金额": f"{c.rng.choice((780, 850, 920))}元",
    }


def _birth(c: _FieldContext) -> dict[str, str]:
    person = _person(c)
    hour, minute = c.rng.randint(0, 23), c.rng.randint(0, 59)
    return {
        "出生医学证明编号": c.number,
        "新生儿姓名": person.name,
        "出生时间": f"{person.birth_date.isoformat()} {hour:02d}:{minute:02d}",
        "出生地点": "示范市妇幼保健院",
        "出生孕周": f"{c.rng.randint(37, 41)}周+{c.rng.randint(0, 6)}",
        "出生体重": f"{c.rng.randint(2600, 4100)}克",
        "签发机构": "示范市妇幼保健院",
    }


def _death(c: _FieldContext) -> dict[str, str]:
    return {
        "死亡日期": c.issued_on.isoformat(),
        "死亡地点": "示范市第一人民医院",
        "死亡原因": "疾病（慢性心力衰竭）",
        "证明编号": c.number,
        "出具机构": "示范市第一人民医院",
    }


def _health(c: _FieldContext) -> dict[str, str]:
    return {"体检日期": c.issued_on.isoformat(), "体检结论": "合格", "证明编号": c.number}


def _vaccination(c: _FieldContext) -> dict[str, str]:
    return {
        "儿童姓名": _person(c).name,
        "接种证编号": c.number,
        "建证单位": f"示范市{_district(c)}社区卫生服务中心",
        "接种记录": "乙肝疫苗3剂、卡介苗1剂、脊灰疫苗4剂、百白破疫苗4剂，均按免疫程序完成",
    }


def _diploma(c: _FieldContext) -> dict[str, str]:
    level = c.rng.choice(("大学本科", "大学本科", "大学专科", "硕士研究生"))
    school = "示范职业技术学院" if level == "大学专科" else "示范大学"
    return {
        "学校名称": school,
        "专业": c.rng.choice(_MAJORS),
        "学历层次": level,
        "毕业日期": c.issued_on.isoformat(),
        "证书编号": f"1099{c.issued_on.year}{c.serial}",
    }


def _teacher(c: _FieldContext) -> dict[str, str]:
    return {
        "资格种类": "高级中学教师资格",
        "任教学科": c.rng.choice(("数学", "语文", "英语", "物理")),
        "证书号码": f"{c.issued_on.year}999901{c.serial}",
        "认定机构": "示范市教育局",
    }


def _transport(c: _FieldContext) -> dict[str, str]:
    return {"许可证号": c.number, "经营范围": "道路普通货物运输；货物专用运输（集装箱）"}


def _driver_qualification(c: _FieldContext) -> dict[str, str]:
    return {"从业资格证号": c.number, "从业资格类别": "经营性道路旅客运输驾驶员"}


def _disability(c: _FieldContext) -> dict[str, str]:
    return {"残疾人证号": c.number, "残疾类别": "肢体残疾", "残疾等级": "四级", "监护人": "无"}


def _veteran(c: _FieldContext) -> dict[str, str]:
    return {"优待证编号": c.number, "优待对象类别": "退役军人"}


_TYPE_VALUES: Final = {
    "EC-SFZ": _id_card,
    "EC-HKB": _household,
    "EC-JZZ": _residence,
    "EC-WFZM": _no_record,
    "EC-JSZ": _driving_licence,
    "EC-XSZ": _driving_permit,
    "EC-DJZS": _vehicle_register,
    "EC-SBK": _social_security,
    "EC-YYZZ": _business_licence,
    "EC-SPJY": _food_business,
    "EC-BDCQZ": _property,
    "EC-BDCZM": _property_notice,
    "EC-GHXK": _project,
    "EC-SGXK": _project,
    "EC-YSXK": _project,
    "EC-JHZ": _marriage,
    "EC-LHZ": _marriage,
    "EC-HHZM": _cremation,
    "EC-DBZ": _subsistence,
    "EC-CSZM": _birth,
    "EC-SWZM": _death,
    "EC-JKZM": _health,
    "EC-YFJZ": _vaccination,
    "EC-XLZS": _diploma,
    "EC-JSZG": _teacher,
    "EC-DLYS": _transport,
    "EC-CYZG": _driver_qualification,
    "EC-CJRZ": _disability,
    "EC-YDZ": _veteran,
}


def _couple(
    husband: _PersonPlan | tuple[str, str], wife: _PersonPlan | tuple[str, str]
) -> dict[str, str]:
    def parts(p: _PersonPlan | tuple[str, str]) -> tuple[str, str]:
        return (p.name, p.id_number) if isinstance(p, _PersonPlan) else p

    (h_name, h_id), (w_name, w_id) = parts(husband), parts(wife)
    return {
        "男方姓名": h_name,
        "男方公民身份号码": h_id,
        "女方姓名": w_name,
        "女方公民身份号码": w_id,
    }


# --- planning the demo registry -------------------------------------------------------------


def _plan_family(p: _Planner) -> _Family:
    """The ``citizen`` account's person, relatives, employer and property."""
    rng, fake = p.stream("family")
    surname = fake.last_name()
    home_region = "999901"
    citizen_born = date(1990, 1, 1) + timedelta(days=rng.randint(0, 364))
    citizen = p.person(
        "family",
        "citizen",
        is_male=True,
        born=citizen_born,
        seq=_SEQ_FAMILY,
        serial_base="1000001",
        surname=surname,
        region=home_region,
    )
    spouse = p.person(
        "family",
        "spouse",
        is_male=False,
        born=citizen_born + timedelta(days=rng.randint(200, 900)),
        seq=_SEQ_FAMILY,
        serial_base="1000002",
        region="999902",
        address=citizen.address,
    )
    parents_home = p.address(rng, fake, home_region)
    father = p.person(
        "family",
        "father",
        is_male=True,
        born=date(1962, 1, 1) + timedelta(days=rng.randint(0, 700)),
        seq=_SEQ_FAMILY,
        serial_base="1000003",
        surname=surname,
        region=home_region,
        address=parents_home,
    )
    mother = p.person(
        "family",
        "mother",
        is_male=False,
        born=date(1964, 1, 1) + timedelta(days=rng.randint(0, 700)),
        seq=_SEQ_FAMILY,
        serial_base="1000004",
        region="999903",
        address=parents_home,
    )
    child = p.person(
        "family", "child", is_male=rng.random() < 0.5, born=p.birth_date(rng, 2.5, 4),
        seq=_SEQ_FAMILY, serial_base="1000005", surname=surname, region=home_region,
        address=citizen.address,
    )  # fmt: skip
    employer = p.organisation(
        "family", "employer", serial_base="1000006", rep_serial_base="1000007", region="999905"
    )
    family = _Family(citizen, spouse, father, mother, child, employer)
    _give_family_certificates(p, family, rng, fake)
    return family


def _give_family_certificates(p: _Planner, f: _Family, rng: random.Random, fake: Faker) -> None:
    citizen, spouse, child = f.citizen, f.spouse, f.child
    household = f"01{rng.randint(1000000, 9999999)}"
    parents_household = f"01{rng.randint(1000000, 9999999)}"
    married_on = _add_years(p.anchor, -6) + timedelta(days=rng.randint(0, 200))
    divorced_on = _add_years(married_on, -3)
    previous_wife_born = citizen.birth_date + timedelta(days=rng.randint(-300, 600))
    previous_wife = (
        fake.last_name() + fake.first_name_female(),
        _detached_id(p, rng, "999904", previous_wife_born, is_male=False),
    )
    grandfather_born = date(1936, 1, 1) + timedelta(days=rng.randint(0, 1500))
    grandfather = (
        citizen.surname + fake.first_name_male(),
        _detached_id(p, rng, "999901", grandfather_born, is_male=True),
    )
    died_on = p.anchor - timedelta(days=rng.randint(400, 900))
    child_relation = "子" if child.is_male else "女"
    home = {"户号": household, "户主姓名": citizen.name}
    parents_home = {
        "户号": parents_household,
        "户主姓名": f.father.name,
        "文化程度": "高中",
        "婚姻状况": "已婚",
        "服务处所": "退休",
    }
    member = {
        citizen.id_number: home | {"与户主关系": "户主", "婚姻状况": "已婚",
                                   "文化程度": "大学本科", "服务处所": f.employer.name},
        spouse.id_number: home | {"与户主关系": "妻", "婚姻状况": "已婚",
                                  "文化程度": "大学本科", "服务处所": "示范市第一中学"},
        child.id_number: home | {"与户主关系": child_relation, "婚姻状况": "未婚"},
        f.father.id_number: parents_home | {"与户主关系": "户主"},
        f.mother.id_number: parents_home | {"与户主关系": "妻"},
    }  # fmt: skip
    for person in (citizen, spouse, f.father, f.mother, child):
        p.give(person, "EC-SFZ", rng, fake)
        p.give(person, "EC-HKB", rng, fake, extra=member[person.id_number])
    for person in (spouse, f.father, f.mother):
        p.give(person, "EC-SBK", rng, fake)
    p.give(spouse, "EC-JSZ", rng, fake)
    p.give(spouse, "EC-XLZS", rng, fake)
    p.give(spouse, "EC-JHZ", rng, fake, extra=_couple(citizen, spouse), issued_on=married_on)
    parents = {
        "父亲姓名": citizen.name, "父亲公民身份号码": citizen.id_number,
        "母亲姓名": spouse.name, "母亲公民身份号码": spouse.id_number,
    }  # fmt: skip
    p.give(
        child, "EC-CSZM", rng, fake, extra=parents, issued_on=child.birth_date + timedelta(days=3)
    )
    p.give(
        child,
        "EC-YFJZ",
        rng,
        fake,
        extra={"监护人姓名": spouse.name},
        issued_on=child.birth_date + timedelta(days=30),
    )

    # The citizen holds a certificate of every type a natural person can hold, so that every
    # item's 免提交 path can be shown with one account.
    own_parents = {
        "父亲姓名": f.father.name, "父亲公民身份号码": f.father.id_number,
        "母亲姓名": f.mother.name, "母亲公民身份号码": f.mother.id_number,
    }  # fmt: skip
    vehicle = _vehicle_extra(rng, fake, p.anchor)
    deceased = {"姓名": grandfather[0], "公民身份号码": grandfather[1]}
    special: dict[str, tuple[dict[str, str], date | None]] = {
        "EC-JHZ": (_couple(citizen, spouse), married_on),
        "EC-LHZ": (_couple(citizen, previous_wife), divorced_on),
        "EC-HHZM": ({f"逝者{k}": v for k, v in deceased.items()}, died_on + timedelta(days=3)),
        "EC-SWZM": ({f"死者{k}": v for k, v in deceased.items()}, died_on),
        "EC-CSZM": (own_parents, citizen.birth_date + timedelta(days=3)),
        "EC-YFJZ": ({"监护人姓名": f.mother.name}, citizen.birth_date + timedelta(days=30)),
        "EC-DBZ": ({"保障人数": "3"}, None),
        "EC-XSZ": (vehicle, date.fromisoformat(vehicle["注册日期"])),
        "EC-DJZS": (vehicle, date.fromisoformat(vehicle["注册日期"])),
        "EC-BDCQZ": ({"共有情况": "共同共有", "权利其他状况": f"共有人：{spouse.name}"}, None),
    }  # fmt: skip
    held = {c.type_code for c in citizen.certificates}
    for code, ctype in sorted(p.types.items()):
        if ctype.holder_kind == HolderKind.ORGANISATION or code in held:
            continue
        extra, issued_on = special.get(code, ({}, None))
        p.give(citizen, code, rng, fake, extra=extra, issued_on=issued_on)


def _detached_id(p: _Planner, rng: random.Random, region: str, born: date, *, is_male: bool) -> str:
    """The citizen ID of someone named on a certificate but not in the registry."""
    return p.citizen_id(rng, region, born, is_male, _SEQ_FAMILY)


def _plan_demo_company(p: _Planner) -> _OrganisationPlan:
    """The ``company`` account's organisation: a business licence and every organisation type."""
    company = p.organisation(
        "company", serial_base="1000008", rep_serial_base="1000009", region="999905"
    )
    rng, fake = p.stream("company", "certificates")
    vehicle = _vehicle_extra(rng, fake, p.anchor)
    for code, ctype in sorted(p.types.items()):
        if ctype.holder_kind == HolderKind.PERSON or code == "EC-YYZZ":
            continue
        issued_on = (
            date.fromisoformat(vehicle["注册日期"]) if code in {"EC-XSZ", "EC-DJZS"} else None
        )
        extra = vehicle if code in {"EC-XSZ", "EC-DJZS"} else None
        p.give(company, code, rng, fake, extra=extra, issued_on=issued_on)
    return company


def _plan_person(p: _Planner, index: int) -> _PersonPlan:
    rng, fake = p.stream("people", index)
    is_male = rng.random() < 0.5
    person = p.person(
        "people", index, is_male=is_male, born=p.birth_date(rng, 18, 75), seq=_SEQ_PEOPLE,
        serial_base=f"2{index:06d}",
    )  # fmt: skip
    rng, fake = p.stream("people", index, "certificates")
    married = rng.random() < 0.55
    member = {"婚姻状况": "已婚" if married else "未婚"}
    if rng.random() < 0.6:
        member["服务处所"] = "示范市" + fake.company()
    p.give(person, "EC-SFZ", rng, fake)
    p.give(person, "EC-HKB", rng, fake, extra=member)
    if married:
        partner_born = person.birth_date + timedelta(days=rng.randint(-1500, 1500))
        partner_born = min(partner_born, _add_years(p.anchor, -20))
        partner_name = fake.last_name() + (
            fake.first_name_female() if is_male else fake.first_name_male()
        )
        partner = (
            partner_name,
            p.citizen_id(rng, rng.choice(REGIONS), partner_born, not is_male, _SEQ_PEOPLE),
        )
        couple = _couple(person, partner) if is_male else _couple(partner, person)
        youngest = max(person.birth_date, partner_born)
        married_on = _add_years(youngest, 20) + timedelta(days=rng.randint(0, 3000))
        married_on = min(married_on, p.anchor - timedelta(days=MIN_CERTIFICATE_AGE_DAYS))
        p.give(person, "EC-JHZ", rng, fake, extra=couple, issued_on=married_on)
    optional = (
        ("EC-SBK", 0.7), ("EC-JSZ", 0.5), ("EC-XLZS", 0.3), ("EC-BDCQZ", 0.2), ("EC-JZZ", 0.1),
        ("EC-JKZM", 0.05),
    )  # fmt: skip
    for code, share in optional:
        if rng.random() < share:
            p.give(person, code, rng, fake)
    if any(c.type_code == "EC-JSZ" for c in person.certificates) and rng.random() < 0.4:
        vehicle = _vehicle_extra(rng, fake, p.anchor)
        registered = date.fromisoformat(vehicle["注册日期"])
        p.give(person, "EC-XSZ", rng, fake, extra=vehicle, issued_on=registered)
        p.give(person, "EC-DJZS", rng, fake, extra=vehicle, issued_on=registered)
    return person


def _plan_company(p: _Planner, index: int) -> _OrganisationPlan:
    company = p.organisation(
        "companies", index, serial_base=f"4{index:06d}", rep_serial_base=f"3{index:06d}"
    )
    rng, fake = p.stream("companies", index, "certificates")
    scope = company.business_scope
    if "食品" in scope or "餐饮" in scope or rng.random() < 0.1:
        p.give(company, "EC-SPJY", rng, fake)
    if "运输" in scope:
        p.give(company, "EC-DLYS", rng, fake)
    if "建筑" in scope:
        for code in ("EC-GHXK", "EC-SGXK"):
            p.give(company, code, rng, fake)
    if rng.random() < 0.2:
        p.give(company, "EC-BDCQZ", rng, fake)
    if rng.random() < 0.2:
        vehicle = _vehicle_extra(rng, fake, p.anchor)
        registered = date.fromisoformat(vehicle["注册日期"])
        p.give(company, "EC-XSZ", rng, fake, extra=vehicle, issued_on=registered)
        p.give(company, "EC-DJZS", rng, fake, extra=vehicle, issued_on=registered)
    return company


# --- writing the plan -----------------------------------------------------------------------


def _save_people(plans: list[_PersonPlan]) -> tuple[dict[str, Person], int]:
    numbers = [plan.id_number for plan in plans]
    existing: dict[str, Person] = {}
    for chunk in _chunks(numbers):
        existing |= {p.id_number: p for p in Person.objects.filter(id_number__in=chunk)}
    new = [
        Person(
            id_number=plan.id_number,
            name=plan.name,
            gender=Gender.MALE if plan.is_male else Gender.FEMALE,
            birth_date=plan.birth_date,
            ethnicity=plan.ethnicity,
            address=plan.address,
            phone=plan.phone,
            region_code=plan.region_code,
        )
        for plan in plans
        if plan.id_number not in existing
    ]
    Person.objects.bulk_create(new, batch_size=500)
    return existing | {p.id_number: p for p in new}, len(new)


def _save_organisations(
    plans: list[_OrganisationPlan], people: dict[str, Person]
) -> tuple[dict[str, Organisation], int]:
    codes = [plan.credit_code for plan in plans]
    existing: dict[str, Organisation] = {}
    for chunk in _chunks(codes):
        existing |= {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=chunk)}
    new = [
        Organisation(
            credit_code=plan.credit_code,
            name=plan.name,
            kind=plan.kind,
            legal_representative=people[plan.representative.id_number],
            address=plan.address,
            phone=plan.phone,
            region_code=plan.region_code,
            established_on=plan.established_on,
        )
        for plan in plans
        if plan.credit_code not in existing
    ]
    Organisation.objects.bulk_create(new, batch_size=500)
    return existing | {o.credit_code: o for o in new}, len(new)


def _save_certificates(
    p: _Planner,
    people: dict[str, Person],
    organisations: dict[str, Organisation],
) -> int:
    rows: list[Certificate] = []
    holders: list[_Holder] = [*p.people, *p.organisations]
    for holder in holders:
        for plan in holder.certificates:
            ctype = p.types[plan.type_code]
            issuer = ctype.issuing_department
            if isinstance(holder, _PersonPlan):
                code, code_type = holder.id_number, HolderCodeType.CITIZEN_ID
                person, organisation = people[code], None
            else:
                code, code_type = holder.credit_code, HolderCodeType.CREDIT_CODE
                person, organisation = None, organisations[code]
            rows.append(
                Certificate(
                    identifier=build_identifier(
                        ctype.national_code, issuer.credit_code, plan.serial, 1
                    ),
                    type=ctype,
                    number=plan.number,
                    serial=plan.serial,
                    version=1,
                    holder_code=code,
                    holder_code_type=code_type,
                    holder_name=holder.name,
                    person=person,
                    organisation=organisation,
                    issuer=issuer,
                    issued_on=plan.issued_on,
                    valid_from=plan.issued_on,
                    valid_to=plan.valid_to,
                    status=CertificateStatus.VALID,
                    fields=plan.fields,
                )
            )
    identifiers = [row.identifier for row in rows]
    existing: set[str] = set()
    for chunk in _chunks(identifiers):
        existing |= set(
            Certificate.objects.filter(identifier__in=chunk).values_list("identifier", flat=True)
        )
    new = [row for row in rows if row.identifier not in existing]
    Certificate.objects.bulk_create(new, batch_size=500)
    return len(new)


def _save_relations(
    family: _Family,
    organisation_plans: list[_OrganisationPlan],
    people: dict[str, Person],
    organisations: dict[str, Organisation],
) -> int:
    def person(plan: _PersonPlan) -> Person:
        return people[plan.id_number]

    citizen, spouse, child = person(family.citizen), person(family.spouse), person(family.child)
    father, mother = person(family.father), person(family.mother)
    wanted: list[tuple[Person, str, Person | None, Organisation | None]] = [
        (citizen, RelationKind.SPOUSE, spouse, None),
        (citizen, RelationKind.FATHER, father, None),
        (citizen, RelationKind.MOTHER, mother, None),
        (citizen, RelationKind.CHILD, child, None),
        (citizen, RelationKind.EMPLOYER, None, organisations[family.employer.credit_code]),
        (spouse, RelationKind.SPOUSE, citizen, None),
        (spouse, RelationKind.CHILD, child, None),
        (child, RelationKind.FATHER, citizen, None),
        (child, RelationKind.MOTHER, spouse, None),
        (child, RelationKind.GUARDIAN, citizen, None),
        (father, RelationKind.SPOUSE, mother, None),
        (father, RelationKind.CHILD, citizen, None),
        (mother, RelationKind.SPOUSE, father, None),
        (mother, RelationKind.CHILD, citizen, None),
    ]
    for plan in organisation_plans:
        wanted.append(
            (
                person(plan.representative),
                RelationKind.LEGAL_REPRESENTATIVE,
                None,
                organisations[plan.credit_code],
            )
        )
    person_ids = sorted({str(w[0].pk) for w in wanted})
    existing: set[tuple[str, str, str, str]] = set()
    for chunk in _chunks(person_ids):
        existing |= {
            (str(a), k, str(b), str(c))
            for a, k, b, c in Relation.objects.filter(person_id__in=chunk).values_list(
                "person_id", "kind", "other_person_id", "organisation_id"
            )
        }
    new = [
        Relation(person=a, kind=kind, other_person=b, organisation=o)
        for a, kind, b, o in wanted
        if (str(a.pk), str(kind), str(b.pk if b else None), str(o.pk if o else None))
        not in existing
    ]
    Relation.objects.bulk_create(new)
    return len(new)


# --- accounts -------------------------------------------------------------------------------


def _ensure_user(
    username: str,
    roles: Iterable[str],
    *,
    name: str,
    password_hash: str,
    department: Department | None = None,
    window_code: str = "",
    is_superuser: bool = False,
) -> tuple[User, bool]:
    """Create the account or bring its profile back to the demo values; the password of an
    existing account is left alone (someone may have changed it on purpose)."""
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username, password=password_hash)
    changed: list[str] = []
    for key, value in (
        ("name", name),
        ("department", department),
        ("window_code", window_code),
        ("is_staff", is_superuser),
        ("is_superuser", is_superuser),
        ("is_active", True),
    ):
        if getattr(user, key) != value:
            setattr(user, key, value)
            changed.append(key)
    if created:
        user.save()
    elif changed:
        user.save(update_fields=changed)
    for role in roles:
        accounts.grant_role(user=user, role=role, actor=None)
    return user, created


class _AccountSeeder:
    """Creates the demo accounts with one shared password hash."""

    def __init__(self, planner: _Planner) -> None:
        self.planner = planner
        # Hashing is deliberately slow (PBKDF2); a hundred accounts sharing one published
        # password gain nothing from separate salts, so the hash is computed once.
        self.password_hash = make_password(DEMO_PASSWORD)
        self.created = 0

    def ensure(
        self,
        username: str,
        role: str,
        *,
        name: str = "",
        department: Department | None = None,
        window_code: str = "",
        is_superuser: bool = False,
    ) -> User:
        if not name:
            _, fake = self.planner.stream("user", username)
            name = fake.name()
        user, created = _ensure_user(
            username,
            [role],
            name=name,
            password_hash=self.password_hash,
            department=department,
            window_code=window_code,
            is_superuser=is_superuser,
        )
        self.created += int(created)
        return user


def _seed_accounts(p: _Planner, *, citizen: Person, company: Organisation) -> tuple[User, int]:
    """Every account of API.md "Demo accounts"; returns the ``clerk`` and how many were new."""
    departments = {d.code: d for d in Department.objects.all()}
    centre = departments.get("ZW")
    seeder = _AccountSeeder(p)
    ensure = seeder.ensure
    ensure("admin", Role.CENTRE_ADMIN, department=centre, is_superuser=True)
    clerk = ensure("clerk", Role.CLERK, department=centre, window_code="A01")
    ensure("clerk2", Role.CLERK, department=centre, window_code="A02")
    for code, department in sorted(departments.items()):
        ensure(f"approver-{code}", Role.APPROVER, department=department)
        ensure(f"deptadmin-{code}", Role.DEPT_ADMIN, department=department)
        ensure(
            f"system-{code}", Role.DEPT_SYSTEM, department=department,
            name=f"{department.name}业务系统",
        )  # fmt: skip
    ensure("auditor", Role.AUDITOR, department=centre)
    ensure("trainer", Role.TRAINER, department=centre)
    citizen_user = ensure("citizen", Role.CITIZEN, name=citizen.name)
    company_user = ensure("company", Role.ENTERPRISE, name=company.name)
    if citizen.user_id != citizen_user.pk:
        citizen.user = citizen_user
        citizen.save(update_fields=["user", "updated_at"])
    if company.user_id != company_user.pk:
        company.user = company_user
        company.save(update_fields=["user", "updated_at"])
    return clerk, seeder.created


def department_codes() -> list[str]:
    """The catalog's department codes, which complete ``approver-<CODE>`` and the like."""
    return list(Department.objects.order_by("code").values_list("code", flat=True))


def accounts_table() -> list[tuple[str, str]]:
    """The demo accounts as (username, description) rows for the console (password shared)."""
    codes = department_codes()
    example = "GAHZ" if "GAHZ" in codes else (codes[0] if codes else "<部门代码>")
    return [
        ("admin", f"{Role.CENTRE_ADMIN.label}（可登录 /admin/ 管理后台）"),
        ("clerk / clerk2", f"{Role.CLERK.label}（A01 / A02 窗口）"),
        (f"approver-{example}", f"{Role.APPROVER.label}（每个部门一个：approver-<部门代码>）"),
        (f"deptadmin-{example}", f"{Role.DEPT_ADMIN.label}（deptadmin-<部门代码>）"),
        (f"system-{example}", f"{Role.DEPT_SYSTEM.label}（system-<部门代码>）"),
        (
            "citizen",
            f"{Role.CITIZEN.label}（持有全部个人电子证照，有配偶、父母、子女、工作单位和房产）",
        ),
        ("company", f"{Role.ENTERPRISE.label}（持有营业执照等法人证照）"),
        ("auditor", Role.AUDITOR.label),
        ("trainer", Role.TRAINER.label),
    ]


# --- catalog tweaks and historical cases ----------------------------------------------------


def mark_non_key_materials(limit: int = NON_KEY_ITEM_LIMIT) -> list[NonKeyMaterial]:
    """Mark one paper material as non-key in a few items, so that 容缺受理 can be shown.

    Picks current versions with at least two required paper materials (no certificate can
    replace them, no condition), items for citizens first, one item per department, and marks
    the last such material. This edits demo rows in place on purpose: the published version
    keeps its content hash, so reloading the catalog does not undo it.
    """
    candidates: list[tuple[ItemVersion, Material]] = []
    versions = (
        ItemVersion.objects.filter(is_current=True)
        .select_related("item", "department")
        .prefetch_related("materials")
    )
    for version in versions:
        paper = [
            m
            for m in version.materials.all()
            if m.required
            and not m.is_form
            and not m.condition
            and m.certificate_type_id is None
            and m.form != MaterialForm.ELECTRONIC
        ]
        if len(paper) >= 2:
            candidates.append((version, paper[-1]))
    candidates.sort(key=lambda c: (c[0].target != Target.PERSON, c[0].item.code))
    chosen: list[NonKeyMaterial] = []
    departments: set[str] = set()
    for version, material in candidates:
        if len(chosen) >= limit or version.department.code in departments:
            continue
        departments.add(version.department.code)
        if material.is_key:
            Material.objects.filter(pk=material.pk).update(is_key=False)
        chosen.append(NonKeyMaterial(version.item.code, version.name, material.code, material.name))
    return chosen


class _Discard(Exception):
    """Rolls back a seeded application whose outcome was a supplement notice."""


@dataclass(frozen=True)
class _CasePlan:
    index: int
    moment: datetime
    version: ItemVersion
    kind: str
    name: str
    code: str
    phone: str


def _working_days(anchor: date) -> list[date]:
    days = [anchor - timedelta(days=k) for k in range(1, HISTORY_DAYS + 1)]
    return [d for d in days if calendar.is_working_day(d)]


def _plan_cases(
    seed: int,
    count: int,
    anchor: date,
    people: list[Person],
    organisations: list[Organisation],
    citizen: Person,
    company: Organisation,
) -> list[_CasePlan]:
    versions = list(
        ItemVersion.objects.filter(is_current=True)
        .select_related("item")
        .prefetch_related("materials")
        .order_by("item__code")
    )
    for_people = [v for v in versions if v.target in {Target.PERSON, Target.BOTH}]
    for_organisations = [v for v in versions if v.target in {Target.ORGANISATION, Target.BOTH}]
    days = _working_days(anchor)
    plans: list[_CasePlan] = []
    for index in range(count):
        rng = random.Random(f"{seed}:case:{index}")
        # Every fifteenth case belongs to a demo applicant, so their "my cases" pages have
        # history to show.
        if index % 30 == 0:
            kind = ApplicantKind.PERSON
            applicant: Person | Organisation = citizen
        elif index % 30 == 15:
            kind, applicant = ApplicantKind.ORGANISATION, company
        elif rng.random() < 0.7 and people:
            kind, applicant = ApplicantKind.PERSON, rng.choice(people)
        elif organisations:
            kind, applicant = ApplicantKind.ORGANISATION, rng.choice(organisations)
        else:
            kind, applicant = ApplicantKind.PERSON, citizen
        candidates = for_people if kind == ApplicantKind.PERSON else for_organisations
        if not candidates or not days:
            continue
        day = rng.choice(days)
        moment = datetime(
            day.year, day.month, day.day, rng.randint(9, 16), rng.randint(0, 59),
            rng.randint(0, 59), tzinfo=clock.LOCAL_TZ,
        )  # fmt: skip
        code = applicant.id_number if isinstance(applicant, Person) else applicant.credit_code
        plans.append(
            _CasePlan(
                index, moment, rng.choice(candidates), kind, applicant.name, code, applicant.phone
            )
        )
    # Chronological order keeps each day's case numbers in the order of acceptance.
    plans.sort(key=lambda c: (c.moment, c.index))
    return plans


def _seed_cases(plans: list[_CasePlan], clerk: User, summary: SeedSummary) -> None:
    for plan in plans:
        if Case.objects.filter(applicant_code=plan.code, accepted_at=plan.moment).exists():
            summary.cases_existing += 1
            continue
        materials = [
            intake.MaterialInput(m.code, Provided.PAPER)
            for m in plan.version.materials.all()
            if m.required and not m.is_form
        ]
        if plan.kind == ApplicantKind.PERSON:
            applicant = intake.ApplicantInput(
                kind=plan.kind, name=plan.name, id_number=plan.code, phone=plan.phone
            )
        else:
            applicant = intake.ApplicantInput(
                kind=plan.kind, name=plan.name, credit_code=plan.code, phone=plan.phone
            )
        app = intake.Application(
            applicant=applicant, item_code=plan.version.item.code, materials=materials
        )
        try:
            with transaction.atomic(), clock.frozen(plan.moment):
                outcome = intake.submit_application(app=app, actor=clerk)
                if outcome.notice is not None:
                    raise _Discard
        except (_Discard, DomainError):
            # Demo history shows accepted cases only; anything else is left out quietly.
            summary.cases_skipped += 1
            continue
        summary.cases_created += len(outcome.cases)


# --- entry point ----------------------------------------------------------------------------


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
    summary.totals = {
        "账号": User.objects.count(),
        "自然人": Person.objects.count(),
        "法人": Organisation.objects.count(),
        "电子证照": Certificate.objects.count(),
        "关联关系": Relation.objects.count(),
        "办件": Case.objects.count(),
    }
    summary.seconds = time.monotonic() - started
    return summary
