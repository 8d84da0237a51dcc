"""Admins see the messages the scheduling module did not get, with their attempts, and retry."""

import re

from readiness.extensions import db
from readiness.handoff.deliver import Settings, deliver_due
from readiness.models import AuditEvent, Check, OutboxMessage, utcnow
from tests.conftest import free_port
from tests.support.journey import invite, run_journey
from tests.support.receiver import Receiver


def deliver(app):
    with app.app_context():
        report = deliver_due(db.session, Settings.from_config(app.config))
        db.session.remove()
        return report


def messages(app):
    with app.app_context():
        return db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_message_that_gave_up_is_shown_and_retried_by_an_admin(make_app, sign_in):
    receiver = Receiver(free_port(), status=503)
    app = make_app(
        SCHEDULING_WEBHOOK_URL=receiver.url,
        SCHEDULING_WEBHOOK_SECRET="made-up",
        HANDOFF_GIVE_UP_AFTER_HOURS=0,
    )
    receiver.start()
    try:
        run_journey(app, app.test_client(), invite(app))
        report = deliver(app)
        # The first message gave up; the second waits behind it, in order.
        assert (report.gave_up, report.delivered) == (1, 0)
        first, second = messages(app)
        assert first.gave_up_at is not None and first.last_error == "HTTP 503"
        assert second.attempts == 0

        admin = sign_in.client_for("admin")
        page = admin.get("/admin/handoff").text
        assert "Consent recorded" in page and first.delivery_id in page
        assert "consent.recorded" not in page
        assert "Messages not delivered yet: 2." in page
        assert "HTTP 503" in page and "Retry now" in page
        assert "The scheduling module had an error on its side (HTTP 503)." in page
        french = admin.get("/auth/language/fr?next=/admin/handoff", follow_redirects=True)
        assert french.status_code == 200
        assert "Consentement consigné" in french.text
        assert "Messages pas encore transmis\u00a0: 2." in french.text
        # The error is glossed in the reader's language; the code is in the words.
        assert "a eu une erreur de son côté (HTTP 503)" in french.text
        admin.get("/auth/language/en?next=/admin/handoff")

        receiver.status = 200
        response = admin.post(f"/admin/handoff/{first.id}/retry")
        assert response.status_code == 302
        assert deliver(app).delivered == 2
        assert [m.delivered_at is not None for m in messages(app)] == [True, True]
        with app.app_context():
            assert db.session.scalars(
                db.select(AuditEvent).where(AuditEvent.action == "handoff.retry")
            ).one()
        assert "No message has failed" in admin.get("/admin/handoff").text
    finally:
        receiver.stop()


def test_retry_needs_the_form_token(make_app, make_staff):
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_staff("admin")
    client = app.test_client()
    page = client.get("/auth/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/auth/login",
        data={"email": user.email, "password": "correct horse battery staple", "csrf_token": token},
    )
    assert client.get("/admin/handoff").status_code == 200
    assert client.post("/admin/handoff/1/retry").status_code == 400


def test_a_network_error_is_glossed_and_the_raw_error_kept(app, admin_client):
    """« URLError: [Errno 111] Connection refused » reads as words first, in French too."""
    with app.app_context():
        check = Check(public_id="glossed", reference_code="GLOSS234", language="fr")
        db.session.add(check)
        db.session.flush()
        db.session.add(
            OutboxMessage(
                check_id=check.id,
                event_type="check.completed",
                delivery_id="dlv-glossed",
                payload={},
                attempts=1,
                last_error="URLError: [Errno 111] Connection refused",
                next_attempt_at=utcnow(),
                created_at=utcnow(),
            )
        )
        db.session.commit()
    page = admin_client.get("/auth/language/fr?next=/admin/handoff", follow_redirects=True).text
    error = page.split('data-testid="last-error">')[1].split("</dd>")[0]
    assert error.startswith("Connexion refusée par le module de prise de rendez-vous.")
    assert '<code lang="en">URLError: [Errno 111] Connection refused</code>' in error
