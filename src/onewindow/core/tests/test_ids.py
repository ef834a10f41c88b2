"""Tests for citizen ID numbers (GB 11643-1999) and credit codes (GB 32100-2015)."""

from __future__ import annotations

import json
import pickle
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.core.ids import (
    CitizenId,
    CreditCode,
    IdProblem,
    InvalidIdentifier,
    citizen_id_check_char,
    credit_code_check_char,
    last4,
    mask_identifier,
    mask_name,
    mask_phone,
    parse_citizen_id,
    parse_credit_code,
)

# A fixed "today" keeps the tests independent of the day they run on.
TODAY = date(2025, 6, 30)

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "cn_ids.json").read_text(encoding="utf-8")
)

# The vector file words its reasons more finely than the API does: a wrong
# length and a character outside the code set are both format problems.
REASON_TO_PROBLEM = {
    "check_char": IdProblem.CHECK_CHAR,
    "birth_date": IdProblem.BIRTH_DATE,
    "charset": IdProblem.FORMAT,
    "length": IdProblem.FORMAT,
    "format": IdProblem.FORMAT,
}

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _vector_params(kind: str, group: str) -> list[Any]:
    return [pytest.param(entry, id=entry["value"]) for entry in VECTORS[kind][group]]


def _problem(entry: dict[str, str]) -> IdProblem:
    # An unknown reason means the vector file changed: fail loudly.
    return REASON_TO_PROBLEM[entry["reason"]]


# --- shared vectors ---------------------------------------------------------


def test_vector_file_is_not_empty() -> None:
    for kind in ("citizen_id", "uscc"):
        assert VECTORS[kind]["valid"]
        assert VECTORS[kind]["invalid"]


@pytest.mark.parametrize("entry", _vector_params("citizen_id", "valid"))
def test_citizen_id_vectors_valid(entry: dict[str, str]) -> None:
    parsed = parse_citizen_id(entry["value"], today=TODAY)
    assert parsed.number == entry["value"]
    assert parsed.was_legacy is False
    assert parsed.region_code == entry["value"][:6]


@pytest.mark.parametrize("entry", _vector_params("citizen_id", "invalid"))
def test_citizen_id_vectors_invalid(entry: dict[str, str]) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id(entry["value"], today=TODAY)
    assert info.value.problem is _problem(entry)


@pytest.mark.parametrize("entry", _vector_params("uscc", "valid"))
def test_credit_code_vectors_valid(entry: dict[str, str]) -> None:
    parsed = parse_credit_code(entry["value"])
    assert parsed.code == entry["value"]


@pytest.mark.parametrize("entry", _vector_params("uscc", "invalid"))
def test_credit_code_vectors_invalid(entry: dict[str, str]) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code(entry["value"])
    assert info.value.problem is _problem(entry)


# --- citizen ID -------------------------------------------------------------


def test_citizen_id_fields_of_standard_example() -> None:
    assert parse_citizen_id("11010519491231002X", today=TODAY) == CitizenId(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        is_male=False,
        region_code="110105",
        was_legacy=False,
    )


def test_citizen_id_accepts_region_unknown_to_stdnum_for_birth_year() -> None:
    # 440524 (潮阳县) did not exist in stdnum's table for 1880; the number is
    # the GB 11643 example and must be accepted.
    parsed = parse_citizen_id("440524188001010014", today=TODAY)
    assert parsed.birth_date == date(1880, 1, 1)
    assert parsed.is_male is True


def test_citizen_id_accepts_made_up_region() -> None:
    body = "99999919900101123"
    parsed = parse_citizen_id(body + citizen_id_check_char(body), today=TODAY)
    assert parsed.region_code == "999999"


def test_legacy_citizen_id_is_upgraded() -> None:
    # GB 11643 Appendix A example written in the 15-digit form.
    parsed = parse_citizen_id("110105491231002", today=TODAY)
    assert parsed == CitizenId(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        is_male=False,
        region_code="110105",
        was_legacy=True,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("11010519491231002x", "11010519491231002X", id="lower-case-x"),
        pytest.param(" 110105 19491231 002X ", "11010519491231002X", id="spaces"),
        pytest.param("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", id="full-width"),
        pytest.param(
            "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", id="full-width-X"
        ),
        pytest.param(
            "110105\u300019491231\u3000002X", "11010519491231002X", id="ideographic-space"
        ),
        pytest.param(
            "１１０１０５ ４９１２３１ ００２", "11010519491231002X", id="full-width-legacy"
        ),
    ],
)
def test_citizen_id_normalisation(value: str, expected: str) -> None:
    assert parse_citizen_id(value, today=TODAY).number == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        pytest.param("", IdProblem.FORMAT, id="empty"),
        pytest.param("11010519491231002", IdProblem.FORMAT, id="17-digits"),
        pytest.param("11010519491231002XX", IdProblem.FORMAT, id="19-chars"),
        pytest.param("1101051949123100X2", IdProblem.FORMAT, id="x-not-last"),
        pytest.param("11010519491231002Y", IdProblem.FORMAT, id="bad-check-letter"),
        pytest.param("11010549123100X", IdProblem.FORMAT, id="legacy-with-x"),
        pytest.param("11010-519491231002X", IdProblem.FORMAT, id="hyphen"),
        pytest.param("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", IdProblem.FORMAT, id="arabic-indic-digits"),
        pytest.param("110105490230002", IdProblem.BIRTH_DATE, id="legacy-feb-30"),
        pytest.param("110105000229002", IdProblem.BIRTH_DATE, id="legacy-1900-not-leap"),
        pytest.param("110105194900001234", IdProblem.BIRTH_DATE, id="month-zero"),
    ],
)
def test_citizen_id_rejected(value: str, problem: IdProblem) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id(value, today=TODAY)
    assert info.value.problem is problem


