"""The third review's attacks on codes, sessions, the lockout and the limits (issue 23, item 3:
F4, F8, F11, F12, F16), performed over HTTP against gunicorn with 2 workers, and refused."""

import base64
import re
import secrets
import statistics
import threading
import time
import zlib

from sqlalchemy import select

from readiness.api.keys import key_hash, key_prefix
from readiness.extensions import db
from readiness.models import ApiKey, Check, Invitation, PatientSession
from tests.conftest import STAFF_PASSWORD
from tests.support.records import add_results

from .attacker import Browser, Replay
from .records import PATIENT_EMAIL, audit, checks, invitation, staff

PATIENT_CONTACT = {
    "email": PATIENT_EMAIL,
    "mobile": "438 555-0432",
    "backup": "438 555-0433",
    "preferred_language": "fr",
    "preferred_contact": "sms",
}
ATTACKER_CONTACT = {
    "email": "someone.else@example.net",
    "mobile": "819 555-0999",
    "backup": "819 555-0998",
    "preferred_language": "fr",
    "preferred_contact": "sms",
}


def finish_attempt(app, browser: Browser, contact: dict, lang: str = "fr") -> None:
    """The rest of a check through the real pages once the browser holds it (results written
    straight to the database, as the browser's measurements would be)."""
    from readiness.checks.consent import consent_text

    with app.app_context():
        add_results(db.session.get(Check, checks(app)[-1].id))
        db.session.commit()
    assert browser.get(f"/{lang}/check/summary").status == 200
    sha = consent_text({}, lang).sha256
    answer = browser.post(f"/{lang}/check/consent", {"decision": "agreed", "text_sha256": sha})
    assert answer.status == 302, answer.text
    assert browser.post(f"/{lang}/check/contact", contact).status == 302
    answer = browser.post(f"/{lang}/check/contact/confirm")
    assert answer.location.endswith(f"/{lang}/check/done"), answer.text


def signed_in(url: str, role: str, email: str) -> Browser:
    person = Browser(url)
    answer = person.post("/auth/login", {"email": email, "password": STAFF_PASSWORD})
    assert answer.status == 302, answer.text
    person.csrf = None
    return person


def public_id_of(app, appointment_ref: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Invitation.public_id).where(Invitation.appointment_ref == appointment_ref)
        )


# F4: a code holder cannot replace what the clinician sees, nor use up the link.


def test_a_code_holder_does_not_replace_the_phone_the_clinician_calls(serve):
    """t2c.py: the patient finishes through the link; someone with the code finishes another
    attempt with other details. The clinician still calls the patient's number, and sees the
    other details beside it, marked as given later with the code."""
    url = serve()
    app = serve.app
    code, token = invitation(app, appointment_ref="PROD-ENC-2")
    patient = Browser(url)
    assert patient.post(f"/fr/i/{token}").location.endswith("/fr/check/connection")
    finish_attempt(app, patient, PATIENT_CONTACT)

    attacker = Browser(url)
    assert attacker.post("/fr/code", {"code": code}).location.endswith("/fr/check")
    finish_attempt(app, attacker, ATTACKER_CONTACT)
    assert len(checks(app)) == 2

    staff(app, "clinician", "clin@example.org")
    clinician = signed_in(url, "clinician", "clin@example.org")
    page = clinician.get(f"/clinic/visits/{public_id_of(app, 'PROD-ENC-2')}").text
    backup = page.split('data-testid="backup-phone"')[1].split("</dd>")[0]
    assert "438" in backup and "0433" in backup
    assert "0998" not in backup
    details = page.split('data-testid="contact-details"')[1].split("</dl>")[0]
    assert PATIENT_EMAIL in details and "someone.else" not in details
    changed = page.split('data-testid="contact-changed"')[1].split("</div>")[0]
    assert "someone.else@example.net" in changed and "0998" in changed
    assert "code" in changed  # said to come from an attempt started with the code


