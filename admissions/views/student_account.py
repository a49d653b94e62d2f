"""A student's own account: the password change, required after a board reset.

Routes attach to the ``student`` blueprint. A student whose password was reset by the board sees
nothing else until they chose a new password (``admissions.login_sessions``).
"""

from __future__ import annotations

from admissions.access import roles_required
from admissions.views.auth import password_change_page
from admissions.views.student import bp

STUDENT_WORDS = {
    "forced": "您的密码已由考试院重置。请输入考试院给出的临时密码，并设置只有您自己知道的新密码。",
    "hint": "密码至少 8 位，不能包含身份证号（或其后六位）、出生日期、考生号，不能是常见密码（如 12345678、aaaaaaaa、woaini1314）。",
    "done": "密码已修改，请牢记新密码。其他设备上的登录已全部退出。",
}  # fmt: skip


@bp.route("/password", methods=["GET", "POST"])
@roles_required("student")
def change_password():
    """Choose a new password (the current or temporary one is asked again)."""
    return password_change_page(STUDENT_WORDS, "student.home")
