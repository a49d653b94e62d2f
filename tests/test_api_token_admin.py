"""Only the university's admin user manages its API tokens; the OpenAPI document is public."""

import pytest
from sqlalchemy import func, select, text

from admissions.models import Account, ApiToken, Role
from admissions.services.universities.tokens import create_token, may_manage
from tests.factories import create_account, csrf_token, login
from tests.university_factories import review_scenario

API_PATHS = {"/api/v1/plan-lines", "/api/v1/dispatches", "/api/v1/decisions"}


def _count_tokens(db) -> int:
    return db.session.scalar(select(func.count(ApiToken.id)))


def test_staff_without_the_flag_get_403_on_every_token_page(client, db):
    scene = review_scenario(db)
    token_row, _ = create_token(None, scene["line"].institution_id, "学籍系统", 30)
    db.session.commit()
    login(client, scene["staff"].username)
    form_token = csrf_token(client, "/university/")
    assert client.get("/university/tokens").status_code == 403
    created = client.post(
        "/university/tokens", data={"name": "x", "days": "30", "csrf_token": form_token}
    )
    revoked = client.post(
        "/university/tokens/revoke", data={"token_id": str(token_row.id), "csrf_token": form_token}
    )
    assert (created.status_code, revoked.status_code) == (403, 403)
    db.session.expire_all()
    assert _count_tokens(db) == 1 and db.session.get(ApiToken, token_row.id).revoked_at is None


def test_the_admin_user_creates_and_revokes(client, db):
    scene = review_scenario(db, institution_admin=True)
    login(client, scene["staff"].username)
    form_token = csrf_token(client, "/university/tokens")
    response = client.post(
        "/university/tokens", data={"name": "学籍系统", "days": "30", "csrf_token": form_token}
    )
    assert response.status_code == 200 and _count_tokens(db) == 1
    row = db.session.scalar(select(ApiToken))
    assert row.created_by_id == scene["staff"].id
    response = client.post(
        "/university/tokens/revoke", data={"token_id": str(row.id), "csrf_token": form_token}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is not None


@pytest.mark.parametrize("admin", [False, True])
def test_the_token_link_is_shown_to_the_admin_user_only(client, db, admin):
    scene = review_scenario(db, institution_admin=admin)
    login(client, scene["staff"].username)
    html = client.get("/university/").get_data(as_text=True)
    assert ("/university/tokens" in html) is admin


def test_only_university_accounts_with_the_flag_may_manage(db):
    assert may_manage(create_account(Role.UNIVERSITY, is_institution_admin=True))
    assert not may_manage(create_account(Role.UNIVERSITY))
    assert not may_manage(create_account(Role.ADMIN, is_institution_admin=True))
    assert not may_manage(create_account(Role.BOARD, is_institution_admin=True))


def test_the_flag_defaults_to_false_in_the_database(db):
    institution_id = create_account(Role.UNIVERSITY).institution_id
    db.session.execute(
        text(
            "INSERT INTO account (username, password_hash, role, institution_id, display_name,"
            " active, can_see_full_id, created_at)"
            " VALUES ('raw', 'x', 'university', :inst, '', true, false, CURRENT_TIMESTAMP)"
        ),
        {"inst": institution_id},
    )
    flag = db.session.scalar(
        text("SELECT is_institution_admin FROM account WHERE username = 'raw'")
    )
    assert flag in (False, 0)


def test_openapi_document_is_served_without_a_token(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1") and set(doc["paths"]) == API_PATHS
    assert client.get("/api/v1/plan-lines").status_code == 401


def test_the_demo_university_account_is_its_admin_user(db):
    from admissions.config import REPO_ROOT
    from admissions.services.demo import load_demo

    rules = (REPO_ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8")
    for _ in range(2):  # idempotent: the second load changes nothing
        demo = load_demo(rules, candidates=30, seed=3)
        db.session.commit()
    username = next(user for label, user, _ in demo.logins if label == "高校")
    accounts = db.session.scalars(select(Account).where(Account.role == Role.UNIVERSITY)).all()
    assert [(a.username, a.is_institution_admin) for a in accounts] == [(username, True)]
