"""Administrator pages for institutions (院校): search, create, edit, bulk import."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import roles_required
from admissions.extensions import db
from admissions.forms.admin import InstitutionForm, InstitutionImportForm, SearchForm
from admissions.models import Institution
from admissions.services.admin import institutions as admin_institutions
from admissions.services.admin.places import AdminInputError
from admissions.views.admin import bp, show_input_error


@bp.route("/institutions", methods=["GET", "POST"])
@roles_required("admin")
def institutions():
    """Search the institutions; a form to add one."""
    search = SearchForm(request.args)
    query = (search.q.data or "") if search.validate() else ""
    form = InstitutionForm()
    if form.validate_on_submit():
        try:
            institution = admin_institutions.create_institution(
                current_user,
                form.code.data or "",
                form.name.data,
                form.city.data or "",
                form.institution_type.data or "",
            )
        except AdminInputError as error:
            db.session.rollback()
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(f"已新增院校 {institution.code} {institution.name}。", "info")
            return redirect(url_for(".institutions"))
    found = admin_institutions.search(query)
    status = 400 if form.errors else 200
    return render_template(
        "admin/institutions.html", form=form, search=search, found=found,
        limit=admin_institutions.PAGE_SIZE, import_form=InstitutionImportForm(),
    ), status  # fmt: skip


@bp.route("/institutions/<int:institution_id>", methods=["GET", "POST"])
@roles_required("admin")
def institution_edit(institution_id: int):
    """Change an institution's name, city and type (its code stays)."""
    institution = db.session.get(Institution, institution_id) or abort(404)
    form = InstitutionForm(obj=institution)
    if form.validate_on_submit():
        try:
            changed = admin_institutions.update_institution(
                current_user,
                institution,
                form.name.data,
                form.city.data or "",
                form.institution_type.data or "",
            )
        except AdminInputError as error:
            db.session.rollback()
            show_input_error(form, error)
        else:
            db.session.commit()
            flash("已保存。" if changed else "没有变化。", "info")
            return redirect(url_for(".institutions", q=institution.code))
    status = 400 if form.errors else 200
    return render_template("admin/institution.html", form=form, institution=institution), status


@bp.post("/institutions/import")
@roles_required("admin")
def institution_import():
    """Create or update institutions from a CSV/XLSX file: all or nothing, errors per line."""
    form = InstitutionImportForm()
    if not form.validate_on_submit():
        for message in form.file.errors:
            flash(str(message), "error")
        return redirect(url_for(".institutions"))
    upload = form.file.data
    filename = upload.filename or "upload.csv"
    result = admin_institutions.import_institutions(current_user, upload.read(), filename)
    if not result.ok:
        db.session.rollback()
        return render_template(
            "admin/institution_import.html", result=result, filename=filename
        ), 400
    db.session.commit()
    flash(f"导入完成：{result.summary()}。", "info")
    return redirect(url_for(".institutions"))
