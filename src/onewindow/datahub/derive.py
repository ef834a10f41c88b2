"""Form values the platform computes from what it already holds (派生字段、库表回填).

国务院令第716号 §7: what data sharing can supply is not asked for again. A catalog form field
whose source is ``derived`` is looked up in :data:`DERIVED_RULES`; a field the applicant would
type but the registry already holds (联系电话) is looked up in :data:`REGISTRY_RULES`. Each rule
is a small function of :class:`Holdings` — the subject's citizen ID, the certificates read for
the application, the registry record — and returns ``None`` when the data it needs is not held:
the field then stays with the applicant. Nothing is estimated or guessed.

Derived fields the platform cannot compute (amounts the departments assess from their own
account data, assessment results …) are listed in :data:`NOT_HELD` with the reason, so that a
new catalog field is either computable, explained, or visibly unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from onewindow.core import ids
from onewindow.datahub.enums import RelationKind
from onewindow.datahub.models import Certificate, Organisation, Person, Relation

DERIVED: Final = "derived"
REGISTRY: Final = "registry"

# Words that name the applicant themself in front of a field name (申请人年龄).
SELF_WORDS: Final = ("", "申请人", "本人")


@dataclass(frozen=True)
class Subject:
    """A person or organisation a form is about, with what the platform holds on them.

    ``certificates`` are the subject's own valid certificates read for this application, by
    type code; ``person``/``organisation`` is the registry record, known for the applicant only
    (other parties' registry records are not read).
    """

    code: str
    is_person: bool
    name: str = ""
    role: str = ""  # the role word the applicant named them by; "" for the applicant
    phone: str = ""  # the phone number given with the application
    certificates: Mapping[str, Certificate] = field(default_factory=dict)
    person: Person | None = None
    organisation: Organisation | None = None


@dataclass(frozen=True)
class Holdings:
    """Everything a rule may read for one form field.

    ``subject`` is whom the field is about (the applicant, or a party whose role word starts
    the field name); ``others`` are all parties the applicant named; ``used`` holds, per type
    code, the certificate the application's materials use (which may be a party's).
    """

    subject: Subject
    applicant: Subject
    today: date
    others: Sequence[Subject] = ()
    used: Mapping[str, Certificate] = field(default_factory=dict)


@dataclass(frozen=True)
class Filled:
    """A computed value and where it came from (``derived`` or ``registry``)."""

    value: str
    source: str


Compute = Callable[[Holdings], Filled | None]


@dataclass(frozen=True)
class Rule:
    """A field-name pattern (matched at the end of the name) and the function that fills it.

    ``about_subject`` rules describe the subject's own identity (age from the ID number): they
    apply only when nothing but a self word or the subject's own role word precedes the match,
    so that ``婴幼儿年龄`` is never answered with the applicant's age.
    """

    pattern: re.Pattern[str]
    compute: Compute
    about_subject: bool = True


# --- helpers ------------------------------------------------------------------------------


def _citizen_id(subject: Subject) -> ids.CitizenId | None:
    if not subject.is_person:
        return None
    try:
        # A number a clerk accepted with a wrong check character still carries a real birth
        # date and sex; the override only forgives the check character.
        return ids.parse_citizen_id(subject.code, override_checksum=True)
    except ids.InvalidIdentifier:
        return None


def _full_years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _full_months(born: date, today: date) -> int:
    return (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)


def _face(cert: Certificate | None, key: str) -> str:
    """A certificate's face value (照面信息) as text, or ``""`` when absent."""
    if cert is None:
        return ""
    value = cert.fields.get(key)
    return "" if value is None else str(value).strip()


def _date_prefix(text: str) -> date | None:
    """The date at the start of ``2024-03-05 08:30`` or ``2024-03-05``."""
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


# --- rules from the citizen ID (GB 11643-1999) -----------------------------------------------


def age(h: Holdings) -> Filled | None:
    """Full years of age today, from the birth date in the subject's citizen ID."""
    parsed = _citizen_id(h.subject)
    if parsed is None:
        return None
    return Filled(str(_full_years(parsed.birth_date, h.today)), DERIVED)


def birth_date(h: Holdings) -> Filled | None:
    """The birth date in the subject's citizen ID (positions 7–14)."""
    parsed = _citizen_id(h.subject)
    return None if parsed is None else Filled(parsed.birth_date.isoformat(), DERIVED)


def sex(h: Holdings) -> Filled | None:
    """男/女 from the parity of the sequence code in the subject's citizen ID (odd: male)."""
    parsed = _citizen_id(h.subject)
    if parsed is None:
        return None
    return Filled("男" if parsed.is_male else "女", DERIVED)


def household_region(h: Holdings) -> Filled | None:
    """The six-digit region code of the subject's household register: the registry's current
    record when held, else the ID number's address code (GB 11643 §5: the county of permanent
    residence when the number was assigned)."""
    person = h.subject.person
    if person is not None and person.region_code:
        return Filled(person.region_code, REGISTRY)
    parsed = _citizen_id(h.subject)
    return None if parsed is None else Filled(parsed.region_code, DERIVED)


