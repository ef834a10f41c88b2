"""Derived and registry form values (datahub.derive): every rule, its refusals and the catalog."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from onewindow.datahub import derive
from onewindow.datahub.enums import RelationKind
from onewindow.datahub.models import Certificate, Organisation, Person, Relation
from onewindow.datahub.tests.factories import make_organisation, make_person

TODAY = date(2026, 11, 18)
MAN_1990 = "999901199003071239"  # born 1990-03-07, male
WOMAN_1985 = "999902198501011222"  # born 1985-01-01, female (valid check character)
CHILD = "999901202401150017"  # born 2024-01-15
ITEMS = Path(__file__).resolve().parents[2] / "catalog" / "data" / "items.json"


def card(**fields: str) -> Certificate:
    """An unsaved certificate carrying ``fields`` as its face values."""
    return Certificate(fields=fields)


def subject(
    code: str = MAN_1990,
    *,
    role: str = "",
    name: str = "张三",
    certificates: dict[str, Certificate] | None = None,
    person: Person | None = None,
    phone: str = "",
    is_person: bool = True,
    organisation: Organisation | None = None,
) -> derive.Subject:
    return derive.Subject(
        code=code,
        is_person=is_person,
        name=name,
        role=role,
        phone=phone,
        certificates=certificates or {},
        person=person,
        organisation=organisation,
    )


def holdings(
    who: derive.Subject | None = None,
    *,
    others: list[derive.Subject] | None = None,
    used: dict[str, Certificate] | None = None,
    today: date = TODAY,
    applicant: derive.Subject | None = None,
) -> derive.Holdings:
    who = who or subject()
    return derive.Holdings(
        subject=who,
        applicant=applicant or who,
        today=today,
        others=others or [],
        used=used or {},
    )


def value(name: str, h: derive.Holdings) -> tuple[str, str] | None:
    filled = derive.derive(name, h)
    return None if filled is None else (filled.value, filled.source)


def test_age_birth_date_and_sex_come_from_the_id_number() -> None:
    h = holdings()
    assert value("年龄", h) == ("36", "derived")
    assert value("申请人年龄", h) == ("36", "derived")
    assert value("出生日期", h) == ("1990-03-07", "derived")
    assert value("性别", h) == ("男", "derived")
    # The day before the birthday the age is still one year less.
    assert value("年龄", holdings(today=date(2027, 3, 6))) == ("36", "derived")
    assert value("年龄", holdings(today=date(2027, 3, 7))) == ("37", "derived")


def test_a_legacy_15_digit_number_still_gives_age_and_sex() -> None:
    h = holdings(subject("999901880715001"))  # 1988-07-15, odd sequence: male
    assert value("出生日期", h) == ("1988-07-15", "derived")
    assert value("性别", h) == ("男", "derived")


@pytest.mark.parametrize(
    ("born", "term"),
    [
        ("20110101", "5年"),  # 15
        ("20101118", "10年"),  # 16 today
        ("20011119", "10年"),  # 24
        ("20001118", "20年"),  # 26
        ("19811119", "20年"),  # 44
        ("19801118", "长期"),  # 46
    ],
)
def test_id_card_term_follows_the_age_bands_of_the_id_card_law(born: str, term: str) -> None:
    code = f"999901{born}0010"
    assert value("证件有效期限", holdings(subject(code))) == (term, "derived")


@pytest.mark.parametrize(
    ("born", "retirement_age"),
    [
        ("19641231", "60岁"),
        ("19650101", "60岁1个月"),
        ("19650430", "60岁1个月"),
        ("19650501", "60岁2个月"),
        ("19700115", "61岁4个月"),  # 60 months after 1965-01: 60 // 4 + 1 = 16 months
        ("19760815", "62岁11个月"),
        ("19760901", "63岁"),
        ("19900307", "63岁"),
    ],
)
def test_mens_retirement_age_follows_the_2024_schedule(born: str, retirement_age: str) -> None:
    code = f"999901{born}0010"  # odd sequence code: male
    assert value("法定退休年龄", holdings(subject(code))) == (retirement_age, "derived")


def test_womens_retirement_age_is_left_to_the_applicant() -> None:
    # 50 or 55 before the reform depends on the post, which no held record says.
    assert value("法定退休年龄", holdings(subject(WOMAN_1985))) is None


def test_social_security_number_is_the_citizen_id() -> None:
    assert value("社会保障号码", holdings()) == (MAN_1990, "derived")


def test_age_in_months_reads_the_childs_birth_certificate_not_the_parents_id() -> None:
    birth = card(出生时间="2024-01-15 08:30")
    h = holdings(used={"EC-CSZM": birth})
    assert value("婴幼儿月龄", h) == ("34", "derived")  # 2024-01-15 → 2026-11-18
    assert value("婴幼儿月龄", holdings()) is None  # no birth certificate: not the parent's age
    vaccination = card(出生日期="2024-11-19")
    assert value("月龄", holdings(subject(certificates={"EC-YFJZ": vaccination}))) == (
        "23",
        "derived",
    )


def test_registration_office_needs_card_and_book_at_the_same_address() -> None:
    same = {
        "EC-SFZ": card(签发机关="示范市公安局东城分局", 住址="示范市东城区示范路1号"),
        "EC-HKB": card(住址="示范市东城区示范路1号"),
    }
    assert value("迁出地户口登记机关", holdings(subject(certificates=same))) == (
        "示范市公安局东城分局",
        "derived",
    )
    moved = {**same, "EC-HKB": card(住址="示范市西城区新街2号")}
    assert value("迁出地户口登记机关", holdings(subject(certificates=moved))) is None
    assert value("迁出地户口登记机关", holdings()) is None


@pytest.mark.django_db
def test_household_members_are_named_parties_sharing_the_household_number() -> None:
    me = make_person(name="张三", id_number=MAN_1990)
    wife = make_person(name="李梅", id_number="999902199105060027")
    Relation.objects.create(person=me, kind=RelationKind.SPOUSE, other_person=wife)
    applicant = subject(person=me, certificates={"EC-HKB": card(户号="010001", 与户主关系="户主")})
    others = [
        subject(
            wife.id_number,
            role="配偶",
            name="李梅",
            certificates={"EC-HKB": card(户号="010001")},  # relation word not printed
        ),
        subject(
            CHILD,
            role="子女",
            name="张小",
            certificates={"EC-HKB": card(户号="010001", 与户主关系="子")},
        ),
        subject(
            "999901196201010011",
            role="父亲",
            name="张父",
            certificates={"EC-HKB": card(户号="020002", 与户主关系="户主")},
        ),
    ]
    h = holdings(applicant, others=others)
    assert value("家庭成员", h) == ("张三（户主）、李梅（配偶）、张小（子）", "derived")
    assert value("家庭成员", holdings(subject(), others=others)) is None  # no 户口簿 of one's own


def test_a_prefix_naming_someone_else_leaves_identity_rules_alone() -> None:
    h = holdings()
    assert value("婴幼儿年龄", h) is None
    assert value("受托人出生日期", h) is None
    party = subject(CHILD, role="新生儿")
    assert value("新生儿出生日期", holdings(party, applicant=subject())) == (
        "2024-01-15",
        "derived",
    )


def test_unknown_and_not_held_fields_stay_with_the_applicant() -> None:
    h = holdings()
    for name in ("兴趣爱好", "可提取金额", "应纳税额", "新生儿公民身份号码", "学区"):
        assert value(name, h) is None, name
    assert derive.why_not_held("可提取金额") is not None
    assert derive.why_not_held("兴趣爱好") is None
    organisation = subject("91999905MA0000000X", is_person=False)
    assert value("年龄", holdings(organisation)) is None
    assert value("年龄", holdings(subject("not-an-id"))) is None


def test_household_region_prefers_the_registry_record() -> None:
    registered = Person(id_number=MAN_1990, region_code="999903")
    assert value("户籍地区划", holdings(subject(person=registered))) == ("999903", "registry")
    assert value("户籍地区划", holdings()) == ("999901", "derived")


@pytest.mark.django_db
def test_registry_fills_phone_and_employer_for_the_applicant_only() -> None:
    me = make_person(name="张三", id_number=MAN_1990, phone="13900139000")
    employer = make_organisation(name="示范市某某科技有限公司", credit_code="91999905MA0000000X")
    Relation.objects.create(person=me, kind=RelationKind.EMPLOYER, organisation=employer)
    applicant = subject(person=me)
    h = holdings(applicant)
    assert derive.from_registry("联系电话", h) == derive.Filled("13900139000", "registry")
    given = holdings(subject(person=me, phone="13800138000"))
    assert derive.from_registry("联系电话", given) == derive.Filled("13800138000", "registry")
    assert derive.from_registry("用人单位", h) == derive.Filled(employer.name, "registry")
    assert derive.from_registry("住址", h) == derive.Filled(me.address, "registry")
    assert derive.from_registry("经办人联系电话", h) is None
    assert derive.from_registry("落户类别", h) is None
    party = holdings(subject(CHILD, role="子女"), applicant=applicant)
    assert derive.from_registry("子女联系电话", party) is None


@pytest.mark.django_db
def test_two_employers_in_the_registry_are_not_guessed_between() -> None:
    me = make_person(name="张三", id_number=MAN_1990)
    for i, code in enumerate(("91999905MA0000000X", "91999905MA0000001X")):
        org = make_organisation(name=f"单位{i}", credit_code=code)
        Relation.objects.create(person=me, kind=RelationKind.EMPLOYER, organisation=org)
    assert derive.from_registry("用人单位", holdings(subject(person=me))) is None


def test_every_derived_catalog_field_is_computable_or_explained() -> None:
    items = json.loads(ITEMS.read_text(encoding="utf-8"))
    names = {f["name"] for item in items for f in item["form_fields"] if f["source"] == "derived"}
    assert names
    unexplained = sorted(
        name
        for name in names
        if not any(rule.pattern.search(name) for rule in derive.DERIVED_RULES)
        and derive.why_not_held(name) is None
    )
    assert unexplained == []
