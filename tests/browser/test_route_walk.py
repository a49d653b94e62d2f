"""Every GET page of every role, at 375 px and at 1280 px, on a seeded season.

Routes come from ``app.url_map``; ids from the seeded season (``route_walk.seed_season``). A
route that is neither visited nor listed in ``SKIPPED`` with a reason fails the test. On every
HTML page: the expected status, no horizontal overflow of the page, a plain-text ``<title>``, no
category, batch or component code shown without its Chinese name, and no serious or critical
violation found by axe-core (``vendor/axe.min.js``, axe-core 4.14.1 from the npm registry, run
through the DevTools protocol so the page's CSP stays as served). Files, JSON and the API are
fetched with the same login and checked for their status and type.

Screenshots of each role's main pages are written to ``SCREENSHOT_DIR`` (default
``screenshots/route-walk/``, ignored by git).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from admissions.config import REPO_ROOT
from admissions.models import Account, Exam, Role
from admissions.services.universities.tokens import create_token
from tests.browser.route_walk import seed_season

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = (375, 1280)
SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or REPO_ROOT / "screenshots" / "route-walk")

#: Routes not visited, each with its reason.
SKIPPED = {
    "auth.logout": "POST only",
}

#: Routes answered with a file or JSON rather than a page: the content type expected.
FILES = {
    "static": "text/css",
    "public.favicon": "image/",
    "public.healthz": "application/json",
    "public.readyz": "application/json",
    "api.openapi": "application/json",
    "api.dispatches": "application/json",
    "api.plan_lines": "application/json",
    "board.audit_csv": "text/csv",
    "board.exam_ranktable_download": "text/csv",
    "board.import_errors": "text/csv",
    "board.plans_download": "text/csv",
    "board.job_status": "application/json",
    "student.admission_letter": "application/pdf",
    "student.registration_slip": "application/pdf",
    "student.preference_slip": "application/pdf",
    "university.letter": "application/pdf",
    "university.download_admissions": "text/csv",
    "university.job_letters": "application/pdf",
    "university.job_status_university": "application/json",
}

#: Pages whose expected status is not 200 on the seeded season, with the reason.
STATUS: dict[str, tuple[int, str]] = {}

#: The main pages of each role, photographed at both widths.
MAIN_PAGES = {
    "public.index", "auth.login", "public.verify",
    "admin.home", "admin.accounts", "admin.institutions",
    "board.home", "board.exam_detail", "board.exam_scores", "board.control_lines",
    "board.setup_rounds", "board.round_page", "board.import_preview",
    "university.home", "university.review", "university.dispatch_detail", "university.exports",
    "student.home", "student.scores", "student.preference_editor", "student.results",
}  # fmt: skip

# Visible text, leaving out what shows a file or a formula as typed (the rules file, code).
VISIBLE_TEXT = """() => {
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA", "PRE", "CODE", "TEMPLATE"]);
  const out = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { out.push(node.textContent); return; }
    if (node.nodeType !== Node.ELEMENT_NODE || skip.has(node.tagName)) return;
    if (node.hidden || getComputedStyle(node).display === "none") return;
    for (const child of node.childNodes) walk(child);
    if (getComputedStyle(node).display !== "inline") out.push("\\n");
  };
  walk(document.body);
  return out.join("");
}"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


def role_of(rule: str) -> str:
    """The role that visits a URL rule: by its first path segment."""
    first = rule.strip("/").split("/")[0]
    return {"admin": "admin", "board": "board", "university": "university",
            "student": "student", "account": "board", "api": "api"}.get(first, "public")  # fmt: skip


def walk_plan(app, season) -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """Role → [(endpoint, URL)] for every GET route, and the routes nobody visits or skips."""
    plan: dict[str, list[tuple[str, str]]] = {}
    missing = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIPPED:
                continue
            role = role_of(rule.rule)
            values = {**season.params["public"], **season.params.get(role, {})}
            values |= season.params.get(rule.endpoint, {})
            if rule.endpoint == "static":
                values = {"filename": "site.css"}
            if not set(rule.arguments) <= set(values):
                missing.append(f"{rule.endpoint} ({rule.rule}): no value for "
                               f"{', '.join(sorted(set(rule.arguments) - set(values)))}")  # fmt: skip
                continue
            url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
            plan.setdefault(role, []).append((rule.endpoint, url))
    return plan, missing


def _codes(db) -> dict[str, str]:
    exam = db.session.scalar(select(Exam))
    codes = {c.code: c.name for c in exam.categories}
    codes |= {b.code: b.name for b in exam.batches}
    return codes | {c.code: c.name for c in exam.components}