def id_card_term(h: Holdings) -> Filled | None:
    """The validity term of the ID card applied for now, by age today (《居民身份证法》§5):
    under 16 five years, 16–25 ten years, 26–45 twenty years, 46 and over long-term.

    The term is fixed by law from the age at application, so the old card's expiry (which a
    renewal replaces) is not what this field asks for.
    """
    parsed = _citizen_id(h.subject)
    if parsed is None:
        return None
    years = _full_years(parsed.birth_date, h.today)
    term = "5年" if years < 16 else "10年" if years < 26 else "20年" if years < 46 else "长期"
    return Filled(term, DERIVED)


# 《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》(2024) and its annex
# 《国务院关于渐进式延迟法定退休年龄的办法》§2: from 2025-01-01 the statutory retirement age of
# men rises from 60 by one month for every four months of birth dates, to 63.
_MALE_DELAY_FROM: Final = date(1965, 1, 1)
_MALE_DELAY_STEP_MONTHS: Final = 4
_MALE_DELAY_MAX_MONTHS: Final = 36


def statutory_retirement_age(h: Holdings) -> Filled | None:
    """法定退休年龄 of a male employee, from the birth month in the citizen ID (2024 decision:
    60 for births before 1965-01, then +1 month per 4 months of birth, capped at 63).

    Women's age depends on whether their original age was 50 or 55 (worker or cadre post),
    which no record the platform holds says, so it is left to the applicant.
    """
    parsed = _citizen_id(h.subject)
    if parsed is None or not parsed.is_male:
        return None
    born = parsed.birth_date
    months_after = (born.year - _MALE_DELAY_FROM.year) * 12 + born.month - 1
    delay = 0
    if months_after >= 0:
        delay = min(months_after // _MALE_DELAY_STEP_MONTHS + 1, _MALE_DELAY_MAX_MONTHS)
    years, months = divmod(60 * 12 + delay, 12)
    return Filled(f"{years}岁" + (f"{months}个月" if months else ""), DERIVED)


def social_security_number(h: Holdings) -> Filled | None:
    """The subject's 社会保障号码, which is the citizen ID number (《社会保险法》§58)."""
    parsed = _citizen_id(h.subject)
    return None if parsed is None else Filled(parsed.number, DERIVED)


# --- rules from certificates --------------------------------------------------------------


def age_in_months(h: Holdings) -> Filled | None:
    """Full months of age today of the child on the application's 出生医学证明 (its 出生时间),
    else on its 预防接种证 (出生日期). Never the subject's ID: the subject may be the parent."""
    for type_code, key in (("EC-CSZM", "出生时间"), ("EC-YFJZ", "出生日期")):
        cert = h.used.get(type_code) or h.subject.certificates.get(type_code)
        born = _date_prefix(_face(cert, key))
        if born is not None and born <= h.today:
            return Filled(str(_full_months(born, h.today)), DERIVED)
    return None


def household_registration_office(h: Holdings) -> Filled | None:
    """迁出地户口登记机关: the issuer on the subject's 居民身份证, which the county-level public
    security organ of the place of permanent residence signs (《居民身份证法》§8).

    Used only while the card's 住址 is still the 户口簿's: after a move the card may name the
    old place, and then the office is not known.
    """
    card = h.subject.certificates.get("EC-SFZ")
    book = h.subject.certificates.get("EC-HKB")
    issuer, card_address, book_address = (
        _face(card, "签发机关"),
        _face(card, "住址"),
        _face(book, "住址"),
    )
    if issuer and card_address and card_address == book_address:
        return Filled(issuer, DERIVED)
    return None


def household_members(h: Holdings) -> Filled | None:
    """家庭成员: the applicant and every named party whose 居民户口簿 carries the same 户号,
    each with their relation — the book's 与户主关系, else the registry relation, else the
    role word they were named by. Members the applicant did not name are not read."""
    own = h.applicant.certificates.get("EC-HKB")
    household = _face(own, "户号")
    if not household:
        return None
    labels = _registry_relations(h.applicant.person, [o.code for o in h.others])
    members = [(h.applicant.name or _face(own, "姓名"), _face(own, "与户主关系"))]
    seen = {h.applicant.code}
    for other in h.others:
        book = other.certificates.get("EC-HKB")
        if other.code in seen or _face(book, "户号") != household:
            continue
        seen.add(other.code)
        relation = _face(book, "与户主关系") or labels.get(other.code, "") or other.role
        members.append((other.name or _face(book, "姓名"), relation))
    text = "、".join(f"{name}（{relation}）" if relation else name for name, relation in members)
    return Filled(text, DERIVED)


def _registry_relations(person: Person | None, codes: Sequence[str]) -> dict[str, str]:
    """The registry's relation word for each named party linked to ``person``."""
    if person is None or person.pk is None or not codes:
        return {}
    rows = Relation.objects.filter(person=person, other_person__id_number__in=codes).values_list(
        "other_person__id_number", "kind"
    )
    return {str(code): str(kind) for code, kind in rows}


# --- rules from the registry (人口库、法人库) -----------------------------------------------


def phone(h: Holdings) -> Filled | None:
    """The applicant's phone number: the one given with the application, else the registry's."""
    subject = h.subject
    held = subject.phone
    if not held and subject.person is not None:
        held = subject.person.phone
    if not held and subject.organisation is not None:
        held = subject.organisation.phone
    return Filled(held, REGISTRY) if held else None


def address(h: Holdings) -> Filled | None:
    """住址 (a person) or 住所 (an organisation) as the registry records it."""
    record = h.subject.person or h.subject.organisation
    return Filled(record.address, REGISTRY) if record is not None and record.address else None


def employer(h: Holdings) -> Filled | None:
    """The registry's 工作单位 of the subject (relation 雇主); none or several: not known."""
    person = h.subject.person
    if person is None or person.pk is None:
        return None
    names = set(
        Relation.objects.filter(
            person=person, kind=RelationKind.EMPLOYER, organisation__isnull=False
        ).values_list("organisation__name", flat=True)
    )
    return Filled(names.pop(), REGISTRY) if len(names) == 1 else None


# --- the tables ---------------------------------------------------------------------------

DERIVED_RULES: Final[tuple[Rule, ...]] = (
    # More specific names first: 法定退休年龄 and 月龄 also end like 年龄.
    Rule(re.compile(r"法定退休年龄$"), statutory_retirement_age),
    Rule(re.compile(r"月龄$"), age_in_months, about_subject=False),
    Rule(re.compile(r"年龄$"), age),
    Rule(re.compile(r"出生日期$"), birth_date),
    Rule(re.compile(r"性别$"), sex),
    Rule(re.compile(r"户籍地区划(代码)?$"), household_region),
    Rule(re.compile(r"^(居民身份证|证件)有效期限$"), id_card_term),
    Rule(re.compile(r"社会保障号码$"), social_security_number),
    Rule(re.compile(r"^迁出地户口登记机关$"), household_registration_office),
    Rule(re.compile(r"^家庭成员$"), household_members),
)

REGISTRY_RULES: Final[tuple[Rule, ...]] = (
    Rule(re.compile(r"(联系电话|手机号码|联系方式)$"), phone),
    Rule(re.compile(r"(住址|住所)$"), address),
    Rule(re.compile(r"(用人单位|工作单位)$"), employer),
)

# Derived catalog fields the platform does not hold the data for, and why. They stay with
# the applicant (or the department fills them while reviewing).
NOT_HELD: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (
        re.compile(r"(可提取金额|提取额度|可贷额度|账户余额)$"),
        "公积金、社保、医保个人账户数据在各业务系统，平台未归集",
    ),
    (
        re.compile(r"(缴费年限|缴费时间|领取期限|补贴月数|服役年限)$"),
        "缴费和服役记录在业务系统，平台未归集",
    ),
    (re.compile(r"(家庭月人均收入|家庭人均收入)$"), "家庭收入由民政核对系统核对，平台未归集"),
    (
        re.compile(r"(评估结果|评估等级|认定等级|残疾等级|查验结果)$"),
        "评估、认定、查验结论由业务部门作出",
    ),
    (
        re.compile(r"(金额|养老金|额度|标准|税额|税率|计税价格)$"),
        "金额、标准和税额由业务部门依政策和业务数据核定",
    ),
    (re.compile(r"(纳税人类型)$"), "由税务机关依申请和经营规模核定"),
    (re.compile(r"公民身份号码$"), "新生儿的公民身份号码在出生登记时由公安机关编定"),
    (re.compile(r"车辆识别代号$"), "新车信息在合格证和发票上，证照库中尚无"),
    (re.compile(r"学区$"), "学区划分数据平台未归集"),
    (re.compile(r"备案有效期$"), "备案期限按参保地和就医地政策确定"),
    (re.compile(r"登记机关$"), "由受理登记的部门确定"),
)


def _pick(rules: Sequence[Rule], name: str, holdings: Holdings) -> Filled | None:
    for rule in rules:
        match = rule.pattern.search(name)
        if match is None:
            continue
        prefix = name[: match.start()]
        if rule.about_subject and prefix not in SELF_WORDS and prefix != holdings.subject.role:
            return None
        return rule.compute(holdings)
    return None


def derive(name: str, holdings: Holdings) -> Filled | None:
    """The value of a ``derived`` form field ``name`` computed from ``holdings``, or None when
    no rule knows the field or the data it needs is not held (no reads beyond the registry
    relations of the applicant's named parties)."""
    return _pick(DERIVED_RULES, name, holdings)


def from_registry(name: str, holdings: Holdings) -> Filled | None:
    """The registry's value for a field the applicant would otherwise type (联系电话, 工作单位),
    or None. Only the applicant's own registry record is read."""
    if holdings.subject.code != holdings.applicant.code:
        return None
    return _pick(REGISTRY_RULES, name, holdings)


def why_not_held(name: str) -> str | None:
    """Why a derived field the rules cannot fill is left to the applicant, if known."""
    for pattern, reason in NOT_HELD:
        if pattern.search(name):
            return reason
    return None