def _with_check(first17: str) -> str:
    return first17 + citizen_id_check_char(first17)


def test_citizen_id_birth_date_bounds() -> None:
    # Born today is fine; tomorrow is in the future.
    assert parse_citizen_id(_with_check("11010520250630001"), today=TODAY).is_male
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id(_with_check("11010520250701001"), today=TODAY)
    assert info.value.problem is IdProblem.BIRTH_DATE
    # 1850-01-01 is the earliest accepted birth date.
    assert parse_citizen_id(_with_check("11010518500101002"), today=TODAY).birth_date == date(
        1850, 1, 1
    )
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id(_with_check("11010518491231002"), today=TODAY)
    assert info.value.problem is IdProblem.BIRTH_DATE


def test_citizen_id_today_defaults_to_current_date() -> None:
    far_future = _with_check("11010530000101001")
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id(far_future)
    assert info.value.problem is IdProblem.BIRTH_DATE
    assert parse_citizen_id("11010519491231002X").birth_date == date(1949, 12, 31)


def test_citizen_id_messages() -> None:
    cases = {
        "12345": "公民身份号码格式不正确，应为18位（或15位旧号码）",
        "110105194912310021": "公民身份号码校验位不正确",
        "360426199113010079": "公民身份号码中的出生日期无效",
    }
    for value, message in cases.items():
        with pytest.raises(InvalidIdentifier) as info:
            parse_citizen_id(value, today=TODAY)
        assert info.value.message == message
        assert str(info.value) == message


def test_citizen_id_override_forgives_check_char_only() -> None:
    parsed = parse_citizen_id("110105194912310021", override_checksum=True, today=TODAY)
    # The number is kept exactly as issued, wrong check character included.
    assert parsed.number == "110105194912310021"
    assert parsed.birth_date == date(1949, 12, 31)

    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id("360426199113010079", override_checksum=True, today=TODAY)
    assert info.value.problem is IdProblem.BIRTH_DATE
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id("1101051949123100", override_checksum=True, today=TODAY)
    assert info.value.problem is IdProblem.FORMAT
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id("11010519491231002Y", override_checksum=True, today=TODAY)
    assert info.value.problem is IdProblem.FORMAT


def test_citizen_id_check_char_wrapper() -> None:
    assert citizen_id_check_char("11010519491231002") == "X"
    assert citizen_id_check_char("44052418800101001") == "4"
    with pytest.raises(ValueError, match="17"):
        citizen_id_check_char("1101051949123100")
    with pytest.raises(ValueError, match="17"):
        citizen_id_check_char("1101051949123100A")


# --- citizen ID properties --------------------------------------------------

regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
sequences = st.text(alphabet="0123456789", min_size=3, max_size=3)
birth_dates = st.dates(min_value=date(1850, 1, 1), max_value=TODAY)


