"""The review list's pages against a plain reading of the same dispatches: every order, every
filter, page by page (the page is chosen among the dispatches first, then joined)."""

from decimal import Decimal

import pytest

from admissions.models import DispatchStatus, ScoreResult
from admissions.services.universities import review
from tests.factories import create_candidate, create_exam, create_plan_line
from tests.student_factories import create_rules_version
from tests.university_factories import create_dispatch, create_run

STATUSES = [DispatchStatus.DISPATCHED, DispatchStatus.ADMITTED, DispatchStatus.REJECTED]


@pytest.fixture
def listed(db):
    """Thirteen dispatches to one institution over two programs, one without a program: totals
    tied in threes, ranks in pairs, two candidates of the same name, one dispatch each without a
    total, a rank or a choice; and two to another institution in the same run."""
    exam = create_exam()
    first = create_plan_line(exam, program_code="B02", program_name="软件技术")
    second = create_plan_line(
        exam, program_code="A01", program_name="护理", institution=first.institution
    )
    elsewhere = create_plan_line(exam, program_code="A00")
    rules = create_rules_version(exam)
    run = create_run(exam, rules_version_id=rules.id)
    rows = []
    for i in range(13):
        candidate = create_candidate(exam, name=f"考生{'KCAJDBIHGEFAK'[i]}")
        line = (first, second, None)[i % 3] if i != 4 else first
        total = None if i == 7 else Decimal(600 - i // 3)
        dispatch = create_dispatch(
            run, candidate, line, institution_id=first.institution_id, total=total,
            rank=None if i == 5 else 20 - i // 2, choice=None if i == 9 else 1 + i % 4,
            status=STATUSES[i % 3],
        )  # fmt: skip
        if i % 2:
            value = total or Decimal(0)
            db.session.add(ScoreResult(candidate_id=candidate.id, rules_version_id=rules.id,
                                       raw_total=value, bonus=Decimal(0), total=value,
                                       qualified=True))  # fmt: skip
        rows.append((dispatch, candidate, line))
    for i in range(2):
        create_dispatch(run, create_candidate(exam, name=f"考生Z{i}"), elsewhere)
    db.session.commit()
    return run, first.institution_id, rows


def _last(value, descending: bool = False):
    """A sort key putting a blank value after every other, as the list does."""
    if value is None:
        return (True, 0)
    return (False, -value if descending else value)


def _expected(rows, sort: str, status: str = "", program: str = "", search: str = ""):
    def code(line):
        return line.program_code if line is not None else None

    search = search.strip()
    kept = [
        (d, c, line) for d, c, line in rows
        if (not status or d.status.value == status)
        and (not program or code(line) == program)
        and (not search or search in c.name or search in c.candidate_no)
    ]  # fmt: skip
    keys = {
        "total": lambda r: (_last(r[0].total, True), _last(r[0].rank), r[0].id),
        "rank": lambda r: (_last(r[0].rank), r[1].candidate_no, r[0].id),
        "candidate_no": lambda r: (r[1].candidate_no, r[0].id),
        "name": lambda r: (r[1].name, r[1].candidate_no, r[0].id),
        "choice": lambda r: (_last(r[0].choice), _last(r[0].total, True), r[0].id),
        "program": lambda r: (code(r[2]) is None, code(r[2]) or "", _last(r[0].total, True),
                              r[0].id),
    }  # fmt: skip
    return [d.id for d, _c, _l in sorted(kept, key=keys[sort])]


@pytest.mark.parametrize("sort", list(review.SORTS))
@pytest.mark.parametrize(
    "status, program, search",
    [("", "", ""), ("dispatched", "", ""), ("", "B02", ""), ("", "", "考生A"),
     ("rejected", "A01", ""), ("", "", "zzz"), ("", "", " 考生K "), ("", "", "NUMBER"),
     ("", "", "%"), ("", "", "_")],
)  # fmt: skip
def test_every_page_of_every_order_and_filter(listed, monkeypatch, sort, status, program, search):
    run, institution_id, rows = listed
    if search == "NUMBER":  # a part of one candidate's number finds that candidate alone
        search = rows[6][1].candidate_no[1:]
    monkeypatch.setattr(review, "REVIEW_PAGE_SIZE", 3)
    expected = _expected(rows, sort, status, program, search)
    seen: list[int] = []
    pages = max(1, -(-len(expected) // 3))
    for number in range(1, pages + 1):
        filters = review.ReviewFilter(status, program, search, sort, number)
        page = review.review_page(run, institution_id, filters)
        assert (page.total, page.pages, page.page) == (len(expected), pages, number)
        for dispatch, candidate, line in page.rows:
            source = next(r for r in rows if r[0].id == dispatch.id)
            assert (candidate.id, candidate.name) == (source[1].id, source[1].name)
            assert (line.program_code if line else None) == (
                source[2].program_code if source[2] else None
            )
            assert (candidate.id in page.results) == (rows.index(source) % 2 == 1)
        seen += [dispatch.id for dispatch, _c, _l in page.rows]
    assert seen == expected
    past = review.review_page(run, institution_id, review.ReviewFilter(status, program, search,
                                                                       sort, pages + 5))  # fmt: skip
    assert past.page == pages and [d.id for d, _c, _l in past.rows] == expected[(pages - 1) * 3 :]
