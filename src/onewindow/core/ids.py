"""Chinese identifiers: citizen ID numbers and unified social credit codes.

* 公民身份号码 — GB 11643-1999 《公民身份号码》: 6-digit address (region) code,
  8-digit birth date ``YYYYMMDD``, 3-digit sequence code (odd for men, even for
  women) and one check character computed with ISO 7064 MOD 11-2 (``X`` stands
  for 10). Numbers issued before 1999 have 15 digits (6-digit ``YYMMDD`` birth
  date, no check character); they are still met on old documents, so they are
  accepted and upgraded to the 18-digit form as GB 11643-1999 describes.
* 统一社会信用代码 — GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》:
  18 characters from the code set ``0-9 A-H J-N P-R T U W-Y``: registration
  authority (1), organisation kind (1), region code (6), organisation body (9)
  and a MOD 31 check character.

The check characters come from python-stdnum (``stdnum.cn.ric`` and
``stdnum.cn.uscc``), but its ``validate()`` functions are deliberately not used:
``ric.validate`` refuses 15-digit numbers and region codes missing from its
table (abolished counties still appear on valid IDs), and ``uscc.validate``
gives staff no way to accept a registered code whose check character is wrong.

Parsing errors are raised as :class:`InvalidIdentifier`, whose ``message`` is
ready to show to applicants and window staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

__all__ = [
    "CitizenId",
    "CreditCode",
    "IdProblem",
    "InvalidIdentifier",
    "citizen_id_check_char",
    "credit_code_check_char",
    "last4",
    "mask_identifier",
    "mask_name",
    "mask_phone",
    "parse_citizen_id",
    "parse_credit_code",
]


class IdProblem(StrEnum):
    """Why an identifier was refused."""

    FORMAT = "format"
    CHECK_CHAR = "check_char"
    BIRTH_DATE = "birth_date"


# The name is part of the published API, so it does not take an "Error" suffix.
class InvalidIdentifier(ValueError):
    """An identifier that cannot be accepted; ``message`` is user-facing Chinese text."""

    def __init__(self, problem: IdProblem, message: str) -> None:
        super().__init__(message)
        self.problem: IdProblem = problem
        self.message: str = message

    def __reduce__(self) -> tuple[type[InvalidIdentifier], tuple[IdProblem, str]]:
        # The constructor takes two arguments but ``args`` holds only the
        # message; without this, pickling (e.g. into a task queue) would break.
        return (type(self), (self.problem, self.message))


CITIZEN_ID_FORMAT_MESSAGE: Final = "公民身份号码格式不正确，应为18位（或15位旧号码）"
CITIZEN_ID_CHECK_MESSAGE: Final = "公民身份号码校验位不正确"
CITIZEN_ID_BIRTH_DATE_MESSAGE: Final = "公民身份号码中的出生日期无效"
CREDIT_CODE_FORMAT_MESSAGE: Final = (
    "统一社会信用代码格式不正确，应为18位数字或大写字母（不含I、O、Z、S、V）"
)
CREDIT_CODE_CHECK_MESSAGE: Final = "统一社会信用代码校验位不正确"

# Nobody alive or recently deceased was born earlier; an older date is a typo.
EARLIEST_BIRTH_DATE: Final = date(1850, 1, 1)

_DIGITS: Final = frozenset("0123456789")
_CITIZEN_CHECK_CHARS: Final = frozenset("0123456789X")
# GB 32100-2015 code set: I, O, Z, S and V are left out because they are easily
# mistaken for 1, 0, 2, 5 and U.
_CREDIT_CODE_CHARS: Final = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")

# Chinese input methods often produce full-width forms (U+FF10.., U+FF21..,
# U+FF41..). Only these ranges are mapped; NFKC would also turn superscripts
# and circled digits into digits, silently accepting garbage.
_FULL_WIDTH_TO_ASCII: Final = str.maketrans(
    {
        chr(code): chr(code - 0xFEE0)
        for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
        for code in range(start, end + 1)
    }
)


@dataclass(frozen=True)
class CitizenId:
    """A parsed GB 11643-1999 citizen ID number, always in 18-character form."""

    number: str
    birth_date: date
    is_male: bool
    region_code: str
    was_legacy: bool


@dataclass(frozen=True)
class CreditCode:
    """A parsed GB 32100-2015 unified social credit code.

    ``registration_authority`` (character 1, e.g. ``9`` for market regulation)
    and ``organisation_kind`` (character 2, e.g. ``1`` for an enterprise under
    authority ``9``) are kept as the raw code characters; their meaning depends
    on each other and on the code tables of the registering authorities.
    """

    code: str
    region_code: str
    registration_authority: str
    organisation_kind: str


def _normalise(value: str) -> str:
    """Fold full-width characters to ASCII, drop all whitespace and upper-case."""
    folded = value.translate(_FULL_WIDTH_TO_ASCII)
    # ``str.split()`` without arguments also splits on U+3000 (ideographic
    # space) and the other Unicode spaces that pasted text tends to carry.
    return "".join(folded.split()).upper()


def _is_ascii_digits(text: str) -> bool:
    # ``str.isdigit`` would accept Arabic-Indic, superscript and other digits.
    return all(char in _DIGITS for char in text)


def citizen_id_check_char(first17: str) -> str:
    """Return the GB 11643-1999 (ISO 7064 MOD 11-2) check character for 17 digits."""
    if len(first17) != 17 or not _is_ascii_digits(first17):
        raise ValueError("citizen_id_check_char() needs exactly 17 ASCII digits")
    # stdnum expects the full number and ignores its last character, so a
    # placeholder stands in for the check character being computed.
    return ric.calc_check_digit(first17 + "0")


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100-2015 MOD 31 check character for the first 17 characters."""
    if len(first17) != 17 or any(char not in _CREDIT_CODE_CHARS for char in first17):
        raise ValueError("credit_code_check_char() needs 17 characters from the GB 32100 set")
    return uscc.calc_check_digit(first17)