@given(region=regions, born=birth_dates, sequence=sequences)
def test_generated_citizen_id_round_trips(region: str, born: date, sequence: str) -> None:
    first17 = region + born.strftime("%Y%m%d") + sequence
    number = first17 + citizen_id_check_char(first17)
    parsed = parse_citizen_id(number, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == born
    assert parsed.region_code == region
    assert parsed.is_male is (int(sequence) % 2 == 1)
    assert parsed.was_legacy is False


@given(region=regions, born=birth_dates, sequence=sequences, data=st.data())
def test_changed_citizen_check_char_is_rejected(
    region: str, born: date, sequence: str, data: st.DataObject
) -> None:
    first17 = region + born.strftime("%Y%m%d") + sequence
    correct = citizen_id_check_char(first17)
    wrong = data.draw(st.sampled_from([c for c in "0123456789X" if c != correct]))
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id(first17 + wrong, today=TODAY)
    assert info.value.problem is IdProblem.CHECK_CHAR
    assert parse_citizen_id(first17 + wrong, override_checksum=True, today=TODAY).number == (
        first17 + wrong
    )


@given(
    region=regions,
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    sequence=sequences,
)
def test_legacy_conversion_keeps_birth_date_and_sex(region: str, born: date, sequence: str) -> None:
    legacy = region + born.strftime("%y%m%d") + sequence
    parsed = parse_citizen_id(legacy, today=TODAY)
    assert parsed.was_legacy is True
    assert parsed.birth_date == born
    assert parsed.is_male is (int(sequence) % 2 == 1)
    assert parsed.number[:17] == region + born.strftime("%Y%m%d") + sequence
    # The upgraded number is itself a valid 18-character number.
    again = parse_citizen_id(parsed.number, today=TODAY)
    assert (again.birth_date, again.is_male, again.was_legacy) == (born, parsed.is_male, False)


# --- credit code ------------------------------------------------------------


def test_credit_code_fields() -> None:
    assert parse_credit_code("91350100M000100Y43") == CreditCode(
        code="91350100M000100Y43",
        region_code="350100",
        registration_authority="9",
        organisation_kind="1",
    )


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("91110000600037341l", id="lower-case"),
        pytest.param("9111 0000 6000 3734 1L", id="spaces"),
        pytest.param("９１１１００００６０００３７３４１Ｌ", id="full-width"),
        pytest.param("９１１１００００６０００３７３４１ｌ", id="full-width-lower"),
    ],
)
def test_credit_code_normalisation(value: str) -> None:
    assert parse_credit_code(value).code == "91110000600037341L"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("91110000600037341", id="17-chars"),
        pytest.param("91110000600037341LL", id="19-chars"),
        pytest.param("91110000600037I41L", id="letter-I"),
        pytest.param("91110000600037O41L", id="letter-O"),
        pytest.param("91110000600037S41L", id="letter-S"),
        pytest.param("91110000600037V41L", id="letter-V"),
        pytest.param("9111-0000600037341L", id="hyphen"),
    ],
)
def test_credit_code_format_rejected(value: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code(value, override_checksum=True)
    assert info.value.problem is IdProblem.FORMAT
    assert info.value.message == (
        "统一社会信用代码格式不正确，应为18位数字或大写字母（不含I、O、Z、S、V）"
    )


def test_credit_code_override_forgives_check_char_only() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code("91110000600037341N")
    assert info.value.message == "统一社会信用代码校验位不正确"
    assert parse_credit_code("91110000600037341N", override_checksum=True).code == (
        "91110000600037341N"
    )
    # A check character outside the code set is a format error, not a checksum one.
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code("91350100M000100Y4Z", override_checksum=True)
    assert info.value.problem is IdProblem.FORMAT
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code("12345", override_checksum=True)
    assert info.value.problem is IdProblem.FORMAT


def test_credit_code_check_char_wrapper() -> None:
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert credit_code_check_char("9144030071526726X") == "G"
    with pytest.raises(ValueError, match="17"):
        credit_code_check_char("91350100M000100Y")
    with pytest.raises(ValueError, match="17"):
        credit_code_check_char("91350100M000100Z4")


credit_bodies = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17)


@given(body=credit_bodies, data=st.data())
def test_generated_credit_code_round_trips(body: str, data: st.DataObject) -> None:
    correct = credit_code_check_char(body)
    parsed = parse_credit_code(body + correct)
    assert parsed.code == body + correct
    assert parsed.region_code == body[2:8]
    wrong = data.draw(st.sampled_from([c for c in CREDIT_CODE_ALPHABET if c != correct]))
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code(body + wrong)
    assert info.value.problem is IdProblem.CHECK_CHAR


# --- exception --------------------------------------------------------------


def test_invalid_identifier_is_value_error_and_pickles() -> None:
    error = InvalidIdentifier(IdProblem.CHECK_CHAR, "统一社会信用代码校验位不正确")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.problem, copy.message) == (error.problem, error.message)
    assert str(IdProblem.BIRTH_DATE) == "birth_date"


# --- masking ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("610105199001011234", "6101**********1234"),
        ("6101 0519 9001 0112 34", "6101**********1234"),
        ("11010519491231002x", "1101**********002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "1101**********002X"),
        ("110105491231002", "1101*******1002"),
        ("91110000600037341L", "9111**********341L"),
        ("123456789", "1234*6789"),
        ("12345678", "1******8"),
        ("abc", "A*C"),
        ("ab", "**"),
        ("a", "*"),
        ("", ""),
    ],
)
def test_mask_identifier(value: str, expected: str) -> None:
    assert mask_identifier(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("+8613812345678", "+86 138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("008613812345678", "0086 138****5678"),
        ("010-12345678", "010****5678"),
        ("12345", "***45"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_phone(value: str, expected: str) -> None:
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳修", "欧阳*"),
        ("司马相如", "司马**"),
        ("欧阳", "欧*"),
        (" 李四 ", "李*"),
        ("买买提·艾力", "买*****"),
        ("王", "*"),
        ("", ""),
    ],
)
def test_mask_name(value: str, expected: str) -> None:
    assert mask_name(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002x", "002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "002X"),
        ("9111 0000 6000 3734 1l", "341L"),
        ("12", "12"),
        ("", ""),
    ],
)
def test_last4(value: str, expected: str) -> None:
    assert last4(value) == expected
