"""Blueprints, one per audience, registered explicitly in ``register_blueprints``."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint of the application."""
    import admissions.views.admin_accounts  # noqa: F401  (its routes join the admin blueprint)
    import admissions.views.admin_institutions  # noqa: F401  (its routes join the admin blueprint)
    import admissions.views.admin_style  # noqa: F401  (its route joins the admin blueprint)
    import admissions.views.board.activation  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.advice  # noqa: F401  (its route joins the board blueprint)
    import admissions.views.board.exams  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.keying  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.lines  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.plan_adjust  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.plans  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.rounds  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.scores  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.setup  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.setup_rounds  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.board.students  # noqa: F401  (its routes join the board blueprint)
    import admissions.views.jobs  # noqa: F401  (its routes join the board and university ones)
    import admissions.views.public_exams  # noqa: F401  (its routes join the public blueprint)
    import admissions.views.student_account  # noqa: F401  (its routes join the student blueprint)
    import admissions.views.student_activation  # noqa: F401  (its route joins the public blueprint)
    import admissions.views.student_preferences  # noqa: F401  (its routes join the student blueprint)
    import admissions.views.university_plans  # noqa: F401  (its routes join the university one)
    from admissions.views import admin, api, auth, board, public, student, university

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(student.bp, url_prefix="/student")
    app.register_blueprint(board.bp, url_prefix="/board")
    app.register_blueprint(university.bp, url_prefix="/university")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
