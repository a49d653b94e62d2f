"""Error pages are in Chinese and keep the layout."""

from admissions import create_app
from admissions.access import public
from tests.conftest import app_config


def test_404_page_is_chinese(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_405_page_is_chinese(client):
    response = client.post("/healthz")
    assert response.status_code in (400, 405)


def test_500_page_is_chinese_and_hides_the_error(database_uri, db):
    app = create_app(app_config(database_uri))

    @app.get("/boom")
    @public
    def boom():
        raise RuntimeError("secret internal detail")

    app.logger.disabled = True
    response = app.test_client().get("/boom")
    with app.app_context():
        db.engine.dispose()
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "服务器错误" in html and "secret internal detail" not in html


def test_home_page_is_public_and_chinese(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in html and 'name="viewport"' in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # no external resources


def test_403_page_is_chinese(client, db):
    from admissions.models import Role
    from tests.factories import create_account, login

    student = create_account(Role.STUDENT)
    db.session.commit()
    login(client, student.username)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)
