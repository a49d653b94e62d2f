"""University staff create, see once, and revoke API tokens; other institutions cannot revoke them."""

import re

from sqlalchemy import select

from admissions.models import ApiToken
from tests.factories import csrf_token, login
from tests.university_factories import review_scenario


def test_create_show_once_and_revoke(client, db):
    scene = review_scenario(db, institution_admin=True)
    login(client, scene["staff"].username)
    token = csrf_token(client, "/university/tokens")
    html = client.post(
        "/university/tokens", data={"name": "学籍系统", "days": "30", "csrf_token": token}
    ).get_data(as_text=True)
    plain = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    assert (
        client.get("/api/v1/plan-lines", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 200
    )
    assert plain not in client.get("/university/tokens").get_data(as_text=True)
    row = db.session.scalar(select(ApiToken))
    client.post("/university/tokens/revoke", data={"token_id": str(row.id), "csrf_token": token})
    assert "已吊销" in client.get("/university/tokens").get_data(as_text=True)
    assert (
        client.get("/api/v1/plan-lines", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 401
    )


def test_bad_days_and_missing_name_are_explained(client, db):
    scene = review_scenario(db, institution_admin=True)
    login(client, scene["staff"].username)
    token = csrf_token(client, "/university/tokens")
    response = client.post(
        "/university/tokens", data={"name": "", "days": "999", "csrf_token": token}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写名称" in html and "有效天数应为 1 至 366" in html


def test_another_institution_cannot_revoke_our_token(client, db):
    scene = review_scenario(db, institution_admin=True)
    login(client, scene["staff"].username)
    token = csrf_token(client, "/university/tokens")
    client.post("/university/tokens", data={"name": "学籍系统", "days": "30", "csrf_token": token})
    row = db.session.scalar(select(ApiToken))
    client.post("/logout", data={"csrf_token": token})
    login(client, scene["rival"].username)
    token = csrf_token(client, "/university/tokens")
    response = client.post(
        "/university/tokens/revoke", data={"token_id": str(row.id), "csrf_token": token}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is None
