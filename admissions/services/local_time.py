"""Times typed by board staff: entered and shown in Beijing time, stored as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


class TimeInputError(ValueError):
    """A time field that cannot be read (message in Chinese)."""


def parse_local(text: str | None, label: str) -> datetime | None:
    """``YYYY-MM-DD HH:MM`` in Beijing time → aware UTC; blank → None."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in _FORMATS:
        try:
            local = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return local.replace(tzinfo=SHANGHAI).astimezone(UTC)
    raise TimeInputError(
        f"{label}“{text}”无法识别：请按 年-月-日 时:分 填写，例如 2026-07-01 09:00"
    )


def to_local_input(value: datetime | None) -> str:
    """An aware UTC time as the value of a ``datetime-local`` input, in Beijing time."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M") if value else ""


def show_local(value: datetime | None) -> str:
    """An aware time as Beijing time for a page or a message; ``未设置`` when None."""
    if value is None:
        return "未设置"
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") + "（北京时间）"


def local_text(value: datetime, seconds: bool = False) -> str:
    """An aware time as Beijing time without the suffix, for tables and files whose header
    says so: ``2026-07-01 09:00`` (``…:05`` with ``seconds``)."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
