"""The one password policy: registration, password changes, resets, staff accounts, activation.

Call ``check_password(password, person)`` with what is known about the person
(``person_of(account)`` or ``Person(national_id=..., candidate_no=...)``); it returns the password
or raises ``PasswordPolicyError`` with a Chinese message that says how to choose a better one.
Guessability is judged by zxcvbn (dictionaries of common passwords, words and names, keyboard
patterns, sequences, repeats and dates), with the person's identifiers and a short list of
passwords common in China added to its dictionaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from admissions.models import Account

MIN_LENGTH = 8
MAX_LENGTH = 200
# zxcvbn's score: 0 and 1 fall to fewer than a million guesses; 2 and above resist throttled
# online guessing (the login is throttled per account and address).
MIN_SCORE = 2
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters decide
# Passwords common in China that zxcvbn's English-centred lists rank too low (pinyin, 520/1314).
COMMON_IN_CHINA = (
    "woaini", "woaini1314", "woaini520", "5201314", "1314520", "woaiwojia", "qq123456",
    "a123456", "a1234567", "a12345678", "123456a", "aa123456", "abc123456", "123qwe",
    "1qaz2wsx", "qwe123", "zxcvbnm", "zhang", "wang", "li", "liu", "chen", "yang", "huang",
    "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "gao", "lin", "luo",
    "zhongguo", "beijing", "shanghai", "gaokao", "zhijiao", "nihao", "iloveyou", "admin",
    "password", "mima", "123456789a", "88888888", "66666666", "11223344", "147258369",
)  # fmt: skip

WEAK_MESSAGE = (
    "密码太容易被猜到（例如 12345678、aaaaaaaa、woaini1314、常见单词、键盘顺序或日期）。"
    "请换一个更长、更不规则的密码，例如几个不相关的词或拼音夹杂数字和符号。"
)


class PasswordPolicyError(ValueError):
    """A password the policy refuses; the message (Chinese) says how to choose another."""


@dataclass(frozen=True)
class Person:
    """What the policy knows about the password's owner; any field may be empty."""

    national_id: str = ""
    birth_date: date | None = None
    candidate_no: str = ""
    username: str = ""
    name: str = ""


def person_of(account: Account) -> Person:
    """The identifiers of an account's owner (a student's ID number, birth date and 考生号)."""
    candidate = account.candidate
    return Person(
        national_id=candidate.national_id if candidate else "",
        birth_date=candidate.birth_date if candidate else None,
        candidate_no=candidate.candidate_no if candidate else "",
        username=account.username,
        name=account.display_name,
    )


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _date_forms(born: date) -> tuple[str, ...]:
    y, m, d = f"{born.year:04d}", f"{born.month:02d}", f"{born.day:02d}"
    return (y + m + d, y[2:] + m + d, m + d + y, d + m + y)


def _identifier_problem(password: str, person: Person) -> str | None:
    compact = _compact(password)
    national_id = _compact(person.national_id)
    if national_id and (national_id in compact or national_id[-6:] in compact):
        return "密码不能包含身份证号或身份证号的后六位，请换一个别人猜不到的密码"
    born = person.birth_date
    if born is not None and any(form in compact for form in _date_forms(born)):
        return "密码不能包含出生日期，请换一个别人猜不到的密码"
    candidate_no = _compact(person.candidate_no)
    if candidate_no and candidate_no in compact:
        return "密码不能包含考生号，请换一个别人猜不到的密码"
    username = _compact(person.username)
    if len(username) >= 3 and username in compact:
        return "密码不能包含用户名，请换一个别人猜不到的密码"
    return None


def password_problem(password: str, person: Person | None = None) -> str | None:
    """Why ``password`` is refused (a Chinese message), or None when the policy accepts it."""
    person = person or Person()
    if len(password) < MIN_LENGTH:
        return f"密码至少需要{MIN_LENGTH}个字符"
    if len(password) > MAX_LENGTH:
        return f"密码最多{MAX_LENGTH}个字符"
    problem = _identifier_problem(password, person)
    if problem:
        return problem
    own = [person.national_id, person.candidate_no, person.username, person.name]
    if person.birth_date is not None:
        own += list(_date_forms(person.birth_date))
    inputs = [value for value in own if value] + list(COMMON_IN_CHINA)
    from zxcvbn import zxcvbn  # its dictionaries load when a password is judged, not at start-up

    if zxcvbn(password[:_ZXCVBN_MAX], user_inputs=inputs)["score"] < MIN_SCORE:
        return WEAK_MESSAGE
    return None


def check_password(password: str, person: Person | None = None) -> str:
    """The password if the policy accepts it; else ``PasswordPolicyError``."""
    problem = password_problem(password, person)
    if problem:
        raise PasswordPolicyError(problem)
    return password
