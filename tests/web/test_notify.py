"""The service sends the invitation and reminders itself, to a real SMTP server (aiosmtpd) and a
local HTTP server shaped like Twilio's Messages API; `flask notify send-due` sends what is due."""

import base64
import re
from datetime import timedelta

import pytest

from readiness.extensions import db
from readiness.models import Check, Invitation, Notification, OutboxMessage, utcnow
from readiness.notify.views import twilio_signature
from tests.conftest import STAFF_PASSWORD, free_port
from tests.support.messaging import SmsProvider, SmtpServer
from tests.support.records import add_results
from tests.web.api_support import ApiClient, create_key

SMS_SETTINGS = {
    "SMS_ACCOUNT": "AC0123456789",
    "SMS_TOKEN": "made-up-token",
    "SMS_FROM": "+15145550100",
}


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sms():
    provider = SmsProvider(free_port())
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def messaging_app(make_app, smtp, sms):
    return make_app(
        SMTP_URL=smtp.url,
        MAIL_FROM="rendez-vous@example.org",
        SMS_URL=sms.url,
        **SMS_SETTINGS,
    )


def invite(app, *, hours=72, language="fr", send=("email", "sms"), ref="RV-1001", **fields):
    api = ApiClient(app.test_client(), create_key(app))
    body = {
        "appointment_ref": ref,
        "appointment_at": (utcnow() + timedelta(hours=hours)).isoformat(),
        "language": language,
        "first_name": "Amélie",
        "email": "amelie.roy@example.org",
        "phone": "514 555-0123",
        "send": list(send),
        **fields,
    }
    response = api.post("/invitations", json=body)
    assert response.status_code == 201, response.text
    return response.get_json()


def send_due(app, now=None):
    args = ["notify", "send-due"] + (["--now", now.isoformat()] if now else [])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.output


