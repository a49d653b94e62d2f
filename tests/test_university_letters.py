"""Letters of admitted candidates (one or bulk), with the shared verification code; audited."""

import re
import subprocess
from decimal import Decimal

import pytest
from sqlalchemy import select

from admissions.files.verification import verification_code
from admissions.models import AuditEvent, Candidate, Dispatch, Job
from admissions.services.rounds.decisions import Decision, decide
from admissions.services.universities.letters import LetterError, letter_code, letter_data
from tests.factories import csrf_token, login
from tests.university_factories import review_scenario


@pytest.fixture
def admitted(db, client):
    scene = review_scenario(db)
    staff, line, ours = scene["staff"], scene["line"], scene["ours"]
    decide(staff, line.institution_id, Decision(ours[0].id, "admit"))
    decide(staff, line.institution_id, Decision(ours[1].id, "admit"))
    db.session.commit()
    login(client, staff.username)
    return scene


def test_letter_code_uses_the_shared_inputs(app, db, admitted):
    dispatch = admitted["ours"][0]
    candidate = db.session.get(Candidate, dispatch.candidate_id)
    line = admitted["line"]
    expected = verification_code(
        app.config["SECRET_KEY"], admitted["exam"].code, candidate.candidate_no,
        f"{line.institution.code}-{line.program_code}",
    )  # fmt: skip
    assert letter_code(dispatch) == expected
    other = admitted["ours"][1]
    assert letter_code(other) != expected


def test_letter_data_refuses_the_not_admitted(db, admitted):
    with pytest.raises(LetterError, match="只有已录取"):
        letter_data(admitted["ours"][2])
    data = letter_data(admitted["ours"][0], base_url="https://zk.example.cn/")
    assert data.program_name == "软件技术" and data.verify_url.startswith(
        "https://zk.example.cn/verify/"
    )


def test_single_letter_download_is_a_pdf_and_audited(client, db, admitted):
    dispatch = admitted["ours"][0]
    response = client.get(f"/university/dispatches/{dispatch.id}/letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF") and b"/FontFile2" in response.get_data()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.download"))
    assert event.object_id == dispatch.id and event.actor_id == admitted["staff"].id


def test_letter_of_a_pending_candidate_is_refused_with_a_message(client, admitted):
    pending = admitted["ours"][2]
    response = client.get(f"/university/dispatches/{pending.id}/letter.pdf", follow_redirects=True)
    assert "只有已录取的考生才能生成录取通知书" in response.get_data(as_text=True)


def _start_letters(client, run_id):
    review = f"/university/runs/{run_id}"
    token = csrf_token(client, review)
    return client.post(f"/university/runs/{run_id}/letters", data={"csrf_token": token})


def test_bulk_letters_one_page_each(client, db, admitted, tmp_path):
    started = _start_letters(client, admitted["run"].id)
    assert started.status_code == 302 and "/university/jobs/" in started.location
    page = client.get(started.location).get_data(as_text=True)
    assert "已完成" in page and "下载录取通知书（PDF，2 份）" in page
    response = client.get(started.location + "/letters.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "letters.pdf"
    path.write_bytes(response.get_data())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M)  # two admitted, the pending one has none
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "letters.download"))
    assert event.after == {"letters": 2}
    made = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "letters.generate"))
    assert made.after["letters"] == 2 and made.actor_id == admitted["staff"].id


def test_bulk_letters_without_admissions_says_so(client, db):
    scene = review_scenario(db)
    login(client, scene["staff"].username)
    started = _start_letters(client, scene["run"].id)
    assert started.status_code == 302 and started.location.endswith(f"/runs/{scene['run'].id}")
    assert "尚无已录取的考生" in client.get(started.location).get_data(as_text=True)
    assert db.session.scalar(select(Job.id)) is None
    assert db.session.get(Dispatch, scene["ours"][0].id).total == Decimal(600)


def test_bulk_letters_need_the_csrf_token(client, db, admitted):
    response = client.post(f"/university/runs/{admitted['run'].id}/letters")
    assert response.status_code == 400 and db.session.scalar(select(Job.id)) is None


def test_bulk_letters_carry_the_same_codes_as_single_letters(app, db, admitted):
    from admissions.services.universities.letters import run_letters

    with app.test_request_context("/"):
        bulk = {letter.candidate_no: letter.verification_code
                for letter in run_letters(admitted["run"], admitted["line"].institution_id)}  # fmt: skip
        single = {db.session.get(Candidate, d.candidate_id).candidate_no: letter_code(d)
                  for d in admitted["ours"][:2]}  # fmt: skip
    assert bulk == single and len(bulk) == 2


def test_letter_with_a_character_no_font_has_is_refused_with_a_message(client, db, admitted):
    dispatch = admitted["ours"][0]
    db.session.get(Candidate, dispatch.candidate_id).name = "𠮷田"
    db.session.commit()
    response = client.get(f"/university/dispatches/{dispatch.id}/letter.pdf", follow_redirects=True)
    assert response.mimetype == "text/html" and "缺字 𠮷（U+20BB7）" in response.get_data(
        as_text=True
    )


def test_each_page_of_the_bulk_pdf_has_its_own_code_and_qr_that_verify(
    client, db, admitted, tmp_path
):
    import zxingcpp
    from PIL import Image

    from admissions.models import RunStatus

    started = _start_letters(client, admitted["run"].id)
    path = tmp_path / "letters.pdf"
    path.write_bytes(client.get(started.location + "/letters.pdf").get_data())
    admitted["run"].status = RunStatus.PUBLISHED  # only published admissions verify
    db.session.commit()
    names = {}
    for dispatch in admitted["ours"][:2]:
        candidate = db.session.get(Candidate, dispatch.candidate_id)
        names[letter_code(dispatch)] = (candidate.name, candidate.candidate_no)
    seen = []
    for page in (1, 2):
        pages = ["-f", str(page), "-l", str(page)]
        text = subprocess.run(
            ["pdftotext", "-layout", *pages, str(path), "-"],
            capture_output=True, text=True, check=True,
        ).stdout.replace(" ", "")  # fmt: skip
        code = re.search(r"验证码：([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})", text).group(1)
        name, number = names[code]
        assert f"{name}同学：" in text and f"考生号：{number}" in text
        picture = [*pages, "-singlefile", str(path), str(tmp_path / "p")]
        subprocess.run(["pdftoppm", "-png", "-r", "100", *picture], check=True)
        scanned = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "p.png"))]
        assert len(scanned) == 1 and scanned[0].endswith(f"/verify/{code}")
        verified = client.get("/verify/" + scanned[0].rsplit("/verify/", 1)[1])
        assert verified.status_code == 200 and "验证码有效" in verified.get_data(as_text=True)
        seen.append(code)
    assert sorted(seen) == sorted(names)  # two pages, two different letters
