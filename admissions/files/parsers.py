"""Cell parsers: each takes the stripped, non-blank text of a cell and returns its canonical text.

A parser raises `CellError` with a Chinese message when the text is not acceptable. Values stay
text (IDs keep leading zeros and the X); numbers are normalised ("085.50" → "85.5").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

Parser = Callable[[str], str]


class CellError(ValueError):
    """A cell whose text cannot be accepted; the message is shown to the user."""


def text(value: str) -> str:
    """Any text, kept as written (already stripped)."""
    return value


def _decimal(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(f"「{value}」不是数字") from None
    if not number.is_finite():
        raise CellError(f"「{value}」不是数字")
    return number


def _canonical(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def integer(minimum: int = 0) -> Parser:
    """A whole number >= minimum ("12", "12.0" accepted; "1.5" refused)."""

    def parse(value: str) -> str:
        number = _decimal(value)
        if number != number.to_integral_value():
            raise CellError(f"「{value}」不是整数")
        if number < minimum:
            raise CellError(f"「{value}」小于 {minimum}")
        return _canonical(number)

    return parse


_PLAIN = re.compile(r"(\d+)(?:\.(\d*))?")


def decimal(
    *, minimum: Decimal = Decimal(0), maximum: Decimal | None = None, places: int = 2
) -> Parser:
    """A number within [minimum, maximum] with at most `places` decimals."""
    plain_ok = minimum <= 0

    def parse(value: str) -> str:
        match = _PLAIN.fullmatch(value) if plain_ok else None
        if match:  # fast path for the common "85" / "85.5": no Decimal unless near the bounds
            whole, fraction = match.group(1).lstrip("0") or "0", (match.group(2) or "").rstrip("0")
            if len(fraction) <= places and (maximum is None or int(whole) < maximum):
                return f"{whole}.{fraction}" if fraction else whole
        number = _decimal(value)
        if number < minimum:
            raise CellError(f"「{value}」为负数" if minimum == 0 else f"「{value}」小于 {minimum}")
        if maximum is not None and number > maximum:
            raise CellError(f"「{value}」超过满分 {_canonical(maximum)}")
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise CellError(f"「{value}」小数位过多（最多 {places} 位）")
        return _canonical(number)

    return parse


_YES = {"y", "yes", "是", "true", "1"}
_NO = {"n", "no", "否", "false", "0"}


def yes_no(value: str) -> str:
    """Y/N, 是/否 (also yes/no, true/false, 1/0) → "Y" or "N"."""
    lowered = value.casefold()
    if lowered in _YES:
        return "Y"
    if lowered in _NO:
        return "N"
    raise CellError(f"「{value}」应为 Y/N 或 是/否")


_DECISIONS = {"admit": "admit", "录取": "admit", "reject": "reject", "退档": "reject"}


def decision(value: str) -> str:
    """admit/reject or 录取/退档 → "admit" or "reject"."""
    try:
        return _DECISIONS[value.casefold()]
    except KeyError:
        raise CellError(f"「{value}」应为 admit/reject 或 录取/退档") from None


def semicolon_list(value: str) -> str:
    """Items separated by ';' (or the full-width '；'); empty items refused; returns "a;b"."""
    items = [item.strip() for item in value.replace("；", ";").split(";")]
    if any(not item for item in items):
        raise CellError(f"「{value}」含空项（用 ; 分隔，不要多写分号）")
    return ";".join(items)


def grade(grades: Mapping[str, object]) -> Parser:
    """A grade letter from the component's table (case-insensitive) → the letter as in the table."""
    by_fold = {str(letter).casefold(): str(letter) for letter in grades}
    allowed = "/".join(str(letter) for letter in grades)

    def parse(value: str) -> str:
        try:
            return by_fold[value.casefold()]
        except KeyError:
            raise CellError(f"等级「{value}」不在等级表中（{allowed}）") from None

    return parse
