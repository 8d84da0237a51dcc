"""Sessions that end when they should, for staff and patients (issue 13, items 2 and 6)."""

import subprocess
import sys
import time

from tests.conftest import PROJECT_ROOT, STAFF_PASSWORD, server_environment

from .attacker import Browser, Replay
from .records import PATIENT_EMAIL, audit, finish_over_http, invitation, staff


def signed_in(url: str, email: str = "agent@example.org") -> Browser:
    agent = Browser(url)
    answer = agent.post("/auth/login", {"email": email, "password": STAFF_PASSWORD})
    assert answer.status == 302, answer.text
    agent.csrf = None  # signing in starts a new session, with a new form token
    assert agent.get("/desk/").status == 200
    return agent


def flask_command(database_url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=PROJECT_ROOT,
        env=server_environment(database_url),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_a_cookie_captured_before_sign_out_is_refused_after_it(serve):
    url = serve()
    staff(serve.app, "desk", "agent@example.org")
    agent = signed_in(url)
    captured = agent.session_cookie()
    assert agent.post("/auth/logout").status == 302
    replayed = Replay(url, captured)
    answer = replayed.get("/desk/")
    assert answer.status == 302 and "/auth/login" in answer.location


def test_a_staff_session_ends_after_its_lifetime_even_when_busy(serve):
    url = serve(STAFF_SESSION_HOURS=0.001)  # 3.6 seconds
    staff(serve.app, "desk", "agent@example.org")
    agent = signed_in(url)
    time.sleep(4)
    assert "/auth/login" in agent.get("/desk/").location


def test_sign_out_everywhere_disabling_and_a_new_password_end_sessions(serve, database_url):
    url = serve()
    staff(serve.app, "desk", "agent@example.org")
    first, second = signed_in(url), signed_in(url)
    output = flask_command(database_url, "staff", "sign-out", "--email", "agent@example.org")
    assert "Ended 2 session(s)" in output
    for agent in (first, second):
        assert "/auth/login" in agent.get("/desk/").location
    assert audit(serve.app, "staff.signed_out_everywhere")[0].details["ended"] == 2

    third = signed_in(url)
    flask_command(database_url, "staff", "set-password", "--email", "agent@example.org")
    assert "/auth/login" in third.get("/desk/").location

    staff(serve.app, "desk", "other@example.org")
    fourth = signed_in(url, "other@example.org")
    flask_command(database_url, "staff", "disable", "--email", "other@example.org")
    assert "/auth/login" in fourth.get("/desk/").location


def test_after_the_check_is_done_contact_details_are_shown_masked(serve):
    url = serve()
    code, _token = invitation(serve.app, appointment_ref="APPT-SESSION-1")
    patient = Browser(url)
    finish_over_http(serve.app, patient, code)
    page = patient.get("/fr/check/contact").text
    assert PATIENT_EMAIL not in page
    assert "613" not in page and "0142" in page  # ••• ••• 0142
    assert "a\u2022\u2022\u2022@example.org" in page


def test_clear_this_check_from_this_browser_on_a_shared_computer(serve):
    url = serve()
    code, _token = invitation(serve.app, appointment_ref="APPT-SESSION-2")
    patient = Browser(url)
    finish_over_http(serve.app, patient, code)
    captured = patient.session_cookie()
    assert "Effacer cette vérification de ce navigateur" in patient.get("/fr/check/done").text
    assert patient.post("/fr/check/clear").location.endswith("/fr/")
    next_person = Replay(url, patient.session_cookie())
    assert next_person.get("/fr/check/done").location.endswith("/fr/")
    # The cookie from before the clearing no longer holds anything: the session ended on the
    # server (issue 23, F16).
    replayed = Replay(url, captured).get("/fr/check/contact")
    assert replayed.status == 302 and PATIENT_EMAIL not in replayed.text


def test_a_patient_session_ends_by_itself_without_activity(serve):
    url = serve(PATIENT_SESSION_HOURS=0.001)  # 3.6 seconds
    code, _token = invitation(serve.app, appointment_ref="APPT-SESSION-3")
    patient = Browser(url)
    assert patient.post("/fr/code", {"code": code}).location.endswith("/fr/check")
    assert patient.get("/fr/check").status == 200
    time.sleep(4)
    assert patient.get("/fr/check").location.endswith("/fr/")
