"""The planner: deterministic random streams, identifiers, people, organisations and the
certificates they hold."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from faker import Faker

from onewindow.catalog.models import CertificateType
from onewindow.core import ids
from onewindow.demo.seed.certificates import _TERM_YEARS, _field_values, _FieldContext, _number
from onewindow.demo.seed.common import DISTRICTS, MIN_CERTIFICATE_AGE_DAYS, REGIONS, _add_years
from onewindow.demo.seed.plans import _CertificatePlan, _Holder, _OrganisationPlan, _PersonPlan

# Citizen ID sequence codes (GB 11643 positions 15–17) are split between the kinds of people
# generated, so that a person of one kind never takes the number of another, whatever the
# counts asked for.
_SEQ_FAMILY: Final = (1, 100)
_SEQ_REPRESENTATIVE: Final = (100, 300)
_SEQ_PEOPLE: Final = (300, 1000)
# GB 32100 code set without I, O, Z, S, V.
_CREDIT_BODY_CHARS: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"

_ETHNICITIES: Final = ("回", "满", "蒙古", "壮", "朝鲜", "土家", "苗")
_BUSINESS_SCOPES: Final = (
    "软件开发；信息技术咨询服务；数据处理和存储支持服务",
    "食品销售（仅销售预包装食品）；日用百货销售；办公用品销售",
    "餐饮服务；食品小作坊经营；外卖递送服务",
    "道路货物运输（不含危险货物）；国内货物运输代理；仓储服务",
    "房屋建筑和市政基础设施项目工程总承包；建筑材料销售",
    "企业管理咨询；会议及展览服务；广告设计、代理",
)


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
