"""Cell parsers: each takes the stripped, non-blank text of a cell and returns its canonical text.

A parser raises `CellError` with a Chinese message when the text is not acceptable. Values stay
text (IDs keep leading zeros and the X); numbers are normalised ("085.50" → "85.5"). Codes, ID
numbers and numbers are read after NFKC normalisation, so full-width digits and letters typed with
a Chinese input method (`３７０１…Ｘ`) read as the ASCII ones; names and free text are kept as typed.
Numbers must fit the column they fill: whole numbers a 32-bit integer, decimals NUMERIC(12,4).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

Parser = Callable[[str], str]


class CellError(ValueError):
    """A cell whose text cannot be accepted; the message is shown to the user."""


MAX_INTEGER = 2**31 - 1  # INTEGER on PostgreSQL
MAX_DECIMAL = Decimal("99999999.9999")  # NUMERIC(12,4), the scores' column type
_MAX_NUMBER_CHARS = 40


def shown(value: str, limit: int = 30) -> str:
    """A cell's text quoted in a message, shortened when long."""
    return f"「{value}」" if len(value) <= limit else f"「{value[:limit]}…」"


def text(value: str) -> str:
    """Any text, kept as written (already stripped)."""
    return value


def code(value: str) -> str:
    """A code (考生号, 院校代码, 批次…): full-width characters read as ASCII (NFKC)."""
    if value.isascii():
        return value
    return unicodedata.normalize("NFKC", value).strip()


def national_id(value: str) -> str:
    """An ID number: NFKC (full-width digits and Ｘ), spaces removed, a trailing x upper-cased."""
    return "".join(code(value).split()).upper()


def _decimal(value: str) -> Decimal:
    if len(value) > _MAX_NUMBER_CHARS:
        raise CellError(f"{shown(value)}不是有效的数字（位数过多）")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(f"{shown(value)}不是数字") from None
    if not number.is_finite():
        raise CellError(f"{shown(value)}不是数字")
    return number


def _too_large(value: str, maximum: object) -> CellError:
    return CellError(f"{shown(value)}超出可以保存的范围（最大 {maximum}）")


def _canonical(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def integer(minimum: int = 0, maximum: int = MAX_INTEGER) -> Parser:
    """A whole number in minimum..maximum ("12", "12.0" accepted; "1.5" refused)."""

    def parse(value: str) -> str:
        value = code(value)
        number = _decimal(value)
        if number > maximum:
            raise _too_large(value, maximum)
        if number != number.to_integral_value():
            raise CellError(f"{shown(value)}不是整数")
        if number < minimum:
            raise CellError(f"{shown(value)}小于 {minimum}")
        return _canonical(number)

    return parse


_PLAIN = re.compile(r"(\d+)(?:\.(\d*))?")


def decimal(
    *, minimum: Decimal = Decimal(0), maximum: Decimal | None = None, places: int = 2
) -> Parser:
    """A number within [minimum, maximum] with at most `places` decimals (and never beyond what
    NUMERIC(12,4) holds)."""
    plain_ok = minimum <= 0
    stored = MAX_DECIMAL.quantize(Decimal(1).scaleb(-min(places, 4)), rounding="ROUND_DOWN")

    def parse(value: str) -> str:
        value = code(value)
        match = _PLAIN.fullmatch(value) if plain_ok and len(value) <= _MAX_NUMBER_CHARS else None
        if match:  # fast path for the common "85" / "85.5": no Decimal unless near the bounds
            whole, fraction = match.group(1).lstrip("0") or "0", (match.group(2) or "").rstrip("0")
            if (
                len(fraction) <= places
                and len(whole) <= 8
                and (maximum is None or int(whole) < maximum)
            ):
                return f"{whole}.{fraction}" if fraction else whole
        number = _decimal(value)
        if number < minimum:
            raise CellError(
                f"{shown(value)}为负数" if minimum == 0 else f"{shown(value)}小于 {minimum}"
            )
        if maximum is not None and number > maximum:
            raise CellError(f"{shown(value)}超过满分 {_canonical(maximum)}")
        if number > stored:
            raise _too_large(value, _canonical(stored))
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise CellError(f"{shown(value)}小数位过多（最多 {places} 位）")
        return _canonical(number)

    return parse


_YES = {"y", "yes", "是", "true", "1"}
_NO = {"n", "no", "否", "false", "0"}


def yes_no(value: str) -> str:
    """Y/N, 是/否 (also yes/no, true/false, 1/0) → "Y" or "N"."""
    lowered = code(value).casefold()
    if lowered in _YES:
        return "Y"
    if lowered in _NO:
        return "N"
    raise CellError(f"{shown(value)}应为 Y/N 或 是/否")


_DECISIONS = {"admit": "admit", "录取": "admit", "reject": "reject", "退档": "reject"}


def decision(value: str) -> str:
    """admit/reject or 录取/退档 → "admit" or "reject"."""
    try:
        return _DECISIONS[code(value).casefold()]
    except KeyError:
        raise CellError(f"{shown(value)}应为 admit/reject 或 录取/退档") from None


def semicolon_list(value: str) -> str:
    """Items separated by ';' (or the full-width '；'); empty items refused; returns "a;b"."""
    items = [item.strip() for item in value.replace("；", ";").split(";")]
    if any(not item for item in items):
        raise CellError(f"{shown(value)}含空项（用 ; 分隔，不要多写分号）")
    return ";".join(items)


def code_list(value: str) -> str:
    """Codes separated by ';' (see `semicolon_list`), each read as a `code`; none twice."""
    items = semicolon_list(code(value)).split(";")
    twice = sorted({item for item in items if items.count(item) > 1})
    if twice:
        raise CellError(f"{'、'.join(twice)} 重复填写（每项只能出现一次）")
    return ";".join(items)


def grade(grades: Mapping[str, object]) -> Parser:
    """A grade letter from the component's table (case-insensitive) → the letter as in the table."""
    by_fold = {str(letter).casefold(): str(letter) for letter in grades}
    allowed = "/".join(str(letter) for letter in grades)

    def parse(value: str) -> str:
        try:
            return by_fold[code(value).casefold()]
        except KeyError:
            raise CellError(f"等级{shown(value)}不在等级表中（{allowed}）") from None

    return parse