def daytime(app):
    """Noon tomorrow where the patient is: text messages wait out the night (quiet hours)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(app.config["TIMEZONE"])
    return (utcnow() + timedelta(days=1)).astimezone(zone).replace(hour=12, minute=0)


def finish_check(app, invitation_id, connection="ready"):
    with app.app_context():
        invitation = db.session.scalar(
            db.select(Invitation).where(Invitation.public_id == invitation_id)
        )
        check = Check(reference_code=f"R{invitation.id:07d}", language="fr", invitation=invitation)
        db.session.add(check)
        db.session.flush()
        add_results(check, connection=connection)
        check.completed_at = utcnow()
        check.verdict = "ready" if connection == "ready" else "not_ready"
        db.session.commit()


def statuses(app, ref):
    with app.app_context():
        rows = db.session.scalars(
            db.select(Notification)
            .join(Invitation)
            .where(Invitation.appointment_ref == ref)
            .order_by(Notification.id)
        )
        return {(row.kind, row.channel): (row.status, row.last_error) for row in rows}


def test_an_api_invitation_with_send_arrives_by_email_and_text_in_the_patients_language(
    messaging_app, smtp, sms
):
    document = invite(messaging_app, language="fr", hours=120)
    assert "Messages: sent 2, failed 0" in send_due(messaging_app, now=daytime(messaging_app))

    [mail] = smtp.recorder.messages
    assert mail["To"] == "amelie.roy@example.org"
    assert mail["Content-Language"] == "fr"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert document["url"] in text and f'href="{document["url"]}"' in html
    assert "Bonjour Amélie" in text
    assert "carte d’assurance maladie" in text  # never asked for by email or text
    assert "1 800 555-0199" in text.replace("\u00a0", " ")
    assert re.search(r"/fr/reminders/stop/\S+", text)

    [text_message] = sms.received
    assert text_message["To"] == "+15145550123"
    assert text_message["From"] == "+15145550100"
    assert text_message["path"] == "/2010-04-01/Accounts/AC0123456789/Messages.json"
    expected_auth = base64.b64encode(b"AC0123456789:made-up-token").decode()
    assert text_message["authorization"] == f"Basic {expected_auth}"
    assert document["url"] in text_message["Body"]
    assert len(text_message["Body"]) <= 160
    assert "consultation vidéo" in text_message["Body"].lower()

    assert statuses(messaging_app, "RV-1001")[("invitation", "email")] == ("sent", None)
    assert statuses(messaging_app, "RV-1001")[("invitation", "sms")] == ("sent", None)
    with messaging_app.app_context():
        events = db.session.scalars(db.select(OutboxMessage.event_type)).all()
        assert events.count("notification.sent") == 2
    # Sending again sends nothing twice.
    send_due(messaging_app, now=daytime(messaging_app))
    assert len(smtp.recorder.messages) == 1 and len(sms.received) == 1


def test_an_english_invitation_is_in_english(messaging_app, smtp, sms):
    invite(messaging_app, language="en", send=("email",))
    send_due(messaging_app)
    [mail] = smtp.recorder.messages
    assert "Hello Amélie" in mail.get_body(("plain",)).get_content()
    assert "health card" in mail.get_body(("plain",)).get_content()
    assert sms.received == []


def test_the_reminder_goes_48_hours_before_only_to_a_patient_with_no_finished_check(
    messaging_app, smtp, sms
):
    waiting = invite(messaging_app, ref="RV-2001", send=("email",))
    finished = invite(messaging_app, ref="RV-2002", send=("email",))
    send_due(messaging_app)  # the two invitations
    finish_check(messaging_app, finished["id"])
    assert len(smtp.recorder.messages) == 2

    send_due(messaging_app, now=utcnow() + timedelta(hours=23))  # 49 h before: not yet
    assert len(smtp.recorder.messages) == 2
    send_due(messaging_app, now=utcnow() + timedelta(hours=25))  # 47 h before
    assert [m["To"] for m in smtp.recorder.messages[2:]] == ["amelie.roy@example.org"]
    assert "pas encore terminé" in smtp.recorder.messages[2].get_body(("plain",)).get_content()
    assert statuses(messaging_app, "RV-2001")[("reminder", "email")] == ("sent", None)
    assert statuses(messaging_app, "RV-2002")[("reminder", "email")] == (
        "skipped",
        "check_finished",
    )
    assert waiting["id"] != finished["id"]


def test_the_morning_reminder_goes_only_when_the_last_check_was_not_ready(messaging_app, smtp, sms):
    # A visit in the afternoon, where the patient is: one 30 hours ahead fell before 08:00 when
    # the suite ran in the evening (Montréal), and a visit before 08:00 has no morning reminder.
    visit = (daytime(messaging_app) + timedelta(days=1, hours=2)).isoformat()
    not_ready = invite(messaging_app, ref="RV-3001", send=("sms",), appointment_at=visit)
    ready = invite(messaging_app, ref="RV-3002", send=("sms",), appointment_at=visit)
    finish_check(messaging_app, not_ready["id"], connection="not_ready")
    finish_check(messaging_app, ready["id"], connection="ready")
    with messaging_app.app_context():
        morning = db.session.scalar(
            db.select(Notification.due_at).where(Notification.kind == "morning").limit(1)
        )
    send_due(messaging_app, now=morning + timedelta(minutes=1))
    bodies = [message["Body"] for message in sms.received if "aujourd’hui" in message["Body"]]
    assert len(bodies) == 1 and len(bodies[0]) <= 160
    assert statuses(messaging_app, "RV-3001")[("morning", "sms")] == ("sent", None)
    assert statuses(messaging_app, "RV-3002")[("morning", "sms")] == ("skipped", "not_needed")


def test_an_smtp_outage_delays_the_email_then_delivers_it_exactly_once(messaging_app, smtp):
    smtp.stop()
    invite(messaging_app, ref="RV-4001", send=("email",))
    send_due(messaging_app)
    status, error = statuses(messaging_app, "RV-4001")[("invitation", "email")]
    assert (status, error) == ("pending", "relay_unreachable")
    smtp.start()
    send_due(messaging_app)  # not due again yet: backoff
    assert smtp.recorder.messages == []
    send_due(messaging_app, now=utcnow() + timedelta(minutes=5))
    send_due(messaging_app, now=utcnow() + timedelta(minutes=10))
    assert len(smtp.recorder.messages) == 1
    assert statuses(messaging_app, "RV-4001")[("invitation", "email")] == ("sent", None)


def test_a_refused_address_or_number_is_shown_as_failed_and_told_to_the_scheduling_module(
    messaging_app, smtp, sms
):
    sms.refuse_numbers.add("+15145550123")
    invite(messaging_app, ref="RV-5001", email="nobody@refused.example.org", hours=120)
    send_due(messaging_app, now=daytime(messaging_app))
    found = statuses(messaging_app, "RV-5001")
    assert found[("invitation", "email")] == ("failed", "address_refused")
    assert found[("invitation", "sms")] == ("failed", "provider_21211")
    with messaging_app.app_context():
        events = db.session.scalars(db.select(OutboxMessage.event_type)).all()
        assert events.count("notification.failed") == 2


def test_no_text_message_at_night_it_waits_for_eight_in_the_morning(messaging_app, sms):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(messaging_app.config["TIMEZONE"])
    invite(messaging_app, ref="RV-6001", send=("sms",), hours=96)
    night = (utcnow() + timedelta(days=1)).astimezone(zone).replace(hour=22, minute=30)
    send_due(messaging_app, now=night)
    assert sms.received == []
    with messaging_app.app_context():
        due = db.session.scalar(
            db.select(Notification.due_at).where(Notification.kind == "invitation")
        )
    assert due.astimezone(zone).hour == 8


def test_the_emails_link_stops_the_reminders_after_a_button_press(messaging_app, smtp):
    invite(messaging_app, ref="RV-7001", send=("email",))
    send_due(messaging_app)
    text = smtp.recorder.messages[0].get_body(("plain",)).get_content()
    path = re.search(r"https?://[^/]+(/fr/reminders/stop/\S+)", text).group(1)
    client = messaging_app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "Arrêter les rappels" in page.text
    assert statuses(messaging_app, "RV-7001")[("reminder", "email")][0] == "pending"
    client.post(path)
    assert "aucun autre rappel" in client.get(path).text
    send_due(messaging_app, now=utcnow() + timedelta(hours=25))
    assert statuses(messaging_app, "RV-7001")[("reminder", "email")] == (
        "skipped",
        "unsubscribed",
    )
    assert client.get("/fr/reminders/stop/forged-token").status_code == 404


def test_a_stop_reply_by_text_message_ends_the_reminders_only_when_signed(messaging_app, sms):
    invite(messaging_app, ref="RV-8001", send=("sms",))
    client = messaging_app.test_client()
    form = {"From": "+15145550123", "Body": "Stop"}
    url = "http://localhost/notify/sms/inbound"
    forged = client.post(url, data=form, headers={"X-Twilio-Signature": "bm9wZQ=="})
    assert forged.status_code == 403
    signature = twilio_signature("made-up-token", url, form)
    answer = client.post(url, data=form, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200
    with messaging_app.app_context():
        invitation = db.session.scalar(db.select(Invitation))
        assert invitation.reminders_stopped_at is not None


def test_nothing_is_sent_for_an_erased_check(messaging_app, smtp):
    document = invite(messaging_app, ref="RV-9001", send=("email",))
    finish_check(messaging_app, document["id"], connection="not_ready")
    with messaging_app.app_context():
        check = db.session.scalar(db.select(Check))
        check.erased_at = utcnow()
        db.session.commit()
    send_due(messaging_app)
    assert smtp.recorder.messages == []
    assert statuses(messaging_app, "RV-9001")[("invitation", "email")] == ("skipped", "erased")


def test_the_api_refuses_send_without_an_address_or_an_unknown_channel(messaging_app):
    api = ApiClient(messaging_app.test_client(), create_key(messaging_app))
    body = {
        "appointment_ref": "RV-10",
        "appointment_at": (utcnow() + timedelta(days=3)).isoformat(),
        "language": "en",
    }
    for send in (["email"], ["fax"], "email", [1]):
        response = api.post("/invitations", json={**body, "send": send})
        assert response.status_code == 422, send
        assert response.get_json()["error"]["field"] == "send"


def test_the_api_refuses_send_when_the_service_has_no_such_settings(make_app):
    app = make_app()
    api = ApiClient(app.test_client(), create_key(app))
    body = {
        "appointment_ref": "RV-11",
        "appointment_at": (utcnow() + timedelta(days=3)).isoformat(),
        "language": "en",
        "email": "pat@example.org",
        "send": ["email"],
    }
    response = api.post("/invitations", json=body)
    assert response.status_code == 422
    assert "no email settings" in response.get_json()["error"]["message"]


def test_a_clinician_invites_with_email_and_the_service_sends_it(make_app, make_staff, smtp):
    app = make_app(SMTP_URL=smtp.url, MAIL_FROM="rendez-vous@example.org")
    clinician = make_staff("clinician", email="dr.gagnon@example.org")
    client = app.test_client()
    client.post("/auth/login", data={"email": clinician.email, "password": STAFF_PASSWORD})
    page = client.get("/clinic/invite")
    assert 'data-testid="send-email"' in page.text and 'data-testid="send-sms"' not in page.text
    when = (utcnow() + timedelta(days=5)).astimezone()
    form = {
        "appointment_ref": "RV-12",
        "appointment_date": when.strftime("%Y-%m-%d"),
        "appointment_time": "14:30",
        "language": "en",
        "clinician_id": str(clinician.id),
        "email": "not-an-address",
        "send_email": "y",
    }
    refused = client.post("/clinic/invite", data=form)
    assert refused.status_code == 400 and "like name@example.com" in refused.text
    form["email"] = "pat.gagnon@example.org"
    assert client.post("/clinic/invite", data=form).status_code == 200
    send_due(app)
    [mail] = smtp.recorder.messages
    assert mail["To"] == "pat.gagnon@example.org"
    with app.app_context():
        invitation = db.session.scalar(db.select(Invitation))
    page = client.get(f"/clinic/visits/{invitation.public_id}")
    assert 'data-testid="patient-messages"' in page.text and 'data-status="sent"' in page.text


def test_a_text_message_that_bounces_later_is_marked_failed_by_the_signed_status_callback(
    messaging_app, sms
):
    invite(messaging_app, ref="RV-13", send=("sms",), hours=120)
    send_due(messaging_app, now=daytime(messaging_app))
    [sent] = sms.received
    assert sent["StatusCallback"] == "http://localhost/notify/sms/status"
    with messaging_app.app_context():
        sid = db.session.scalar(
            db.select(Notification.provider_id).where(Notification.kind == "invitation")
        )
    client = messaging_app.test_client()
    url = "http://localhost/notify/sms/status"
    form = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30005"}
    forged = client.post(url, data=form, headers={"X-Twilio-Signature": "bm9wZQ=="})
    assert forged.status_code == 403
    assert statuses(messaging_app, "RV-13")[("invitation", "sms")] == ("sent", None)
    signature = twilio_signature("made-up-token", url, form)
    assert client.post(url, data=form, headers={"X-Twilio-Signature": signature}).status_code == 204
    assert statuses(messaging_app, "RV-13")[("invitation", "sms")] == ("failed", "provider_30005")
    with messaging_app.app_context():
        events = db.session.scalars(db.select(OutboxMessage.event_type)).all()
    assert events.count("notification.failed") == 1


def test_a_patient_in_another_zone_reads_the_visits_time_there_and_gets_no_text_at_night(
    messaging_app, smtp, sms
):
    from zoneinfo import ZoneInfo

    vancouver = ZoneInfo("America/Vancouver")
    moment = (utcnow() + timedelta(days=5)).astimezone(vancouver).replace(hour=9, minute=15)
    api = ApiClient(messaging_app.test_client(), create_key(messaging_app))
    body = {
        "appointment_ref": "RV-14",
        "appointment_at": moment.isoformat(),
        "language": "en",
        "email": "amelie.roy@example.org",
        "phone": "604 555-0123",
        "time_zone": "America/Vancouver",
        "send": ["email", "sms"],
    }
    assert api.post("/invitations", json=body).status_code == 201
    # 06:00 in Vancouver is 09:00 in Montréal: the text message still waits.
    early = (utcnow() + timedelta(days=1)).astimezone(vancouver).replace(hour=6, minute=0)
    send_due(messaging_app, now=early)
    assert sms.received == []
    text = smtp.recorder.messages[0].get_body(("plain",)).get_content()
    assert "at 9:15\u202fa.m." in text  # 9:15 in Vancouver, not 12:15 in Montréal
    with messaging_app.app_context():
        morning = db.session.scalar(
            db.select(Notification.due_at).where(Notification.kind == "morning").limit(1)
        )
    assert morning.astimezone(vancouver).hour == 8
    for bad in ("Mars/Olympus_Mons", "../etc/passwd", 5):
        response = api.post(
            "/invitations", json={**body, "appointment_ref": "RV-15", "time_zone": bad}
        )
        assert response.status_code == 422 and response.get_json()["error"]["field"] == "time_zone"


def test_admins_see_the_messages_that_did_not_go_and_try_them_again(
    messaging_app, smtp, make_staff
):
    smtp.stop()
    invite(messaging_app, ref="RV-16", send=("email",))
    send_due(messaging_app)
    send_due(messaging_app, now=utcnow() + timedelta(hours=13))  # past the 12 h of retries
    assert statuses(messaging_app, "RV-16")[("invitation", "email")] == (
        "failed",
        "relay_unreachable",
    )
    admin = make_staff("admin", email="admin.tremblay@example.org")
    client = messaging_app.test_client()
    client.post("/auth/login", data={"email": admin.email, "password": STAFF_PASSWORD})
    page = client.get("/admin/patient-messages")
    assert page.status_code == 200 and "RV-16" in page.text
    assert "amelie.roy@example.org" not in page.text
    assert "Not sent: the mail server could not be reached" in page.text
    with messaging_app.app_context():
        public_id = db.session.scalar(
            db.select(Notification.public_id).where(Notification.kind == "invitation")
        )
    assert client.post(f"/admin/patient-messages/{public_id}/retry").status_code == 302
    smtp.start()
    send_due(messaging_app)
    assert len(smtp.recorder.messages) == 1
    assert statuses(messaging_app, "RV-16")[("invitation", "email")] == ("sent", None)


def test_only_admins_reach_the_patients_messages(clinician_client, desk_client):
    assert clinician_client.get("/admin/patient-messages").status_code == 403
    assert desk_client.get("/admin/patient-messages").status_code == 403
