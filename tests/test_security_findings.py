"""Smaller findings of the security review, each with the attack refused and the legitimate use
still working: tokens stop with their creator's rights, API decision batches are capped and
dispatches named once, the new-token page is not cached, failed logins keep no ID number."""

from sqlalchemy import func, select

from admissions.models import ApiToken, AuditEvent, Dispatch, Role
from admissions.views.api_schema import MAX_DECISIONS
from tests.api_helpers import token_for
from tests.factories import create_account, csrf_token, login
from tests.university_factories import review_scenario


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _admit(client, token: str, dispatch_id: int):
    body = {"decisions": [{"dispatch_id": dispatch_id, "decision": "admit"}]}
    return client.post("/api/v1/decisions", json=body, headers=_auth(token))


def _admin_browser(app, db):
    admin = create_account(Role.ADMIN)
    db.session.commit()
    browser = app.test_client()
    login(browser, admin.username)
    return browser


def test_a_token_stops_when_its_creator_is_deactivated(app, client, db):
    scene = review_scenario(db, institution_admin=True)
    token = token_for(db, scene)
    assert client.get("/api/v1/plan-lines", headers=_auth(token)).status_code == 200
    staff_id = scene["staff"].id
    admin = _admin_browser(app, db)
    form = csrf_token(admin, f"/admin/accounts/{staff_id}")
    admin.post(f"/admin/accounts/{staff_id}/active", data={"active": "0", "csrf_token": form})
    assert _admit(client, token, scene["ours"][0].id).status_code == 401
    db.session.expire_all()
    assert str(db.session.get(Dispatch, scene["ours"][0].id).status) == "dispatched"
    assert db.session.scalar(select(ApiToken)).revoked_at is not None  # revoked, and audited
    assert db.session.scalar(
        select(func.count()).where(AuditEvent.action == "api_token.revoke")
    ) == 1  # fmt: skip


def test_a_token_stops_when_its_creator_loses_the_admin_role(app, client, db):
    scene = review_scenario(db, institution_admin=True)
    token = token_for(db, scene)
    staff_id = scene["staff"].id
    admin = _admin_browser(app, db)
    form = csrf_token(admin, f"/admin/accounts/{staff_id}")
    admin.post(f"/admin/accounts/{staff_id}", data={"display_name": "x", "csrf_token": form})
    assert client.get("/api/v1/plan-lines", headers=_auth(token)).status_code == 401


def test_a_token_refuses_even_if_the_creator_is_changed_behind_the_pages_back(client, db):
    scene = review_scenario(db, institution_admin=True)
    token = token_for(db, scene)
    scene["staff"].active = False  # e.g. changed in the database directly: not revoked
    db.session.commit()
    assert client.get("/api/v1/dispatches", headers=_auth(token)).status_code == 401
    scene["staff"].active = True
    db.session.commit()
    assert client.get("/api/v1/dispatches", headers=_auth(token)).status_code == 200


def test_decisions_naming_a_dispatch_twice_are_refused_whole(client, db):
    scene = review_scenario(db)
    token = token_for(db, scene)
    ours = scene["ours"]
    body = {"decisions": [{"dispatch_id": ours[0].id, "decision": "admit"},
                          {"dispatch_id": ours[1].id, "decision": "admit"},
                          {"dispatch_id": ours[0].id, "decision": "admit"}]}  # fmt: skip
    response = client.post("/api/v1/decisions", json=body, headers=_auth(token))
    assert response.status_code == 409 and "不止一次" in response.get_json()["error"]
    db.session.expire_all()
    assert {str(db.session.get(Dispatch, d.id).status) for d in ours[:2]} == {"dispatched"}
    assert db.session.scalar(
        select(func.count()).where(AuditEvent.action.like("dispatch.%"))
    ) == 0  # fmt: skip
    body["decisions"].pop()
    assert client.post("/api/v1/decisions", json=body, headers=_auth(token)).status_code == 200


def test_decision_batches_are_capped_and_the_schema_says_so(client, db):
    scene = review_scenario(db)
    token = token_for(db, scene)
    many = [{"dispatch_id": n, "decision": "admit"} for n in range(1, MAX_DECISIONS + 2)]
    response = client.post("/api/v1/decisions", json={"decisions": many}, headers=_auth(token))
    assert response.status_code == 422
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["DecisionsIn"]
    decisions = schema["properties"]["decisions"]
    assert decisions["maxItems"] == MAX_DECISIONS == 500
    assert "500" in decisions["description"] and "只能出现一次" in decisions["description"]


def test_the_page_showing_a_new_token_is_not_cached(client, db):
    scene = review_scenario(db, institution_admin=True)
    login(client, scene["staff"].username)
    form = csrf_token(client, "/university/tokens")
    response = client.post("/university/tokens", data={"name": "学籍", "days": "30",
                                                       "csrf_token": form})  # fmt: skip
    assert response.status_code == 200 and "zk_" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_failed_login_with_an_id_number_is_audited_masked(client, db):
    national_id = "37010220070309001X"
    login(client, national_id, "wrong-pw-1")
    login(client, "clerk-7", "wrong-pw-1")
    logins = [e.after["login"] for e in db.session.scalars(select(AuditEvent))]
    assert logins == ["370102********001X", "clerk-7"]
