"""The JSON API: tokens (hashed, revoked, expired), own data only, decisions, OpenAPI document."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from admissions.models import ApiToken, AuditEvent, Dispatch, RoundStatus
from admissions.services.universities.tokens import active_token, hash_token, revoke_token
from tests.api_helpers import token_for
from tests.university_factories import create_round, review_scenario


@pytest.fixture
def scene(db):
    scene = review_scenario(db)
    scene["token"] = token_for(db, scene)
    return scene


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_is_stored_hashed_only(db, scene):
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [hash_token(scene["token"])] and scene["token"] not in stored


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer zk_nope", "Basic abc", "zk_x"])
def test_missing_or_wrong_token_is_401(client, scene, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/plan-lines", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "令牌" in response.get_json()["error"]


def test_revoked_token_is_refused(client, db, scene):
    token = db.session.scalar(select(ApiToken))
    revoke_token(scene["staff"], scene["line"].institution_id, token.id)
    db.session.commit()
    assert client.get("/api/v1/plan-lines", headers=_auth(scene["token"])).status_code == 401


def test_expired_token_is_refused(client, db, scene):
    token = db.session.scalar(select(ApiToken))
    assert active_token(scene["token"], now=token.expires_at - timedelta(seconds=1)) is not None
    assert active_token(scene["token"], now=token.expires_at) is None
    token.expires_at = token.created_at - timedelta(days=1)
    db.session.commit()
    assert client.get("/api/v1/plan-lines", headers=_auth(scene["token"])).status_code == 401


def test_plan_lines_are_the_institutions_own(client, scene):
    rows = client.get("/api/v1/plan-lines", headers=_auth(scene["token"])).get_json()
    assert [(r["program_code"], r["seats"], r["dispatched"]) for r in rows] == [("P01", 2, 3)]


def test_dispatches_own_only_masked_and_filtered(client, db, scene):
    rows = client.get("/api/v1/dispatches", headers=_auth(scene["token"])).get_json()
    assert {r["id"] for r in rows} == {d.id for d in scene["ours"]}
    assert all("********" in r["national_id"] for r in rows)
    assert (
        client.get("/api/v1/dispatches?status=admitted", headers=_auth(scene["token"])).get_json()
        == []
    )
    bad = client.get("/api/v1/dispatches?round=0&colour=red", headers=_auth(scene["token"]))
    assert bad.status_code == 422 and len(bad.get_json()["details"]) == 2
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.dispatches"))
        is not None
    )


def test_post_decisions_all_or_nothing(client, db, scene):
    ours, theirs = scene["ours"], scene["theirs"]
    body = {"decisions": [{"dispatch_id": ours[0].id, "decision": "admit"},
                          {"dispatch_id": theirs.id, "decision": "admit"}]}  # fmt: skip
    response = client.post("/api/v1/decisions", json=body, headers=_auth(scene["token"]))
    assert response.status_code == 409 and "不存在或不属于本校" in response.get_json()["error"]
    db.session.expire_all()
    assert str(db.session.get(Dispatch, ours[0].id).status) == "dispatched"
    body = {"decisions": [{"dispatch_id": ours[0].id, "decision": "admit"},
                          {"dispatch_id": ours[1].id, "decision": "reject", "reason": "考生放弃录取"}]}  # fmt: skip
    response = client.post("/api/v1/decisions", json=body, headers=_auth(scene["token"]))
    assert response.status_code == 200 and response.get_json() == {"applied": 2}
    rows = client.get(
        "/api/v1/dispatches?status=admitted", headers=_auth(scene["token"])
    ).get_json()
    assert [r["id"] for r in rows] == [ours[0].id]


def test_reject_without_reason_and_closed_round_are_409(client, db, scene):
    mine = scene["ours"][0]
    body = {"decisions": [{"dispatch_id": mine.id, "decision": "reject"}]}
    response = client.post("/api/v1/decisions", json=body, headers=_auth(scene["token"]))
    assert response.status_code == 409 and "退档必须填写原因" in response.get_json()["error"]
    create_round(scene["exam"], 1, RoundStatus.FINISHED)
    db.session.commit()
    body = {"decisions": [{"dispatch_id": mine.id, "decision": "admit"}]}
    response = client.post("/api/v1/decisions", json=body, headers=_auth(scene["token"]))
    assert response.status_code == 409 and "本轮已结束" in response.get_json()["error"]


@pytest.mark.parametrize("body", [None, {}, {"decisions": []}, {"decisions": [{"dispatch_id": "x"}]},
                                  {"decisions": [{"dispatch_id": 1, "decision": "maybe"}]}])  # fmt: skip
def test_malformed_bodies_are_422(client, scene, body):
    response = client.post("/api/v1/decisions", json=body, headers=_auth(scene["token"]))
    assert response.status_code == 422 and response.get_json()["error"] == "请求参数有误"


def test_rival_token_cannot_decide_on_our_candidates(client, db, scene):
    from admissions.services.universities.tokens import create_token

    scene["rival"].is_institution_admin = True
    _, rival = create_token(scene["rival"], scene["other_line"].institution_id, "rival", 5)
    db.session.commit()
    body = {"decisions": [{"dispatch_id": scene["ours"][0].id, "decision": "admit"}]}
    assert client.post("/api/v1/decisions", json=body, headers=_auth(rival)).status_code == 409
    rows = client.get("/api/v1/dispatches", headers=_auth(rival)).get_json()
    assert [r["id"] for r in rows] == [scene["theirs"].id]


def test_no_cookie_session_reaches_the_api(client, db, scene):
    from tests.factories import login

    login(client, scene["staff"].username)
    assert client.get("/api/v1/plan-lines").status_code == 401


def test_openapi_document_lists_every_api_route(app, client, scene):
    doc = client.get("/api/v1/openapi.json", headers=_auth(scene["token"])).get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    routes = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }  # fmt: skip
    assert documented == routes
    assert "DecisionsIn" in doc["components"]["schemas"]


def test_api_decisions_record_the_token_and_its_creator_as_actor(client, db, scene):
    ours, staff = scene["ours"], scene["staff"]
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "学籍系统"))
    body = {"decisions": [{"dispatch_id": ours[0].id, "decision": "admit"},
                          {"dispatch_id": ours[1].id, "decision": "reject", "reason": "考生放弃录取"}]}  # fmt: skip
    response = client.post("/api/v1/decisions", json=body, headers=_auth(scene["token"]))
    assert response.status_code == 200
    db.session.expire_all()
    assert [db.session.get(Dispatch, d.id).decided_by_id for d in ours[:2]] == [staff.id] * 2
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(["dispatch.admit", "dispatch.reject",
                                                        "api.decisions"])).order_by(AuditEvent.id)
    ).all()  # fmt: skip
    assert [e.action for e in events] == ["dispatch.admit", "dispatch.reject", "api.decisions"]
    assert all(e.actor_id == staff.id for e in events)
    assert all(e.after["api_token_id"] == token.id for e in events)
    assert all(e.after["api_token_name"] == "学籍系统" for e in events)
    assert events[0].after["status"] == "admitted" and events[0].exam_id == scene["exam"].id


def test_api_reads_are_audited_with_the_token_and_its_creator(client, db, scene):
    client.get("/api/v1/dispatches?status=admitted", headers=_auth(scene["token"]))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.dispatches"))
    assert event.actor_id == scene["staff"].id
    assert event.after["status"] == "admitted" and event.after["api_token_name"] == "学籍系统"


def test_decisions_taken_in_the_browser_do_not_mention_a_token(client, db, scene):
    from admissions.services.rounds.decisions import Decision, decide

    decide(scene["staff"], scene["line"].institution_id, Decision(scene["ours"][0].id, "admit"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "dispatch.admit"))
    assert event.actor_id == scene["staff"].id and "api_token_id" not in event.after
