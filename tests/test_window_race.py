"""Closing a preference window while 100 candidates submit: nothing is stored after the close,
nothing acknowledged before it is lost, and the close is not starved by the saves (PostgreSQL
queues it ahead of them; on SQLite, whose writers poll, its wait is only bounded).

Run with ``-s`` to see the figures (accepted before the close, refused after it, timings)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from admissions.models import Account, Candidate, PreferenceList, Role, Round
from admissions.services.rounds.windows import close_now
from admissions.services.students import preferences
from admissions.services.students.preferences import ChoiceInput
from tests.factories import create_candidate, create_exam, create_plan_line
from tests.student_factories import create_round

SUBMITS = 100
CLOSE_AFTER = 30  # the close starts once this many saves are committed: the rest race it
SAVE_WORK = 0.02  # seconds each save spends after its window check, before its commit


def _scene(db):
    exam = create_exam()
    round_ = create_round(exam.batches[0])
    line = create_plan_line(exam)
    people = [create_candidate(exam) for _ in range(SUBMITS + 1)]  # the last one comes late
    db.session.add_all(  # the password is never used: no hashing a hundred times
        Account(username=f"race{p.id}", password_hash="-", role=Role.STUDENT, candidate_id=p.id)
        for p in people
    )
    db.session.commit()
    accounts = {
        a.candidate_id: a.id
        for a in db.session.scalars(select(Account).where(Account.candidate_id.is_not(None)))
    }
    return exam.id, round_.id, line.id, [(accounts[p.id], p.id) for p in people]


def test_a_close_racing_100_submits_loses_none_and_admits_none_late(app, db, monkeypatch):
    from admissions.extensions import db as ext_db

    exam_id, round_id, line_id, people = _scene(db)
    checked = preferences.validate_choices

    def slow_check(*args, **kwargs):  # work between the window check and the commit
        time.sleep(SAVE_WORK)
        return checked(*args, **kwargs)

    monkeypatch.setattr(preferences, "validate_choices", slow_check)
    start, committed = threading.Barrier(SUBMITS + 1), threading.Semaphore(0)
    outcomes: dict[int, tuple[str, float, float]] = {}
    close_times: dict[str, float] = {}

    def save(account_id: int, candidate_id: int) -> str:
        with app.app_context():
            try:
                account = ext_db.session.get(Account, account_id)
                candidate = ext_db.session.get(Candidate, candidate_id)
                round_ = ext_db.session.get(Round, round_id)
                preferences.save_list(account, candidate, round_, [ChoiceInput(line_id)],
                                      submit=True, base_version=0)  # fmt: skip
                ext_db.session.commit()
                return "saved"
            except preferences.PreferenceError as error:
                ext_db.session.rollback()
                return str(error)
            finally:
                ext_db.session.remove()

    def submit(account_id: int, candidate_id: int) -> None:
        start.wait(timeout=60)
        began = time.perf_counter()
        outcome = save(account_id, candidate_id)
        outcomes[candidate_id] = (outcome, began, time.perf_counter())
        committed.release()

    def close() -> None:
        with app.app_context():
            from admissions.models import Exam

            # its connection is taken before the race: what is tested is the round's lock, not
            # the order in which the pool hands connections to a hundred waiting threads
            ext_db.session.connection()
            start.wait(timeout=60)
            for _ in range(CLOSE_AFTER):
                committed.acquire(timeout=60)
            close_times["began"] = time.perf_counter()
            exam, round_ = ext_db.session.get(Exam, exam_id), ext_db.session.get(Round, round_id)
            close_now(exam, round_)
            ext_db.session.commit()
            close_times["committed"] = time.perf_counter()
            ext_db.session.remove()

    *racing, latecomer = people
    threads = [threading.Thread(target=submit, args=person) for person in racing]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == SUBMITS and "committed" in close_times
    # a submit that comes once the close is committed is refused by the window
    assert "不在开放时间内" in save(*latecomer)

    db.session.expire_all()
    closed_at = db.session.get(Round, round_id).prefs_close_at
    stored = {row.candidate_id: row for row in db.session.scalars(select(PreferenceList))}
    saved = {c for c, (o, _, _) in outcomes.items() if o == "saved"}
    refused = {c: o for c, (o, _, _) in outcomes.items() if o != "saved"}
    # none lost: every acknowledged save is stored, and only those
    assert set(stored) == saved
    # none late: every stored list was saved before the recorded close, and committed before
    # the close was (a save checked before the close but committed after it would be late)
    assert all(row.submitted_at < closed_at for row in stored.values())
    late = [c for c in saved if outcomes[c][2] > close_times["committed"] + SAVE_WORK / 4]
    assert late == []
    # every other submit was refused by the window, not by a busy database
    assert all("不在开放时间内" in message for message in refused.values())
    assert len(saved) >= CLOSE_AFTER
    # the close is not starved: PostgreSQL queues it ahead of the saves that come after it, so
    # some of the race is refused; SQLite has no queue (its writers poll), so there the close
    # may wait for the whole burst (every racing save then lands before it), but never fails
    if db.engine.dialect.name != "sqlite":
        assert refused
    close_wait = close_times["committed"] - close_times["began"]
    assert close_wait < (20 if db.engine.dialect.name == "sqlite" else 3)
    latencies = sorted(end - began for _, began, end in outcomes.values())
    after_close = sum(1 for _, began, _ in outcomes.values() if began > close_times["committed"])
    print(
        f"\nwindow race ({db.engine.dialect.name}): {SUBMITS} submits, close started after "
        f"{CLOSE_AFTER} commits; accepted {len(saved)} (all before the close), refused "
        f"{len(refused)} (window closed), {len(late)} committed after the close; close took {close_wait * 1000:.1f} ms; save latency "
        f"median {latencies[len(latencies) // 2] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms;"
        f" latest stored {(closed_at - max(r.submitted_at for r in stored.values())).total_seconds() * 1000:.1f} ms "
        f"before the recorded close; {after_close} submits began after the close committed"
    )
