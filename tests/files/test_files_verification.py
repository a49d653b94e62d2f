"""Verification codes: bound to one admission, readable, and checked the way people type them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admissions.files.verification import check_verification_code, normalise_code, verification_code

ARGS = ("SD2026CK", "26370000000001", "BK/10422/080901")
SHAPE = re.compile(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}")


def test_code_shape_and_determinism() -> None:
    code = verification_code("secret", *ARGS)
    assert SHAPE.fullmatch(code)
    assert code == verification_code(b"secret", *ARGS)


@pytest.mark.parametrize(
    "other",
    [
        ("other-secret", *ARGS),
        ("secret", "SD2027CK", *ARGS[1:]),
        ("secret", ARGS[0], "26370000000002", ARGS[2]),
        ("secret", *ARGS[:2], "BK/10422/080902"),
        # no ambiguity from joining the parts
        ("secret", "SD2026CK2", "6370000000001", ARGS[2]),
    ],
)
def test_any_change_gives_another_code(other: tuple[str, str, str, str]) -> None:
    assert verification_code(*other) != verification_code("secret", *ARGS)


def test_check_accepts_what_people_type() -> None:
    code = verification_code("secret", *ARGS)
    typed = code.lower().replace("-", " ")
    assert check_verification_code(typed, "secret", *ARGS)
    assert check_verification_code(code.replace("O", "0").replace("I", "1"), "secret", *ARGS)


def test_check_refuses_wrong_codes() -> None:
    code = verification_code("secret", *ARGS)
    assert not check_verification_code(code, "another", *ARGS)
    assert not check_verification_code(code[:-1], "secret", *ARGS)
    assert not check_verification_code("", "secret", *ARGS)


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        verification_code("", *ARGS)


@given(st.text(min_size=1), st.text(), st.text(), st.text())
def test_every_code_checks_and_is_already_normal(
    secret: str, exam: str, number: str, line: str
) -> None:
    code = verification_code(secret, exam, number, line)
    assert SHAPE.fullmatch(code)
    assert normalise_code(code) == code
    assert check_verification_code(code, secret, exam, number, line)
