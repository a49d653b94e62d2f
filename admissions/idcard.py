"""Chinese resident ID numbers (GB 11643-1999): validation, check character, parsing, masking.

Pure functions, no Flask: ``validate`` returns a message in Chinese or None.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII digits only (\d takes any script's)


@dataclass(frozen=True)
class IdInfo:
    """What an ID number says about its holder."""

    region: str
    birth_date: date
    gender: str  # "M" (odd sequence) or "F" (even)


def check_char(first17: str) -> str:
    """The check character for the first 17 digits: CHECK_CHARS[Σ digit × weight mod 11].

    The weights are 2^17 … 2^1 mod 11, and 13 ≡ 2 (mod 11), so the weighted sum is
    2 × (the digits read in base 13) mod 11: one int() in C instead of 17 products in Python
    (a tenth of the time of reading an import file of 100,000 candidates)."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("need exactly 17 digits")
    return CHECK_CHARS[2 * int(first17, 13) % 11]


def normalize(raw: str) -> str:
    """Full-width digits and Ｘ as ASCII (NFKC), spaces stripped, a trailing x upper-cased."""
    return unicodedata.normalize("NFKC", raw).strip().upper()


def _birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def validate(raw: str, today: date | None = None) -> str | None:
    """Return None when ``raw`` is a valid 18-character ID number, else a Chinese message."""
    number = normalize(raw)
    if len(number) != 18:
        return f"身份证号应为18位，当前为{len(number)}位"
    if not _SHAPE.match(number):
        return "身份证号前17位应为数字，最后一位为数字或X"
    if number[:2] in {"00", "10"} or number[:6] == "000000":
        return "身份证号的地区码无效"
    born = _birth_date(number)
    if born is None:
        return "身份证号中的出生日期无效"
    if born.year < 1800 or born > (today or date.today()):
        return "身份证号中的出生日期不在合理范围内"
    expected = check_char(number[:17])
    if number[17] != expected:
        return f"身份证号校验位错误（应为{expected}）"
    return None


def parse(raw: str) -> IdInfo:
    """Parse a valid ID number; raises ValueError with the Chinese message if invalid."""
    message = validate(raw)
    if message:
        raise ValueError(message)
    number = normalize(raw)
    born = _birth_date(number)
    assert born is not None
    return IdInfo(region=number[:6], birth_date=born, gender="M" if int(number[16]) % 2 else "F")


def make(region: str, born: date, sequence: int) -> str:
    """Build a valid ID number from its parts (used by the demo and tests)."""
    if not (len(region) == 6 and region.isdigit()) or not 0 <= sequence <= 999:
        raise ValueError("region must be 6 digits and sequence 0..999")
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def mask(raw: str) -> str:
    """Mask the birth date and sequence: ``370102********123X`` keeps region and last 4."""
    number = normalize(raw)
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