def _citizen_birth_date(number: str, today: date) -> date:
    try:
        birth_date = ric.get_birth_date(number)
    except ValidationError as exc:
        raise InvalidIdentifier(IdProblem.BIRTH_DATE, CITIZEN_ID_BIRTH_DATE_MESSAGE) from exc
    if not EARLIEST_BIRTH_DATE <= birth_date <= today:
        raise InvalidIdentifier(IdProblem.BIRTH_DATE, CITIZEN_ID_BIRTH_DATE_MESSAGE)
    return birth_date


def parse_citizen_id(
    value: str, *, override_checksum: bool = False, today: date | None = None
) -> CitizenId:
    """Parse and check a citizen ID number (GB 11643-1999).

    Accepts 18-character numbers and 15-digit legacy numbers; the latter are
    returned in 18-character form (``19`` inserted before the year and the
    check character computed), with ``was_legacy`` set. The region code is
    only required to be six digits: codes of abolished or renamed counties
    remain on valid IDs for life.

    ``override_checksum`` lets staff accept a number whose check character is
    wrong (such numbers were issued in the past); it never forgives a bad
    format or birth date. ``today`` defaults to the current date and bounds
    the birth date from above.
    """
    number = ric.compact(_normalise(value))
    if today is None:
        today = date.today()

    if len(number) == 15 and _is_ascii_digits(number):
        # Legacy numbers carry a two-digit year and were only issued to people
        # born in the 1900s, so the century is always 19.
        body = number[:6] + "19" + number[6:]
        number = body + citizen_id_check_char(body)
        was_legacy = True
    elif len(number) == 18 and _is_ascii_digits(number[:17]) and number[17] in _CITIZEN_CHECK_CHARS:
        was_legacy = False
    else:
        raise InvalidIdentifier(IdProblem.FORMAT, CITIZEN_ID_FORMAT_MESSAGE)

    # The birth date is checked before the check character so that an
    # override can never let an impossible date through.
    birth_date = _citizen_birth_date(number, today)

    if not override_checksum and number[17] != citizen_id_check_char(number[:17]):
        raise InvalidIdentifier(IdProblem.CHECK_CHAR, CITIZEN_ID_CHECK_MESSAGE)

    return CitizenId(
        number=number,
        birth_date=birth_date,
        is_male=int(number[16]) % 2 == 1,
        region_code=number[:6],
        was_legacy=was_legacy,
    )


