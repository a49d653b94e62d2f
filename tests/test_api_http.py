"""The API over real HTTP: a werkzeug server on a loopback port and the `requests` client."""

import threading

import pytest
import requests
from werkzeug.serving import make_server

from tests.api_helpers import token_for
from tests.university_factories import review_scenario


@pytest.fixture
def server(app, db):
    """The app served in a thread on 127.0.0.1; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_an_information_system_reads_and_decides_over_http(server, db):
    scene = review_scenario(db)
    token = token_for(db, scene)
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {token}"
        lines = http.get(f"{server}/api/v1/plan-lines", timeout=10)
        assert lines.status_code == 200 and lines.headers["Content-Type"] == "application/json"
        assert lines.json()[0]["program_name"] == "软件技术"
        pending = http.get(
            f"{server}/api/v1/dispatches", params={"status": "dispatched"}, timeout=10
        ).json()
        assert len(pending) == 3
        body = {
            "decisions": [{"dispatch_id": row["id"], "decision": "admit"} for row in pending[:2]]
        }
        decided = http.post(f"{server}/api/v1/decisions", json=body, timeout=10)
        assert decided.status_code == 200 and decided.json() == {"applied": 2}
        admitted = http.get(
            f"{server}/api/v1/dispatches", params={"status": "admitted"}, timeout=10
        ).json()
        assert sorted(r["id"] for r in admitted) == sorted(r["id"] for r in pending[:2])
        doc = http.get(f"{server}/api/v1/openapi.json", timeout=10).json()
        assert "/api/v1/decisions" in doc["paths"]
    anonymous = requests.get(f"{server}/api/v1/dispatches", timeout=10)
    assert anonymous.status_code == 401 and "令牌" in anonymous.json()["error"]
