"""The components page of the administrator (/admin/style): every macro of templates/macros.html
once, with sample data, so a change to the design system is seen in one place."""

from flask import render_template

from admissions.access import roles_required
from admissions.forms.admin import StyleDemoForm
from admissions.views.admin import bp

SAMPLE_RANKTABLE = [
    {"score": 520 - i, "count": count}
    for i, count in enumerate([1, 2, 2, 4, 5, 7, 9, 8, 12, 11, 15, 13, 10, 9, 6, 4, 3, 2, 1, 1])
]


@bp.get("/style")
@roles_required("admin")
def style():
    """Every component, each with a short note on when to use it."""
    form = StyleDemoForm(meta={"csrf": False}, formdata=None)
    form.name.errors = ["请输入考生姓名"]
    form.decision.errors = ["请选择录取或退档"]
    return render_template("admin/style.html", form=form, ranktable=SAMPLE_RANKTABLE)