def parse_credit_code(value: str, *, override_checksum: bool = False) -> CreditCode:
    """Parse and check a unified social credit code (GB 32100-2015).

    ``override_checksum`` lets staff accept a registered code whose MOD 31
    check character is wrong; length and character set are always enforced,
    including for the check character itself.
    """
    code = _normalise(value)
    if len(code) != 18 or any(char not in _CREDIT_CODE_CHARS for char in code):
        raise InvalidIdentifier(IdProblem.FORMAT, CREDIT_CODE_FORMAT_MESSAGE)
    if not override_checksum and code[17] != credit_code_check_char(code[:17]):
        raise InvalidIdentifier(IdProblem.CHECK_CHAR, CREDIT_CODE_CHECK_MESSAGE)
    return CreditCode(
        code=code,
        region_code=code[2:8],
        registration_authority=code[0],
        organisation_kind=code[1],
    )


def mask_identifier(value: str) -> str:
    """Mask an identifier for display: ``6101**********1234``.

    The value is normalised first (whitespace, full-width, case) so that the
    mask length does not reveal how it was typed. Values longer than eight
    characters keep their first and last four; shorter ones keep only their
    first and last character; one or two characters are masked entirely, as
    keeping both ends would reveal everything.
    """
    text = _normalise(value)
    length = len(text)
    if length > 8:
        return text[:4] + "*" * (length - 8) + text[-4:]
    if length > 2:
        return text[0] + "*" * (length - 2) + text[-1]
    return "*" * length


_PHONE_COUNTRY_PREFIXES: Final = ("+86", "0086")


def mask_phone(value: str) -> str:
    """Mask a phone number for display: ``138****5678``.

    Spaces and hyphens are dropped. A leading ``+86``/``0086`` is kept as is
    and the national number masked. Numbers of eight or more digits keep the
    first three (mobile network or area code) and the last four; shorter ones
    keep only the last two.
    """
    text = "".join(value.translate(_FULL_WIDTH_TO_ASCII).split()).replace("-", "")
    prefix = ""
    for country in _PHONE_COUNTRY_PREFIXES:
        if text.startswith(country) and len(text) > len(country):
            prefix, text = country + " ", text[len(country) :]
            break
    length = len(text)
    if length >= 8:
        return prefix + text[:3] + "*" * (length - 7) + text[-4:]
    if length > 2:
        return prefix + "*" * (length - 2) + text[-2:]
    return prefix + "*" * length


# Two-character surnames (复姓). Keeping the whole surname is what readers
# expect ("欧阳**"); showing only "欧" would look like a different family name.
_COMPOUND_SURNAMES: Final = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "司空", "夏侯", "令狐", "端木", "澹台", "轩辕", "独孤", "南宫",
        "西门", "呼延", "闻人", "万俟", "申屠", "公羊", "赫连", "钟离", "太史", "百里",
        "东郭", "左丘", "第五", "拓跋", "公冶", "濮阳", "淳于", "单于", "太叔", "仲孙",
        "亓官", "司寇", "巫马", "梁丘", "乐正", "谷梁", "宰父", "微生", "羊舌", "南门",
    }
)  # fmt: skip


def mask_name(value: str) -> str:
    """Mask a personal name: ``张*``, ``欧阳**``.

    The surname (first character, or the first two for a known compound
    surname followed by a given name) is kept and the rest replaced by stars.
    A single-character name is masked entirely; an empty name stays empty.
    """
    name = value.strip()
    if len(name) <= 1:
        return "*" * len(name)
    kept = 2 if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES else 1
    return name[:kept] + "*" * (len(name) - kept)


def last4(value: str) -> str:
    """Return the last four characters of the normalised identifier, upper-case.

    Only text normalisation is applied (whitespace, full-width, case): pass the
    stored 18-character number, not a 15-digit legacy one, to match records.
    """
    return _normalise(value)[-4:]
