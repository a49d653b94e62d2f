"""The kept public pages (catalogue, cutoffs): served without the database while fresh; a
publication shows within PUBLIC_CHECK_SECONDS, any other change within PUBLIC_PAGE_SECONDS; an
unpublished run never shows; signed-in users get their own page; ETag, 304 and gzip."""

import gzip

import pytest
from sqlalchemy import event

from admissions.models import Role, RunStatus
from admissions.services.published import cache as published_cache
from tests.factories import PASSWORD, create_account, create_institution, login
from tests.rounds_factories import batch_of, create_line, create_rounds_exam
from tests.student_factories import create_run, cutoff

CUTOFFS = "/exams/T2026/cutoffs"
PLANS = "/exams/T2026/plans"


@pytest.fixture
def clock(app, monkeypatch):
    """The cache's clock, moved by hand; a publication is looked for every 5 s, pages kept 30 s."""
    monkeypatch.setitem(app.config, "PUBLIC_CHECK_SECONDS", 5)
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_SECONDS", 30)
    now = [1_000_000.0]
    monkeypatch.setattr(published_cache, "now", lambda: now[0])
    return now


@pytest.fixture
def exam(db):
    exam = create_rounds_exam(code="T2026")
    jinan = create_institution(code="10001", name="济南职业学院", city="济南")
    create_line(exam, "BK", 3, institution=jinan, program_code="P1", program_name="软件技术")
    db.session.commit()
    return exam


def _page(client, path, **headers):
    return client.get(path, headers=headers).get_data(as_text=True)


def _statements(db, client, path) -> int:
    count = [0]

    def counted(*_args) -> None:
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count[0]


def test_a_kept_page_is_served_without_the_database(client, db, exam, clock):
    assert _statements(db, client, PLANS) > 0
    assert _statements(db, client, PLANS) == 0
    assert _statements(db, client, CUTOFFS) > 0
    clock[0] += 4
    assert _statements(db, client, CUTOFFS) == 0
    clock[0] += 2  # the stamp is 6 s old: read again (one query), the page is still good
    assert _statements(db, client, CUTOFFS) == 1


def test_a_publication_shows_within_the_check_delay_and_an_unpublished_run_never(
    client, db, exam, clock
):
    assert "投档线尚未公布" in _page(client, CUTOFFS)
    run = create_run(exam, batch_of(exam, "BK"), status=RunStatus.SUCCEEDED)
    cutoff(run, _line(db), "299.5")
    db.session.commit()
    for step in (3, 3, 30):  # kept, then checked again and rebuilt: never the saved run
        clock[0] += step
        page = _page(client, CUTOFFS)
        assert "投档线尚未公布" in page and "299.5" not in page
    run.status = RunStatus.PUBLISHED
    db.session.commit()
    clock[0] += 1
    assert "299.5" not in _page(client, CUTOFFS)  # within the delay: may still be the old page
    clock[0] += 5
    assert "299.5" in _page(client, CUTOFFS)


def test_a_plans_import_shows_within_the_check_delay_an_edit_within_the_page_time(
    client, db, exam, clock
):
    assert "软件技术" in _page(client, PLANS)
    line = _line(db)
    create_line(exam, "BK", 2, institution=line.institution, program_code="P2",
                program_name="数控技术")  # fmt: skip
    db.session.commit()
    clock[0] += 6
    assert "数控技术" in _page(client, PLANS)
    line.program_name = "软件工程技术"
    db.session.commit()
    clock[0] += 20
    assert "软件工程技术" not in _page(client, PLANS)
    clock[0] += 11  # the page made 31 s ago is made again
    assert "软件工程技术" in _page(client, PLANS)


def test_signed_in_users_get_their_own_page_never_the_kept_one(client, app, db, exam, clock):
    create_account(Role.STUDENT, username="stu01", display_name="张三")
    db.session.commit()
    assert "张三" not in _page(client, PLANS)
    login(client, "stu01", PASSWORD)
    mine = client.get(PLANS)
    assert "张三" in mine.get_data(as_text=True) and "ETag" not in mine.headers
    assert "张三" not in _page(app.test_client(), PLANS)  # nor is their page kept for others


def test_kept_pages_carry_an_etag_answer_304_and_go_gzip_to_who_accepts_it(client, db, exam, clock):
    plain = client.get(CUTOFFS, headers={"Accept-Encoding": "identity"})
    assert plain.headers["Cache-Control"] == "public, no-cache"
    assert "Cookie" in plain.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    again = client.get(CUTOFFS, headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    packed = client.get(CUTOFFS, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert (
        gzip.decompress(packed.data) == plain.data
        and packed.headers["ETag"] != plain.headers["ETag"]
    )


def test_errors_and_downloads_are_never_kept(client, db, exam, clock):
    assert client.get(f"{PLANS}?batch=XX").status_code == 400
    assert client.get(f"{PLANS}?batch=XX").status_code == 400
    download = client.get(f"{PLANS}?format=csv")
    assert download.mimetype == "text/csv" and "ETag" not in download.headers
    assert client.get("/exams/NOPE/plans").status_code == 404


def _line(db):
    from admissions.models import PlanLine

    return db.session.query(PlanLine).filter_by(program_code="P1").one()
