"""Activation codes (激活码): candidates the board imported (no online registration, so no login)
get a random single-use code, and with 考生号 + 身份证号 + code choose their own password.

Only a SHA-256 hash of each code is stored; the code itself exists once, in the file the board
downloads when issuing. Issuing again for a candidate revokes their earlier unused code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from admissions import idcard
from admissions.extensions import db
from admissions.models import Account, ActivationCode, Candidate, Exam, Role, utcnow
from admissions.services import accounts, audit
from admissions.services.auth import passwords

# No 0/O, 1/I/L: the code is read from paper and typed on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12 ≈ 2^59 guesses; throttled per address and per 考生号
VALID_DAYS = 30
WRONG_DATA = "考生号、身份证号或激活码不正确，或激活码已失效。请核对后重试；如仍无法激活，请联系报名点或考试院重新领取激活码。"


class ActivationError(ValueError):
    """An activation refused; ``field`` is the form field to blame (``None``: the data as a whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class IssuedCode:
    """One line of the codes file: ``candidate_no,name,school,code,expires``."""

    candidate_no: str
    name: str
    school: str
    code: str
    expires: datetime

    def row(self) -> dict[str, object]:
        """The row as the CSV and PDF writers take it (expiry as a Beijing date)."""
        day = self.expires.astimezone(timezone(timedelta(hours=8))).date().isoformat()
        return {"candidate_no": self.candidate_no, "name": self.name, "school": self.school,
                "code": self.code, "expires": day}  # fmt: skip


def new_code() -> str:
    """``K7QD-2MZX-PA4R``: 12 random characters in groups of four."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise(code: str) -> str:
    """What a person typed, as stored: upper case, without spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    """The stored form of a code."""
    return hashlib.sha256(normalise(code).encode("ascii", "ignore")).hexdigest()


def _without_login(exam: Exam):
    has_login = select(Account.id).where(Account.candidate_id == Candidate.id).exists()
    return select(Candidate).where(Candidate.exam_id == exam.id, ~has_login)


def eligible(exam: Exam, category: str | None = None, school: str | None = None) -> list[Candidate]:
    """Candidates of the exam without a login, optionally of one category or one school."""
    query = _without_login(exam)
    if category:
        query = query.where(Candidate.category_code == category)
    if school:
        query = query.where(Candidate.school == school)
    return list(db.session.scalars(query.order_by(Candidate.school, Candidate.candidate_no)))


def schools(exam: Exam) -> list[tuple[str, int]]:
    """(school, candidates without a login) of the exam, by school name."""
    counts: dict[str, int] = {}
    for candidate in eligible(exam):
        counts[candidate.school] = counts.get(candidate.school, 0) + 1
    return sorted(counts.items())


def issue_codes(
    actor: Account | None, exam: Exam, *, category: str | None = None,
    school: str | None = None, now: datetime | None = None, days: int = VALID_DAYS,
) -> list[IssuedCode]:  # fmt: skip
    """A new code for every chosen candidate without a login (flush only, audited once);
    their earlier unused codes stop working."""
    if category and category not in {c.code for c in exam.categories}:
        raise ActivationError(f"本考试没有专业类别“{category}”")
    chosen = eligible(exam, category, school)
    issued = _issue(actor, chosen, now or utcnow(), days)
    audit.record(
        actor, "activation.issue", exam,
        after={"count": len(issued), "category": category or "", "school": school or ""},
    )  # fmt: skip
    return issued


def issue_code(actor: Account | None, candidate: Candidate, now: datetime | None = None) -> str:
    """A new code for one candidate without a login (the demo prints one); flush only."""
    (issued,) = _issue(actor, [candidate], now or utcnow(), VALID_DAYS)
    audit.record(actor, "activation.issue", candidate, after={"count": 1})
    return issued.code


def _issue(
    actor: Account | None, chosen: list[Candidate], now: datetime, days: int
) -> list[IssuedCode]:
    ids = [c.id for c in chosen]
    if ids:
        db.session.execute(
            update(ActivationCode)
            .where(ActivationCode.candidate_id.in_(ids), ActivationCode.used_at.is_(None),
                   ActivationCode.revoked_at.is_(None))
            .values(revoked_at=now)
        )  # fmt: skip
    expires = now + timedelta(days=days)
    issued = []
    for candidate in chosen:
        code = new_code()
        db.session.add(ActivationCode(
            candidate_id=candidate.id, code_hash=code_hash(code), expires_at=expires,
            created_at=now, created_by_id=actor.id if actor else None,
        ))  # fmt: skip
        issued.append(IssuedCode(candidate.candidate_no, candidate.name, candidate.school,
                                 code, expires))  # fmt: skip
    db.session.flush()
    return issued


def _live_code(candidate: Candidate, code: str, now: datetime) -> ActivationCode | None:
    wanted = code_hash(code)
    rows = db.session.scalars(
        select(ActivationCode).where(
            ActivationCode.candidate_id == candidate.id, ActivationCode.used_at.is_(None),
            ActivationCode.revoked_at.is_(None), ActivationCode.expires_at > now,
        )
    )  # fmt: skip
    return next((r for r in rows if hmac.compare_digest(r.code_hash, wanted)), None)


def activate(
    candidate_no: str, national_id: str, code: str, password: str, now: datetime | None = None
) -> Account:
    """Create the login of the candidate the three facts name, with ``password`` (flush only).

    Any wrong fact gives the same message (``WRONG_DATA``) and an audited failure; a password
    the policy refuses is said as such (field ``password``) and leaves the code unused."""
    now = now or utcnow()
    number = candidate_no.strip()
    found = db.session.scalars(
        select(Candidate).where(Candidate.candidate_no == number,
                                Candidate.national_id == idcard.normalize(national_id))
    ).all()  # fmt: skip
    for candidate in found:
        row = _live_code(candidate, code, now)
        if row is None or _has_login(candidate):
            continue
        problem = passwords.password_problem(password, _person(candidate))
        if problem:
            raise ActivationError(problem, field="password")
        row.used_at = now
        account = accounts.create_account(
            f"ks{candidate.id}", password, Role.STUDENT, candidate_id=candidate.id,
            display_name=candidate.name,
        )  # fmt: skip
        audit.record(account, "activation.done", candidate)
        return account
    audit.record(None, "activation.failure", None, after={"candidate_no": number[:20]})
    raise ActivationError(WRONG_DATA)


def _has_login(candidate: Candidate) -> bool:
    found = db.session.scalar(select(Account.id).where(Account.candidate_id == candidate.id))
    return found is not None


def _person(candidate: Candidate) -> passwords.Person:
    return passwords.Person(
        national_id=candidate.national_id, birth_date=candidate.birth_date,
        candidate_no=candidate.candidate_no, name=candidate.name,
    )  # fmt: skip