def test_an_unfinished_attempt_by_code_does_not_hide_the_finished_one(serve):
    url = serve()
    app = serve.app
    code, token = invitation(app, appointment_ref="APPT-F4-2")
    patient = Browser(url)
    assert patient.post(f"/fr/i/{token}").status == 302
    finish_attempt(app, patient, PATIENT_CONTACT)
    assert Browser(url).post("/fr/code", {"code": code}).status == 302  # and goes no further
    staff(app, "clinician", "clin@example.org")
    clinician = signed_in(url, "clinician", "clin@example.org")
    page = clinician.get(f"/clinic/visits/{public_id_of(app, 'APPT-F4-2')}").text
    assert re.search(r'data-status="ready" data-testid="patient-status"', page)


def test_joins_by_code_do_not_use_up_the_patients_link(serve):
    """t2b.py: joins by code, then the real link. The code has its own allowance."""
    url = serve(INVITATION_MAX_CHECKS=3, PROXY_COUNT=1)
    app = serve.app
    code, token = invitation(app, appointment_ref="APPT-F4-3")
    attacker = Browser(url)
    statuses = [
        attacker.post("/fr/code", {"code": code}, address=f"203.0.113.{n}").status for n in range(6)
    ]
    assert statuses == [302] * 3 + [400] * 3
    patient = Browser(url)
    assert patient.get(f"/fr/i/{token}").status == 200
    assert patient.post(f"/fr/i/{token}").location.endswith("/fr/check/connection")
    assert [check.by_code for check in checks(app)] == [True, True, True, False]


# F8: a lockout per account and address, unlocked by time, and the same time for every answer.


def wrong_password(url: str, email: str, address: str, password: str = "wrong password"):
    started = time.monotonic()
    answer = Browser(url).post("/auth/login", {"email": email, "password": password}, address)
    return answer.status, time.monotonic() - started


def test_an_anonymous_client_cannot_keep_a_clinician_out(serve):
    url = serve(
        PROXY_COUNT=1,
        SIGN_IN_LOCK_AFTER=5,
        SIGN_IN_LOCK_MINUTES=0.05,  # 3 seconds
        LOGIN_RATE_LIMIT="1000 per minute",
    )
    staff(serve.app, "clinician", "clin2@example.org")
    attacker = "203.0.113.66"
    for _ in range(7):
        assert wrong_password(url, "clin2@example.org", attacker)[0] == 400
    # The attacker's address is locked: even the right password is refused from there...
    status, _ = wrong_password(url, "clin2@example.org", attacker, STAFF_PASSWORD)
    assert status == 400
    # ...but the clinician, from their own address, signs in.
    clinician = Browser(url)
    answer = clinician.post(
        "/auth/login",
        {"email": "clin2@example.org", "password": STAFF_PASSWORD},
        address="192.0.2.10",
    )
    assert answer.status == 302
    locked = [e for e in audit(serve.app, "staff.sign_in_failed") if e.details.get("why")]
    assert {e.details["address"] for e in locked} == {attacker}
    # And the lock ends by itself, without a password change.
    time.sleep(3.5)
    status, _ = wrong_password(url, "clin2@example.org", attacker, STAFF_PASSWORD)
    assert status == 302


def test_answer_times_do_not_tell_which_emails_are_locked_accounts(serve):
    """t4c.py: a locked account answered in 9 ms, an unknown email in 170 ms."""
    url = serve(PROXY_COUNT=1, SIGN_IN_LOCK_AFTER=2, LOGIN_RATE_LIMIT="1000 per minute")
    staff(serve.app, "clinician", "clin2@example.org")
    address = "203.0.113.77"
    for _ in range(3):
        wrong_password(url, "clin2@example.org", address)
    locked = [wrong_password(url, "clin2@example.org", address)[1] for _ in range(7)]
    unknown = [wrong_password(url, "nobody@example.org", address)[1] for _ in range(7)]
    assert len([e for e in audit(serve.app, "staff.sign_in_failed") if e.details.get("why")]) >= 7
    ratio = statistics.median(locked) / statistics.median(unknown)
    print(
        f"median ms: locked {statistics.median(locked) * 1000:.0f}, unknown email "
        f"{statistics.median(unknown) * 1000:.0f}, ratio {ratio:.2f}"
    )
    assert 0.6 < ratio < 1.7, (locked, unknown)


