"""The demo registry: the ``citizen`` family, the ``company``, synthetic people and companies,
and writing them, their certificates and relations to the database."""

from __future__ import annotations

import random
from datetime import date, timedelta

from faker import Faker

from onewindow.catalog.enums import HolderKind
from onewindow.datahub.enums import CertificateStatus, Gender, HolderCodeType, RelationKind
from onewindow.datahub.identifiers import build_identifier
from onewindow.datahub.models import Certificate, Organisation, Person, Relation
from onewindow.demo.seed.certificates import _couple, _vehicle_extra
from onewindow.demo.seed.common import MIN_CERTIFICATE_AGE_DAYS, REGIONS, _add_years, _chunks
from onewindow.demo.seed.planner import _SEQ_FAMILY, _SEQ_PEOPLE, _Planner
from onewindow.demo.seed.plans import _Family, _Holder, _OrganisationPlan, _PersonPlan

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


def _give_vehicle(p: _Planner, holder: _Holder, rng: random.Random, fake: Faker) -> None:
    """One vehicle with its 行驶证 and 登记证书, both issued on the day it was registered."""
    vehicle = _vehicle_extra(rng, fake, p.anchor)
    registered = date.fromisoformat(vehicle["注册日期"])
    p.give(holder, "EC-XSZ", rng, fake, extra=vehicle, issued_on=registered)
    p.give(holder, "EC-DJZS", rng, fake, extra=vehicle, issued_on=registered)


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
        _give_vehicle(p, person, rng, fake)
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
        _give_vehicle(p, company, rng, fake)
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
