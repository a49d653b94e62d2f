"""Login throttling: failed attempts counted per (account, address) pair, a per-account backoff
that never refuses a fresh address its try, and a per-address limit sized for a school's NAT."""

import pytest
from limits import parse

from admissions.config import from_environment
from admissions.extensions import limiter
from admissions.models import Role
from admissions.services.auth import throttle
from tests.factories import create_account, login


def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_pair_is_refused_after_its_failures_but_the_account_answers_elsewhere(client, db):
    account = create_account(Role.BOARD)
    db.session.commit()
    _from(client, "10.1.0.1")
    statuses = [login(client, account.username, "wrong-pw-1").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]  # the test configuration: 5 failures a minute a pair
    refused = login(client, account.username)
    assert refused.status_code == 429 and "尝试次数过多" in refused.get_data(as_text=True)
    assert login(_from(client, "10.1.0.2"), account.username).status_code == 302


def test_a_correct_password_clears_its_pairs_failures(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    _from(client, "10.2.0.1")
    for _ in range(4):
        login(client, account.username, "wrong-pw-1")
    assert login(client, account.username).status_code == 302
    client.post("/logout", data={"csrf_token": _token(client)})
    statuses = [login(client, account.username, "wrong-pw-1").status_code for _ in range(5)]
    assert statuses == [200] * 5


def _token(client) -> str:
    from tests.factories import csrf_token

    return csrf_token(client, "/admin/")


def test_under_backoff_each_attacking_address_keeps_one_try_per_window(client, db):
    account = create_account(Role.STUDENT)
    db.session.commit()
    for n in range(10):  # the account limit: 10 failures in 15 minutes
        login(_from(client, f"172.16.0.{n}"), account.username, "wrong-pw-1")
    # A new attacking address gets one try, then waits like the others.
    assert login(_from(client, "172.16.9.9"), account.username, "wrong-pw-2").status_code == 200
    assert login(client, account.username, "wrong-pw-3").status_code == 429
    # Students typing their 考生号 or ID number are the same account to the throttle.
    assert login(_from(client, "172.16.0.1"), account.candidate.candidate_no).status_code == 429
    assert login(_from(client, "172.16.7.7"), account.candidate.national_id).status_code == 302


def test_unknown_names_are_throttled_like_known_ones(client, db):
    _from(client, "10.3.0.1")
    statuses = [login(client, "no-such-user", "wrong-pw-1").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_a_school_behind_one_address_signs_in(client, db):
    students = [create_account(Role.STUDENT) for _ in range(30)]
    db.session.commit()
    _from(client, "203.0.113.7")  # one NAT address for the whole school
    for student in students:
        login(client, student.username, "typo-pw-1")  # everyone mistypes once
        assert login(client, student.username).status_code == 302, student.username
        client.post("/logout", data={"csrf_token": _student_token(client)})


def _student_token(client) -> str:
    from tests.factories import csrf_token

    return csrf_token(client, "/student/")


def test_one_address_spraying_many_accounts_is_refused(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", "8 per minute")
    names = [create_account(Role.STUDENT).username for _ in range(9)]
    db.session.commit()
    _from(client, "198.51.100.4")
    statuses = [login(client, name, "12345678").status_code for name in names]
    assert statuses == [200] * 8 + [429]
    assert login(_from(client, "198.51.100.5"), names[-1], "12345678").status_code == 200


def test_counters_hold_no_identifier_in_clear():
    assert throttle.subject_key(7, "370102200705010011") == "a7"
    key = throttle.subject_key(None, "370102200705010011")
    assert "370102" not in key and key == throttle.subject_key(None, " 370102200705010011 ")


def test_the_counters_live_in_the_limiters_storage(app, db):
    limits = throttle.LoginLimits.parse(
        "2 per minute", "5 per minute", "1 per minute", "9 per minute"
    )
    with app.test_request_context():
        throttle.record_failure(limits, "a1", "10.9.9.9")
        storage = limiter.limiter.storage
        assert storage.get(parse("2 per minute").key_for("login", "pair", "a1", "10.9.9.9")) == 1


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "memory://"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/3"}, "redis://127.0.0.1:6379/3"),
        ({"REDIS_URL": "redis://a/1", "RATELIMIT_STORAGE_URI": "redis://b/2"}, "redis://b/2"),
    ],
)
def test_limits_are_shared_through_redis_when_it_is_configured(monkeypatch, environment, expected):
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert from_environment()["RATELIMIT_STORAGE_URI"] == expected
