"""Screenshots of phone-sized pages: saved (to SCREENSHOT_DIR when set) and checked for no sideways scroll."""

from __future__ import annotations

import os
from pathlib import Path


def phone_shot(page, tmp_path: Path, name: str) -> None:
    """Save a full-page screenshot and fail if the page is wider than a 375-px phone."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
