"""Confirmation pages of mass or irreversible actions: the first POST shows what will happen,
with counts, and changes nothing; the confirming POST (``confirm=yes``) acts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import render_template, request


def confirmed() -> bool:
    """The POST came from a confirmation page (its hidden ``confirm=yes``)."""
    return request.form.get("confirm") == "yes"


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page says and where its button posts."""

    title: str
    consequences: Sequence[str]
    action: str
    button: str
    back: str
    crumbs: Sequence[tuple[str, str | None]] = ()
    facts: Sequence[tuple[str, Any]] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "danger"


def confirmation_page(confirmation: Confirmation, exam: Any = None):
    """The page (200): heading, consequences, the confirming form and a way back."""
    return render_template("confirm.html", c=confirmation, exam=exam), 200