def bare_codes(text: str, codes: dict[str, str]) -> list[str]:
    """Codes standing in `text` without their name within a few characters."""
    found = []
    for code, name in codes.items():
        for match in re.finditer(rf"(?<![A-Za-z0-9_.-]){re.escape(code)}(?![A-Za-z0-9_-])", text):
            near = text[max(0, match.start() - len(name) - 12) : match.end() + len(name) + 12]
            if name not in near:
                found.append(f"{code} in …{near.strip()}…")
    return found


def _login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login of {username} failed"


def _check_page(page, base: str, endpoint: str, url: str, width: int, codes, problems) -> None:
    where = f"{width}px {url}"
    response = page.goto(base + url)
    expected = STATUS.get(endpoint, (200, ""))[0]
    if response is None or response.status != expected:
        problems.append(f"{where}: status {response and response.status}, expected {expected}")
        return
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        problems.append(f"{where}: page is {wide} px wide")
    title = page.title()
    raw = page.evaluate("document.querySelector('title')?.innerHTML ?? ''")
    if not title.strip() or "<" in raw or "&lt;" in raw:
        problems.append(f"{where}: title {raw!r} is not plain text")
    problems += [f"{where}: {c}" for c in bare_codes(page.evaluate(VISIBLE_TEXT), codes)]
    page.evaluate(AXE)
    problems += [f"{where}: {v}" for v in page.evaluate(AXE_RUN)]
    if endpoint in MAIN_PAGES:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{endpoint}-{width}.png"), full_page=True)


def _check_file(page, base, endpoint, url, headers, problems) -> None:  # noqa: ANN001
    response = page.request.get(base + url, headers=headers or {}, max_redirects=0)
    kind = response.headers.get("content-type", "")
    if response.status != 200 or not kind.startswith(FILES[endpoint]):
        problems.append(f"{url}: {response.status} {kind}, expected 200 {FILES[endpoint]}")


@pytest.fixture
def season(app, db):
    return seed_season()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_get_page_of_every_role(app, db, live_server, browser, season, width):
    plan, missing = walk_plan(app, season)
    assert missing == [], "routes neither visited nor skipped:\n" + "\n".join(missing)
    codes = _codes(db)
    university = db.session.scalar(select(Account).where(Account.role == Role.UNIVERSITY))
    _token, plain = create_token(university, university.institution_id, "walk", 30)
    db.session.commit()
    api_headers = {"Authorization": f"Bearer {plain}"}
    problems: list[str] = []
    visited = set()
    for role in ("public", "api", "admin", "board", "university", "student"):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role in season.logins:
            _login(page, live_server, *season.logins[role])
        for endpoint, url in plan.get(role, []):
            visited.add(endpoint)
            if endpoint in FILES:
                headers = api_headers if role == "api" else None
                _check_file(page, live_server, endpoint, url, headers, problems)
            else:
                _check_page(page, live_server, endpoint, url, width, codes, problems)
        context.close()
    rules = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    assert rules - visited - set(SKIPPED) == set()
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


# ---- the checks fail when they should ---------------------------------------------------------


def test_bare_codes_are_found_and_named_ones_pass() -> None:
    codes = {"IT": "信息技术类", "BK": "本科批", "skill": "技能测试"}
    assert bare_codes("信息技术类（IT） 本科批（BK） 技能测试", codes) == []
    found = bare_codes("类别：IT\n批次 BK 第 1 轮\n计分：skill + 1", codes)
    assert [f.split(" ")[0] for f in found] == ["IT", "BK", "skill"]
    assert bare_codes("ITEM BKX skills 12IT", codes) == []


def test_a_route_without_ids_is_reported_unless_skipped() -> None:
    from flask import Flask

    other = Flask("walk-check")
    other.add_url_rule("/board/things/<int:thing_id>", "board.thing", lambda thing_id: "")
    other.add_url_rule("/board/", "board.home", lambda: "")
    season = type("S", (), {"params": {"public": {}, "board": {"exam_id": 1}}})()
    plan, missing = walk_plan(other, season)
    assert missing == ["board.thing (/board/things/<int:thing_id>): no value for thing_id"]
    assert ("board.home", "/board/") in plan["board"]


def test_axe_reports_serious_violations(browser) -> None:
    page = browser.new_page()
    page.set_content(
        '<html lang="zh-CN"><head><title>t</title></head><body><main>'
        '<img src="x.png"><button></button><input type="text">'
        '<p style="color:#ccc;background:#fff">浅色文字</p></main></body></html>'
    )
    page.evaluate(AXE)
    found = {v.split(":")[0] for v in page.evaluate(AXE_RUN)}
    page.close()
    assert {"critical image-alt", "critical button-name", "critical label"} <= found
    assert "serious color-contrast" in found
