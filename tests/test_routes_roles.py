"""Every route has a role rule, and the role matrix of the home pages holds."""

import pytest

from admissions.access import access_rule
from admissions.models import Role
from tests.factories import create_account, login

# Endpoints that need no rule of their own: Flask's static files.
EXPLICITLY_PUBLIC = {"static"}


def test_every_endpoint_has_a_role_rule(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXPLICITLY_PUBLIC
        and access_rule(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == [], f"endpoints without @public / @roles_required / @login_only: {missing}"


def test_public_endpoints_are_exactly_the_listed_ones(app):
    public = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if access_rule(app.view_functions[rule.endpoint]) == "public"
    )
    assert public == [
        "api.openapi",
        "auth.login",
        "public.activate",
        "public.exam_cutoffs",
        "public.exam_plans",
        "public.exam_ranktable",
        "public.exam_rules",
        "public.favicon",
        "public.healthz",
        "public.index",
        "public.readyz",
        "public.register",
        "public.verify",
        "public.verify_form",
    ]


HOMES = {
    "student": "/student/",
    "board": "/board/",
    "university": "/university/",
    "admin": "/admin/",
}
ALLOWED = {
    "student": {"student"},
    "board": {"board", "admin"},
    "university": {"university"},
    "admin": {"admin"},
}


@pytest.mark.parametrize("role", list(HOMES))
def test_anonymous_user_is_sent_to_login(client, role):
    response = client.get(HOMES[role])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("page", list(HOMES))
def test_role_matrix_of_home_pages(client, db, role, page):
    account = create_account(role)
    db.session.commit()
    assert login(client, account.username).status_code == 302
    expected = 200 if role in ALLOWED[page] else 403
    assert client.get(HOMES[page]).status_code == expected


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_login_lands_on_the_role_home_page(client, db, role):
    account = create_account(role)
    db.session.commit()
    response = login(client, account.username)
    assert response.headers["Location"] == HOMES[role]
    page = client.get(HOMES[role])
    assert page.status_code == 200
    assert "首页" in page.get_data(as_text=True)


# The account pages added with sessions that end: who reaches them.
ACCOUNT_PAGES = {
    "/account/password": {"board", "university", "admin"},
    "/student/password": {"student"},
}


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("page", list(ACCOUNT_PAGES))
def test_role_matrix_of_the_password_pages(client, db, role, page):
    account = create_account(role)
    db.session.commit()
    login(client, account.username)
    assert client.get(page).status_code == (200 if role in ACCOUNT_PAGES[page] else 403)


@pytest.mark.parametrize("path", ["/account/password", "/board/candidates/1/void"])
def test_anonymous_user_is_sent_to_login_from_the_new_pages(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_everywhere_is_for_signed_in_users_only(client, db):
    from tests.factories import csrf_token

    response = client.post("/logout/all", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_new_routes_carry_the_expected_rules(app):
    from admissions.models import Role as R

    rules = {
        rule.endpoint: access_rule(app.view_functions[rule.endpoint])
        for rule in app.url_map.iter_rules()
    }
    assert rules["auth.logout_all"] == "login"
    assert rules["auth.change_password"] == ("roles", frozenset({R.BOARD, R.UNIVERSITY, R.ADMIN}))
    assert rules["board.registration_void"] == ("roles", frozenset({R.BOARD, R.ADMIN}))
