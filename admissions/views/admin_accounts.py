"""Administrator pages for staff accounts: list and filter, create, flags, (de)activate, reset."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from admissions.access import roles_required
from admissions.extensions import db
from admissions.forms.admin import AccountFilterForm, AccountFlagsForm, AccountForm, ActionForm
from admissions.labels import ROLE_NAMES
from admissions.models import Account, Role
from admissions.services.admin import accounts as admin_accounts
from admissions.services.admin import institutions as admin_institutions
from admissions.services.admin import places as admin_places
from admissions.services.admin.accounts import AccountFilter, StaffAccount
from admissions.services.admin.places import AdminInputError
from admissions.views.admin import bp, show_input_error

ROLE_CHOICES = [
    SelectChoice("", "全部"),
    *(
        SelectChoice(r.value, ROLE_NAMES[r])
        for r in (Role.ADMIN, Role.BOARD, Role.UNIVERSITY, Role.STUDENT)
    ),
]


def _province_choices(blank: str) -> list[SelectChoice]:
    provinces = admin_places.provinces()
    return [
        SelectChoice("", blank),
        *(SelectChoice(str(p.id), f"{p.code} {p.name}") for p in provinces),
    ]


def _filter_from(form: AccountFilterForm) -> AccountFilter | None:
    """The filter the form asks for; None when it names an unknown institution."""
    role = form.role.data if form.role.data in {r.value for r in Role} else None
    province = form.province_id.data or ""
    institution_id = None
    if form.institution.data:
        institution = admin_institutions.by_code(form.institution.data)
        if institution is None:
            return None
        institution_id = institution.id
    return AccountFilter(
        role=Role(role) if role else None,
        province_id=int(province) if province.isdigit() else None,
        institution_id=institution_id, q=form.q.data or "",
    )  # fmt: skip


@bp.get("/accounts")
@roles_required("admin")
def accounts():
    """Accounts filtered by role, province, institution or name (never their password hashes)."""
    form = AccountFilterForm(request.args)
    form.role.choices = ROLE_CHOICES
    form.province_id.choices = _province_choices("全部")
    wanted = _filter_from(form) if form.validate() else AccountFilter()
    if wanted is None:
        form.institution.errors = [f"没有院校代码为 {form.institution.data} 的院校"]
    found = admin_accounts.list_accounts(wanted) if wanted else []
    return render_template(
        "admin/accounts.html", form=form, found=found, limit=admin_accounts.PAGE_SIZE
    )


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required("admin")
def account_new():
    """Create a board account (province required) or a university account (institution required)."""
    form = AccountForm()
    form.province_id.choices = _province_choices("请选择")
    if form.validate_on_submit():
        try:
            account = admin_accounts.create_staff_account(
                current_user, _staff(form), form.password.data
            )
        except AdminInputError as error:
            db.session.rollback()
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(f"已创建账号 {account.username}。", "info")
            return redirect(url_for(".account_detail", account_id=account.id))
    status = 400 if form.errors else 200
    return render_template("admin/account_new.html", form=form), status


def _staff(form: AccountForm) -> StaffAccount:
    if form.role.data not in (Role.BOARD.value, Role.UNIVERSITY.value):
        raise AdminInputError("role", "请选择角色：考试院或高校（考生账号由考生报名时创建）")
    role = Role(form.role.data)
    institution_id = None
    if role == Role.UNIVERSITY:
        code = (form.institution_code.data or "").strip()
        if not code:
            raise AdminInputError("institution_code", "高校账号必须填写所属院校代码")
        institution = admin_institutions.by_code(code)
        if institution is None:
            problem = (
                admin_institutions.CODE_MESSAGE if not code.isdigit() or len(code) != 5 else ""
            )
            raise AdminInputError("institution_code", problem or f"没有院校代码为 {code} 的院校")
        institution_id = institution.id
    return StaffAccount(
        username=form.username.data, role=role, display_name=form.display_name.data or "",
        province_id=form.province_id.data if role == Role.BOARD else None,
        institution_id=institution_id, can_see_full_id=form.can_see_full_id.data,
        is_institution_admin=form.is_institution_admin.data, must_change_password=True,
    )  # fmt: skip


def _account_or_404(account_id: int) -> Account:
    return db.session.get(Account, account_id) or abort(404)


@bp.route("/accounts/<int:account_id>", methods=["GET", "POST"])
@roles_required("admin")
def account_detail(account_id: int):
    """One account: its scope, name and flags (editable for staff), and the actions."""
    account = _account_or_404(account_id)
    form = AccountFlagsForm(obj=account)
    if account.role != Role.STUDENT and form.validate_on_submit():
        try:
            changed = admin_accounts.update_flags(
                current_user, account, form.display_name.data or "", form.can_see_full_id.data,
                form.is_institution_admin.data,
            )  # fmt: skip
        except AdminInputError as error:
            db.session.rollback()
            show_input_error(form, error)
        else:
            db.session.commit()
            flash("已保存。" if changed else "没有变化。", "info")
            return redirect(url_for(".account_detail", account_id=account.id))
    status = 400 if form.errors else 200
    return render_template(
        "admin/account.html", account=account, form=form, action=ActionForm(), temporary=None
    ), status


@bp.post("/accounts/<int:account_id>/active")
@roles_required("admin")
def account_active(account_id: int):
    """Deactivate (active=0) or reactivate (active=1) an account."""
    account = _account_or_404(account_id)
    if not ActionForm().validate_on_submit() or request.form.get("active") not in ("0", "1"):
        abort(400)
    active = request.form["active"] == "1"
    try:
        changed = admin_accounts.set_active(current_user, account, active)
    except AdminInputError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        if changed:
            flash("账号已重新启用。" if active else "账号已停用，该账号无法再登录。", "info")
    return redirect(url_for(".account_detail", account_id=account.id))


@bp.post("/accounts/<int:account_id>/password")
@roles_required("admin")
def account_reset_password(account_id: int):
    """Set a generated temporary password and show it once (it is not stored in plain text)."""
    account = _account_or_404(account_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        temporary = admin_accounts.reset_password(current_user, account)
    except AdminInputError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".account_detail", account_id=account.id))
    db.session.commit()
    return render_template(
        "admin/account.html", account=account, form=AccountFlagsForm(formdata=None, obj=account),
        action=ActionForm(), temporary=temporary,
    ), 200, {"Cache-Control": "no-store"}  # fmt: skip
