"""Student PDFs with a character no font can draw: a page that names it, never a PDF without it."""

from tests.factories import create_exam, create_plan_line, login
from tests.student_factories import create_run, create_student, dispatch


def test_slip_and_letter_name_the_missing_character(client, db):
    exam = create_exam()
    line = create_plan_line(exam)
    student = create_student(exam, name="𠮷田")
    row = dispatch(create_run(exam, exam.batches[0]), student, line)
    db.session.commit()
    login(client, student.candidate_no)
    for path in ("/student/registration/slip.pdf", f"/student/letters/{row.id}.pdf"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and response.mimetype == "text/html", path
        assert "缺字 𠮷（U+20BB7）" in page and "请联系考试院" in page


def test_names_the_font_has_still_get_their_pdf(client, db):
    student = create_student(create_exam(), name="䶮王")
    db.session.commit()
    login(client, student.candidate_no)
    response = client.get("/student/registration/slip.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
