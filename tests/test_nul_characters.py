"""NUL characters in a request are refused with 400 (PostgreSQL text cannot hold them; a 500 before)."""

from __future__ import annotations

from tests.api_helpers import token_for
from tests.university_factories import review_scenario


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_query_path_and_form_values_with_nul_are_400(client, db):
    assert client.get("/verify/AB\x00CD").status_code == 400
    assert client.get("/verify", query_string={"code": "AB\x00CD"}).status_code == 400
    assert client.post("/login", data={"username": "a\x00b", "password": "x"}).status_code == 400
    assert client.get("/verify", query_string={"code": "ABCD"}).status_code != 400


def test_api_query_and_json_with_nul_are_422_from_the_schema(client, db):
    scene = review_scenario(db)
    token = token_for(db, scene)
    bad = client.get("/api/v1/dispatches", query_string={"exam": "X\x00"}, headers=_auth(token))
    assert bad.status_code == 422 and "error" in bad.get_json()
    body = {"decisions": [{"dispatch_id": 1, "decision": "reject", "reason": "体检\u0000"}]}
    posted = client.post("/api/v1/decisions", json=body, headers=_auth(token))
    assert posted.status_code == 422 and "error" in posted.get_json()
    fine = client.get("/api/v1/dispatches", query_string={"exam": "X"}, headers=_auth(token))
    assert fine.status_code < 500