def test_forty_parallel_wrong_passwords_get_no_more_password_checks_than_the_limit(serve):
    """tlockrace.py: 27 of 40 simultaneous tries reached the hash before the lock."""
    url = serve(PROXY_COUNT=1, SIGN_IN_LOCK_AFTER=5, LOGIN_RATE_LIMIT="1000 per minute")
    staff(serve.app, "clinician", "clin2@example.org")
    browsers = [Browser(url) for _ in range(40)]
    for browser in browsers:
        browser.token()
    barrier = threading.Barrier(40)
    statuses = []

    def attack(browser):
        barrier.wait()
        answer = browser.post(
            "/auth/login",
            {"email": "clin2@example.org", "password": "wrong password"},
            address="203.0.113.40",
        )
        statuses.append(answer.status)

    threads = [threading.Thread(target=attack, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [400] * 40
    failed = audit(serve.app, "staff.sign_in_failed")
    checked = [e for e in failed if "failures" in e.details]
    print(f"40 simultaneous wrong passwords: {len(checked)} checked against the hash")
    assert len(failed) == 40
    assert len(checked) <= 5, f"{len(checked)} were checked against the hash"


# F11: the service-wide wrong-code limit holds under parallel requests.


def test_parallel_wrong_codes_from_many_addresses_stop_at_the_service_wide_limit(limited_server):
    """t4b.py / t4redis.py: 144-180 of 400 processed against a limit of 100."""
    url = limited_server(PROXY_COUNT=1, CODE_FAILURE_LIMIT="20 per hour")
    browsers = [Browser(url) for _ in range(60)]
    for browser in browsers:
        browser.token()
    barrier = threading.Barrier(len(browsers))
    statuses = []

    def guess(n, browser):
        barrier.wait()
        code = f"WXYZ{n:04d}".translate(str.maketrans("0123456789", "23456789AB"))
        statuses.append(browser.post("/en/code", {"code": code}, address=f"198.51.100.{n}").status)

    threads = [threading.Thread(target=guess, args=pair) for pair in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        f"60 simultaneous wrong codes, limit 20: {{400: {statuses.count(400)}, 429: "
        f"{statuses.count(429)}}}"
    )
    assert statuses.count(400) == 20, statuses
    assert statuses.count(429) == 40
    assert len(audit(limited_server.app, "code.failed")) == 20


def test_a_right_code_is_not_counted_against_the_service_wide_limit(limited_server):
    url = limited_server(CODE_FAILURE_LIMIT="2 per hour", CODE_RATE_LIMIT="100 per minute")
    app = limited_server.app
    codes = [invitation(app, appointment_ref=f"APPT-F11-{n}")[0] for n in range(4)]
    for code in codes:
        assert Browser(url).post("/en/code", {"code": code}).status == 302
    assert Browser(url).post("/en/code", {"code": "WXYZ2345"}).status == 400


# F12: the API limit counts verified keys, and the wrong-key budget never locks a valid key.


def api_key(app, name="scheduling") -> str:
    from readiness.api.keys import new_key

    key = new_key()
    with app.app_context():
        db.session.add(ApiKey(name=name, prefix=key_prefix(key), key_hash=key_hash(key)))
        db.session.commit()
    return key


def test_junk_keys_with_a_real_keys_prefix_do_not_use_up_its_limit(limited_server):
    """tapikey.py: 320 junk keys rdy_Ms4oHzJ7…, then the real key got 429."""
    url = limited_server(
        PROXY_COUNT=1, API_RATE_LIMIT="10 per minute", API_FAILED_KEY_LIMIT="1000 per minute"
    )
    key = api_key(limited_server.app)
    attacker = Browser(url)
    statuses = [
        attacker.get(
            "/api/v1/checks",
            headers={
                "Authorization": f"Bearer {key_prefix(key)}{secrets.token_urlsafe(30)}",
                "X-Forwarded-For": f"203.0.113.{n}",
            },
        ).status
        for n in range(30)
    ]
    assert set(statuses) == {401}
    scheduling = Browser(url)
    answers = [
        scheduling.get(
            "/api/v1/checks",
            headers={"Authorization": f"Bearer {key}", "X-Forwarded-For": "192.0.2.50"},
        ).status
        for _ in range(12)
    ]
    assert answers == [200] * 10 + [429] * 2  # its own limit, counted under its own id


def test_wrong_keys_from_a_shared_address_do_not_lock_a_valid_key_out(limited_server):
    url = limited_server(API_FAILED_KEY_LIMIT="10 per minute")
    key = api_key(limited_server.app)
    neighbour = Browser(url)
    statuses = [
        neighbour.get(
            "/api/v1/checks", headers={"Authorization": f"Bearer rdy_{secrets.token_urlsafe(32)}"}
        ).status
        for _ in range(14)
    ]
    assert statuses == [401] * 10 + [429] * 4
    answer = Browser(url).get("/api/v1/checks", headers={"Authorization": f"Bearer {key}"})
    assert answer.status == 200


# F16: nothing typed in the cookie, no caching, and "Clear" ends the session on the server.


def cookie_text(cookie: str) -> str:
    """What anyone holding a Flask session cookie reads in it (signed, not encrypted)."""
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if compressed else data).decode("utf-8", "replace")


def test_typed_contact_details_never_travel_in_the_cookie(serve):
    """decode.py: the cookie between contact and confirm held the email and the phones."""
    from readiness.checks.consent import consent_text

    url = serve()
    app = serve.app
    code, _token = invitation(app, appointment_ref="APPT-F16-1")
    patient = Browser(url)
    assert patient.post("/fr/code", {"code": code}).status == 302
    with app.app_context():
        add_results(db.session.get(Check, checks(app)[-1].id))
        db.session.commit()
    sha = consent_text({}, "fr").sha256
    patient.post("/fr/check/consent", {"decision": "agreed", "text_sha256": sha})
    contact = {**PATIENT_CONTACT, "email": "bob.private@example.com", "mobile": "514 555-0188"}
    assert patient.post("/fr/check/contact", contact).status == 302
    text = cookie_text(patient.session_cookie())
    assert "bob.private" not in text and "0188" not in text and "pending" not in text
    confirm = patient.get("/fr/check/contact/confirm")
    assert "bob.private@example.com" in confirm.text  # kept on the server, shown to this browser
    assert confirm.headers["Cache-Control"] == "no-store"
    assert patient.get("/fr/check/contact").headers["Cache-Control"] == "no-store"
    with app.app_context():
        row = db.session.scalars(select(PatientSession)).one()
        assert row.pending_contact["typed"]["email"] == "bob.private@example.com"
    assert patient.post("/fr/check/contact/confirm").status == 302
    with app.app_context():
        assert db.session.scalars(select(PatientSession)).one().pending_contact is None


def test_a_cookie_copied_before_clear_no_longer_opens_the_check(serve):
    """The reviewer's replayed pre-clear cookie still got 200 with the masked details."""
    url = serve()
    app = serve.app
    code, _token = invitation(app, appointment_ref="APPT-F16-2")
    patient = Browser(url)
    assert patient.post("/fr/code", {"code": code}).status == 302
    finish_attempt(app, patient, PATIENT_CONTACT)
    copied = patient.session_cookie()
    assert Replay(url, copied).get("/fr/check/done").status == 200
    assert patient.post("/fr/check/clear").location.endswith("/fr/")
    for page in ("/fr/check/done", "/fr/check/contact", "/fr/check"):
        answer = Replay(url, copied).get(page)
        assert answer.status == 302 and answer.location.endswith("/fr/"), page
    with app.app_context():
        assert db.session.scalars(select(PatientSession)).all() == []
