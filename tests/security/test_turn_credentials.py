"""TURN credentials go only to a check under way, a few per check, for minutes (security review
3, F7; issue 23, item 5). Over HTTP against gunicorn with 2 workers."""

import time

from .attacker import Browser

TURN = {
    "TURN_URLS": "turn:turn.example.org:3478?transport=udp",
    "TURN_SECRET": "Xq7-made-up-turn-secret-for-the-credential-test-Zk3v9Rb2",
    "TURN_CREDENTIAL_LIMIT": "10 per hour",
}


def test_an_anonymous_client_gets_no_turn_credentials(limited_server):
    url = limited_server(**TURN)
    attacker = Browser(url)
    for _ in range(4):  # whichever worker answers
        answer = attacker.get("/probe/media/ice-servers")
        assert answer.status == 403
        assert "ice_servers" not in answer.json()
    # Having opened a page (a session cookie, but no check) is not enough either.
    attacker.get("/en/")
    assert attacker.get("/probe/media/ice-servers").status == 403


def test_a_check_under_way_gets_short_lived_credentials_a_few_times_only(limited_server):
    url = limited_server(**TURN)
    patient = Browser(url)
    assert patient.post("/en/check/new").status == 302
    answer = patient.get("/probe/media/ice-servers")
    assert answer.status == 200
    [server] = answer.json()["ice_servers"]
    expiry = int(server["username"].split(":")[0])
    assert time.time() < expiry <= time.time() + 300 + 5  # minutes, not years
    # A script harvesting credentials with that one check: the limit holds across workers.
    statuses = [patient.get("/probe/media/ice-servers").status for _ in range(15)]
    assert statuses.count(200) == 9 and statuses.count(429) == 6
    # Another patient's check is not affected.
    other = Browser(url)
    other.post("/en/check/new")
    assert other.get("/probe/media/ice-servers").status == 200


def test_starting_check_after_check_from_one_address_does_not_harvest_credentials(limited_server):
    url = limited_server(**TURN, TURN_ADDRESS_LIMIT="5 per hour")
    statuses = []
    for _ in range(8):
        harvester = Browser(url)  # a fresh "patient" each time, from the same address
        assert harvester.post("/en/check/new").status == 302
        statuses.append(harvester.get("/probe/media/ice-servers").status)
    assert statuses == [200] * 5 + [429] * 3
