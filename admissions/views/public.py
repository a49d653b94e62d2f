"""Pages anyone may see: the landing page and the health check."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from admissions.access import public

bp = Blueprint("public", __name__)

HOME_ENDPOINTS = {
    "student": "student.home",
    "board": "board.home",
    "university": "university.home",
    "admin": "admin.home",
}


@bp.get("/")
@public
def index():
    """Landing page; a logged-in user goes to the home page of their role."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME_ENDPOINTS[current_user.role]))
    return render_template("public/index.html")


@bp.get("/healthz")
@public
def healthz():
    """Liveness probe for the process manager."""
    return {"status": "ok"}
