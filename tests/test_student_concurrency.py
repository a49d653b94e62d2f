"""Two tabs of one account submitting at the same moment never mix into one list."""

import threading

from sqlalchemy import select

from admissions.models import Account, Candidate, PreferenceList, Round
from admissions.services.students import preferences
from admissions.services.students.preferences import ChoiceInput
from tests.factories import create_exam, create_plan_line
from tests.student_factories import create_round, create_student


def _submit(app, ids, base_version, barrier, outcomes):
    from admissions.extensions import db

    with app.app_context():
        candidate = db.session.scalar(select(Candidate))
        account = db.session.scalar(select(Account).where(Account.candidate_id == candidate.id))
        round_ = db.session.scalar(select(Round))
        barrier.wait()
        try:
            choices = [ChoiceInput(plan_line_id=i) for i in ids]
            preferences.save_list(account, candidate, round_, choices, submit=True,
                                  base_version=base_version)  # fmt: skip
            db.session.commit()
            outcomes.append("saved")
        except preferences.PreferenceConflict:
            db.session.rollback()
            outcomes.append("conflict")
        finally:
            db.session.remove()


def test_simultaneous_submissions_from_one_version_keep_exactly_one_list(app, db):
    exam = create_exam()
    create_student(exam)
    create_round(exam.batches[0])
    lines = [create_plan_line(exam).id for _ in range(6)]
    db.session.commit()
    tab_a, tab_b = lines[:3], lines[3:]
    for _ in range(3):
        base = (
            db.session.scalar(
                select(PreferenceList.version).order_by(PreferenceList.version.desc())
            )
            or 0
        )
        barrier, outcomes = threading.Barrier(2), []
        threads = [
            threading.Thread(target=_submit, args=(app, ids, base, barrier, outcomes))
            for ids in (tab_a, tab_b)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["conflict", "saved"]
        db.session.expire_all()
        latest = db.session.scalar(select(PreferenceList).order_by(PreferenceList.version.desc()))
        assert latest.version == base + 1
        assert [i.plan_line_id for i in latest.items] in (tab_a, tab_b)
