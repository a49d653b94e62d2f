"""GB 11643 ID numbers: checksum, parsing, masking, and every kind of bad input."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admissions import idcard

# The worked examples printed in GB 11643-1999 itself.
STANDARD_EXAMPLES = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_standard_examples_are_valid(number):
    assert idcard.validate(number) is None


def test_check_char_of_standard_example():
    assert idcard.check_char("11010519491231002") == "X"
    assert idcard.check_char("44052418800101001") == "4"


def test_lower_case_x_and_spaces_are_accepted():
    assert idcard.validate(" 11010519491231002x ") is None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1101051949123100", "应为18位，当前为16位"),
        ("11010519491231002XX", "应为18位，当前为19位"),
        ("11010519491231A02X", "前17位应为数字"),
        ("110105194912310021", "校验位错误（应为X）"),
        ("110105194913310027", "出生日期无效"),
        ("110105194902300025", "出生日期无效"),
        ("000000200701010011", "地区码无效"),
    ],
)
def test_invalid_numbers_get_a_chinese_message(number, message):
    assert message in (idcard.validate(number) or "")


def test_future_birth_date_is_refused():
    number = idcard.make("370102", date(2030, 1, 1), 11)
    assert "不在合理范围" in (idcard.validate(number, today=date(2026, 1, 1)) or "")


def test_parse_reads_region_birth_date_and_gender():
    info = idcard.parse("11010519491231002X")
    assert info == idcard.IdInfo(region="110105", birth_date=date(1949, 12, 31), gender="F")
    assert idcard.parse("440524188001010014").gender == "M"


def test_parse_refuses_invalid_number_with_message():
    with pytest.raises(ValueError, match="校验位错误"):
        idcard.parse("110105194912310021")


def test_mask_keeps_region_and_last_four():
    assert idcard.mask("37010220070501123X") == "370102********123X"
    assert idcard.mask("123") == "***"


def test_make_refuses_bad_parts():
    with pytest.raises(ValueError):
        idcard.make("3701", date(2007, 1, 1), 1)
    with pytest.raises(ValueError):
        idcard.make("370102", date(2007, 1, 1), 1000)


regions = st.sampled_from(["370102", "370202", "110105", "440524", "500101"])
births = st.dates(min_value=date(1930, 1, 1), max_value=date(2012, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@given(regions, births, sequences)
def test_made_numbers_validate_and_parse_back(region, born, sequence):
    number = idcard.make(region, born, sequence)
    assert idcard.validate(number) is None
    info = idcard.parse(number)
    assert (info.region, info.birth_date) == (region, born)
    assert info.gender == ("M" if sequence % 2 else "F")


@given(regions, births, sequences, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_error_is_detected(region, born, sequence, position, delta):
    number = idcard.make(region, born, sequence)
    wrong_digit = str((int(number[position]) + delta) % 10)
    corrupted = number[:position] + wrong_digit + number[position + 1 :]
    assert idcard.validate(corrupted) is not None


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_is_the_standards_weighted_sum(first17):
    # GB 11643: Σ digit × weight (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2) mod 11
    total = sum(int(d) * w for d, w in zip(first17, idcard.WEIGHTS, strict=True))
    assert idcard.check_char(first17) == "10X98765432"[total % 11]


def test_digits_of_other_scripts_are_refused():
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "11010519491231002") + "X"
    assert "前17位应为数字" in (idcard.validate(arabic_indic) or "")
    with pytest.raises(ValueError):
        idcard.check_char(arabic_indic[:17])
    with pytest.raises(ValueError):
        idcard.check_char("1101051949123100a")  # a digit in base 13, not in an ID number
