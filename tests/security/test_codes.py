"""Codes find a check for staff; they never open one in a browser (issue 13, items 1 and 3)."""

from readiness.checks.codes import ALPHABET

from .attacker import Browser
from .records import (
    PATIENT_EMAIL,
    audit,
    checks,
    desk_started_check,
    finish_over_http,
    finished_check,
    invitation,
)


def test_a_reference_code_does_not_open_someone_elses_check(limited_server):
    url = limited_server()
    code = finished_check(limited_server.app)
    attacker = Browser(url)
    answer = attacker.post("/fr/code", {"code": code})
    assert answer.status == 400
    # Nothing of the patient's check reaches the attacker's browser, whatever page it asks for.
    for page in ("/fr/check", "/fr/check/contact", "/fr/check/done"):
        response = attacker.get(page)
        assert response.status == 302 and response.location.endswith("/fr/")
        assert PATIENT_EMAIL not in response.text
    # The failed try is on the record with the address, never the code.
    failed = audit(limited_server.app, "code.failed")
    assert [event.details for event in failed] == [{"address": "127.0.0.1"}]
    assert code not in str(failed[0].details)


def test_a_desk_code_joins_once_one_browser_only(limited_server):
    url = limited_server()
    code = desk_started_check(limited_server.app)
    caller, second = Browser(url), Browser(url)
    assert caller.post("/en/code", {"code": code.lower()}).location.endswith("/en/check")
    assert second.post("/en/code", {"code": code}).status == 400
    assert second.get("/en/check").location.endswith("/en/")
    assert caller.get("/en/check").status == 200


def test_a_desk_code_expires_and_stops_once_the_check_has_begun(limited_server):
    url = limited_server(DESK_CODE_MINUTES=30)
    stale = desk_started_check(limited_server.app, code="STAL2345", minutes_ago=31)
    begun = desk_started_check(limited_server.app, code="BEGN2345", step="connection")
    for code in (stale, begun):
        assert Browser(url).post("/en/code", {"code": code}).status == 400


def test_an_invitation_code_starts_a_new_attempt_that_shows_nothing_of_another(limited_server):
    url = limited_server()
    app = limited_server.app
    code, _token = invitation(app, appointment_ref="APPT-SEC-1")
    patient_check = finish_over_http(app, Browser(url), code)
    someone_else = Browser(url)
    assert someone_else.post("/fr/code", {"code": code}).location.endswith("/fr/check")
    attempts = checks(app)
    assert len(attempts) == 2 and attempts[-1].id != patient_check
    for page in ("/fr/check", "/fr/check/summary", "/fr/check/consent", "/fr/check/contact"):
        assert PATIENT_EMAIL not in someone_else.get(page).text


def test_guessing_invitation_codes_leaves_the_patients_link_and_result_alone(limited_server):
    url = limited_server(PROXY_COUNT=1)
    app = limited_server.app
    code, token = invitation(app, appointment_ref="APPT-SEC-2")
    attacker = Browser(url)
    # 25 guesses next to the real code, from 25 addresses.
    guesses = [code[:-1] + ch for ch in ALPHABET if ch != code[-1]][:25]
    statuses = [
        attacker.post("/fr/code", {"code": guess}, address=f"203.0.113.{n}").status
        for n, guess in enumerate(guesses)
    ]
    assert set(statuses) == {400}
    assert checks(app) == []  # no attempt was made for the appointment
    patient = Browser(url)
    assert patient.get(f"/fr/i/{token}").status == 200
    assert len(audit(app, "code.failed")) == 25
