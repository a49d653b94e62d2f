"""冲/稳/保: how a candidate's 位次 compares with a line's last published cutoff 位次.

With the candidate's 位次 ``r`` and the cutoff's 位次 ``c`` (smaller is better) and the exam's
margins in percent (``exam.advice_margins``, defaults ``DEFAULT_MARGINS``):

- 冲 (reach): r > c — ranked behind the last admitted candidate; "差距较大" past c × (1 + rush %);
- 稳 (match): c × (1 − safe %) < r ≤ c — ahead of the cutoff, by less than the safe margin;
- 保 (safety): r ≤ c × (1 − safe %).

A cutoff is only a guide: seats and the field change every round and year; the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from admissions.extensions import db
from admissions.services import audit

DEFAULT_MARGINS = {"rush": 10, "safe": 10}
TONES = {"冲": "red", "稳": "blue", "保": "green"}


@dataclass(frozen=True)
class Advice:
    """The label (冲/稳/保), its tag tone and a short explanation."""

    label: str
    tone: str
    text: str


def margins(exam: Any) -> dict[str, Decimal]:
    """The exam's margins in percent, each falling back to its default; bad values ignored."""
    stored = getattr(exam, "advice_margins", None) or {}
    out = {}
    for key, default in DEFAULT_MARGINS.items():
        try:
            value = Decimal(str(stored.get(key, default)))
        except (ArithmeticError, ValueError):
            value = Decimal(default)
        out[key] = value if 0 <= value <= 100 else Decimal(default)
    return out


def advise(rank: int | None, cutoff_rank: int | None, exam: Any) -> Advice | None:
    """冲/稳/保 for a candidate of 位次 ``rank`` against a cutoff of 位次 ``cutoff_rank``."""
    if not rank or not cutoff_rank:
        return None
    m = margins(exam)
    r, c = Decimal(rank), Decimal(cutoff_rank)
    if r > c:
        far = r > c * (1 + m["rush"] / 100)
        return Advice("冲", TONES["冲"], "位次低于该线，差距较大" if far else "位次略低于该线")
    if r > c * (1 - m["safe"] / 100):
        return Advice("稳", TONES["稳"], "位次略高于该线")
    return Advice("保", TONES["保"], "位次明显高于该线")


class MarginError(ValueError):
    """A margin the settings refuse (Chinese message); ``field`` names the input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


MARGIN_NAMES = {"rush": "“冲”的差距较大界限", "safe": "“保”的领先幅度"}


def parse_margins(texts: dict[str, str]) -> dict[str, int]:
    """Whole percentages 0..50 from what was typed; ``MarginError`` naming the bad one."""
    out = {}
    for key, label in MARGIN_NAMES.items():
        text = (texts.get(key) or "").strip()
        if not text.isdigit() or not 0 <= int(text) <= 50:
            raise MarginError(f"{label}应为 0 到 50 之间的整数（百分比），当前为“{text[:10]}”", key)
        out[key] = int(text)
    return out


def set_margins(actor: Any, exam: Any, values: dict[str, int]) -> None:
    """Store the exam's margins (flush only, audited)."""
    before = {k: str(v) for k, v in margins(exam).items()}
    exam.advice_margins = dict(values)
    db.session.flush()
    audit.record(actor, "exam.advice_margins", exam, before=before, after=dict(values))
