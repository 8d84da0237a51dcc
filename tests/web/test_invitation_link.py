"""Invitation links: greeting, appointment time, closed links, return visits, codes."""

import re
from datetime import UTC, datetime, timedelta

from readiness.extensions import db
from readiness.models import Check, Invitation
from tests.support.records import add_invitation


def invite(app, **fields):
    with app.app_context():
        invitation, token = add_invitation(**fields)
        db.session.commit()
        return token, invitation.code


def test_link_greets_by_first_name_and_shows_the_appointment_in_french(app, client):
    with app.app_context():
        invitation, token = add_invitation(first_name="Amélie")
        invitation.appointment_at = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)
        invitation.expires_at = datetime.now(UTC) + timedelta(days=30)
        db.session.commit()
    page = client.get(f"/fr/i/{token}").text
    assert "Bonjour Amélie," in page
    assert "mardi 1er décembre 2026 à 14\u00a0h\u00a030" in page
    page = client.get(f"/en/i/{token}").text
    assert "Hello Amélie," in page
    assert "Tuesday, December 1, 2026 at 2:30" in page


def test_link_without_a_first_name_greets_plainly(app, client):
    token, _ = invite(app, first_name=None)
    assert "<h1>Hello,</h1>" in client.get(f"/en/i/{token}").text


def test_unknown_expired_and_used_up_links_say_the_same_thing(make_app):
    app = make_app(INVITATION_MAX_CHECKS=1)
    client = app.test_client()
    expired, _ = invite(app, hours_from_now=-13)
    used, _ = invite(app, appointment_ref="APPT-USED")
    client.post(f"/en/i/{used}")
    pages = [client.get(f"/en/i/{token}") for token in ("no-such-token", expired, used)]
    assert {page.status_code for page in pages} == {404}
    tokens = ("no-such-token", expired, used)
    texts = set()
    for token, page in zip(tokens, pages, strict=True):
        text = re.sub(r'csrf-token" content="[^"]+"', "", page.text.replace(token, "TOKEN"))
        texts.add(text)
    assert len(texts) == 1
    assert "This link no longer works" in pages[0].text
    assert "1-800-555-0199" in pages[0].text


def test_starting_from_a_link_ties_the_check_to_the_invitation(app, client):
    token, _ = invite(app)
    response = client.post(f"/fr/i/{token}")
    assert response.status_code == 302
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        assert check.invitation is not None and check.language == "fr"


def test_return_visit_shows_the_latest_result_and_keeps_every_attempt(app, client):
    token, _ = invite(app)
    client.post(f"/en/i/{token}")
    with app.app_context():
        first = db.session.scalar(db.select(Check))
        first.completed_at = datetime.now(UTC)
        first.verdict = "limited"
        code = first.reference_code
        db.session.commit()
    page = client.get(f"/en/i/{token}").text
    assert "Your last check" in page
    assert f"{code[:3]}-{code[3:]}" in page
    assert 'data-verdict="limited"' in page
    assert "Do the check again" in page
    client.post(f"/en/i/{token}")
    with app.app_context():
        invitation = db.session.scalar(db.select(Invitation))
        assert len(invitation.checks) == 2


def test_invitation_code_read_over_the_phone_starts_a_check_for_it(app, client):
    _, code = invite(app)
    response = client.post("/en/code", data={"code": code.lower()})
    assert response.headers["Location"] == "/en/check"
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        assert check.invitation.code == code


def test_tokens_are_stored_only_as_hashes(app):
    token, _ = invite(app)
    with app.app_context():
        invitation = db.session.scalar(db.select(Invitation))
        assert token not in invitation.token_hash
        assert len(token) >= 43
