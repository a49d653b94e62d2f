"""The 志愿确认单 (a submitted preference list) as a printable PDF: the list, the submission,
its time and the verification code that the public check page (/verify) confirms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from admissions.files.columns import ExportColumn
from admissions.files.pdf import PdfFont

BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")
COLUMNS = (
    ExportColumn("position", "志愿序号", numeric=True),
    ExportColumn("institution", "院校"),
    ExportColumn("choice", "专业 / 专业组"),
)


@dataclass(frozen=True)
class SlipChoice:
    """One line of the list."""

    position: int
    institution: str
    choice: str


@dataclass(frozen=True)
class SlipData:
    """Everything the slip prints."""

    exam_name: str
    candidate_name: str
    candidate_no: str
    round_name: str
    submission: int
    submitted_at: dt.datetime | None
    verification_code: str
    choices: tuple[SlipChoice, ...]
    verify_url: str = ""


def _time(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S（北京时间）")


def preference_slip_pdf(slip: SlipData, *, font: PdfFont | None = None) -> bytes:
    """The slip as a PDF (embedded CJK font)."""
    from admissions.files.pdf_table import to_pdf_table  # reportlab only when a slip is drawn

    rows = [
        {"position": c.position, "institution": c.institution, "choice": c.choice}
        for c in slip.choices
    ]
    return to_pdf_table(
        f"{slip.exam_name} 志愿确认单",
        rows,
        COLUMNS,
        subtitle=(
            f"考生：{slip.candidate_name}（考生号 {slip.candidate_no}） · {slip.round_name} · "
            f"第 {slip.submission} 次提交 · 提交时间 {_time(slip.submitted_at)}"
        ),
        footer=f"验证码 {slip.verification_code}，可在 {slip.verify_url or '/verify'} 查验。"
        "以本轮截止前最后一次提交的志愿为准。",
        totals=[f"共 {len(rows)} 个志愿", f"验证码：{slip.verification_code}"],
        font=font,
    )
