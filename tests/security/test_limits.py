"""Limits that hold across gunicorn workers and addresses (issue 13, items 3, 4 and 5)."""

import secrets

from readiness.api.keys import key_prefix
from tests.conftest import STAFF_PASSWORD

from .attacker import Browser
from .records import audit, checks, invitation, staff

DIGITS = str.maketrans("0123456789", "23456789AB")  # codes never hold 0 or 1


def wrong_code(prefix: str, n: int) -> str:
    """An 8-character code that nothing holds."""
    return prefix + f"{n:04d}".translate(DIGITS)


def test_forty_wrong_codes_from_one_address_let_at_most_ten_reach_the_lookup(limited_server):
    url = limited_server(CODE_RATE_LIMIT="10 per minute;60 per hour")
    attacker = Browser(url)
    statuses = [
        attacker.post("/en/code", {"code": wrong_code("ABCD", n)}).status for n in range(40)
    ]
    assert statuses.count(400) <= 10
    assert statuses.count(429) >= 30
    assert len(audit(limited_server.app, "code.failed")) <= 10


def test_wrong_codes_from_many_addresses_hit_the_service_wide_limit(limited_server):
    """With unlimited addresses the per-address limit does not bind; the global one does,
    and while it holds even a right code is refused (the attacker's could be right too)."""
    url = limited_server(PROXY_COUNT=1, CODE_FAILURE_LIMIT="20 per hour")
    code, _token = invitation(limited_server.app, appointment_ref="APPT-LIMIT-1")
    attacker = Browser(url)
    statuses = [
        attacker.post(
            "/en/code",
            {"code": wrong_code("WXYZ", n)},
            address=f"198.51.100.{n}",
        ).status
        for n in range(50)
    ]
    assert statuses.count(400) == 20
    assert statuses[20:] == [429] * 30
    patient = Browser(url)
    assert patient.post("/en/code", {"code": code}, address="192.0.2.7").status == 429
    assert checks(limited_server.app) == []
    assert len(audit(limited_server.app, "code.failed")) == 20
    assert len(audit(limited_server.app, "code.refused")) == 31


def test_a_spoofed_forwarded_for_does_not_make_a_new_address_without_a_proxy(limited_server):
    url = limited_server(CODE_RATE_LIMIT="10 per minute")
    attacker = Browser(url)
    statuses = [
        attacker.post("/en/code", {"code": "QRST2345"}, address=f"203.0.113.{n}").status
        for n in range(15)
    ]
    assert statuses.count(429) == 5


def test_wrong_passwords_lock_their_address_out_of_the_account(limited_server):
    """Counted per account and address (issue 23, F8): the address that guessed waits, even
    with the right password; another address is not locked out by it."""
    url = limited_server(PROXY_COUNT=1, SIGN_IN_LOCK_AFTER=5, SIGN_IN_LOCK_MINUTES=10)
    staff(limited_server.app, "desk", "agent@example.org")
    attacker = Browser(url)
    for n in range(6):
        answer = attacker.post(
            "/auth/login",
            {"email": "agent@example.org", "password": f"wrong-{n}"},
            address="203.0.113.9",
        )
        assert answer.status == 400
    answer = attacker.post(
        "/auth/login",
        {"email": "agent@example.org", "password": STAFF_PASSWORD},
        address="203.0.113.9",
    )
    assert answer.status == 400
    assert attacker.get("/desk/").status == 302
    agent = Browser(url)
    answer = agent.post(
        "/auth/login",
        {"email": "agent@example.org", "password": STAFF_PASSWORD},
        address="192.0.2.10",
    )
    assert answer.status == 302
    failed = audit(limited_server.app, "staff.sign_in_failed")
    assert len(failed) == 7
    assert [e.details.get("failures") for e in failed[:5]] == [1, 2, 3, 4, 5]
    assert failed[-1].details == {"address": "203.0.113.9", "why": "locked"}
    assert STAFF_PASSWORD not in str([e.details for e in failed])


def test_random_api_keys_are_limited_per_address_and_recorded_by_prefix(limited_server):
    url = limited_server(API_FAILED_KEY_LIMIT="10 per minute")
    client = Browser(url)
    keys = [f"rdy_{secrets.token_urlsafe(32)}" for _ in range(14)]
    statuses = [
        client.get("/api/v1/checks", headers={"Authorization": f"Bearer {key}"}).status
        for key in keys
    ]
    assert statuses == [401] * 10 + [429] * 4
    refused = audit(limited_server.app, "api.key_refused")
    assert [e.details["prefix"] for e in refused] == [key_prefix(k) for k in keys[:10]]
    assert all(k not in str(e.details) for e, k in zip(refused, keys, strict=False))


def test_desk_searches_are_limited_per_agent_and_each_is_recorded(limited_server):
    url = limited_server(DESK_SEARCH_RATE_LIMIT="5 per minute")
    staff(limited_server.app, "desk", "agent@example.org")
    agent = Browser(url)
    answer = agent.post("/auth/login", {"email": "agent@example.org", "password": STAFF_PASSWORD})
    assert answer.status == 302
    statuses = [agent.get(f"/desk/?q=514555{n:04d}").status for n in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    lookups = audit(limited_server.app, "desk.lookup")
    searched = [e.details for e in lookups if e.details.get("by") == "phone"]
    assert len(searched) == 5
    # Nothing found: a keyed hash of what was searched, never the number.
    assert all(len(d["searched"]) == 32 and "514555" not in str(d) for d in searched)
