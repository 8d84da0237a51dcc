"""The outbox is written with its change, and the deliverer command sends it as configured."""

import json
import subprocess
import sys
import threading
import time

import pytest
from fhir.resources.R4B.bundle import Bundle

from readiness.extensions import db
from readiness.handoff import outbox
from readiness.handoff.deliver import Settings, deliver_due
from readiness.handoff.signing import verify
from readiness.models import Check, OutboxMessage
from tests.conftest import PROJECT_ROOT, free_port, server_environment
from tests.support.journey import invite, run_journey
from tests.support.receiver import Receiver
from tests.support.records import add_results

SECRET = "made-up-shared-secret"


@pytest.fixture
def receiver():
    found = Receiver(free_port()).start()
    yield found
    found.stop()


def stored_messages(app):
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(row.event_type, row.payload) for row in rows]


def test_the_journey_writes_consent_then_completion_each_with_the_check_as_it_stood(app, client):
    run_journey(app, client, invite(app, appointment_ref="APPT-31"), lang="fr")
    (consent_event, consent), (completed_event, completed) = stored_messages(app)
    assert (consent_event, completed_event) == ("consent.recorded", "check.completed")
    assert consent["check"]["consent"]["decision"] == "agreed"
    assert consent["check"]["contact"] is None
    assert completed["check"]["contact"]["email"] == "amelie.roy@example.org"
    assert completed["appointment"]["appointment_ref"] == "APPT-31"
    assert completed["delivery_id"] != consent["delivery_id"]


def test_no_message_without_its_change_and_no_change_without_its_message(app):
    with app.app_context():
        check = Check(reference_code="ABCDE2", language="en")
        db.session.add(check)
        add_results(check)
        db.session.commit()
        outbox.enqueue(db.session, outbox.CHECK_COMPLETED, check)
        check.verdict = "ready"
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
        with pytest.raises(ValueError):
            outbox.enqueue(db.session, "check.deleted", check)


def test_the_command_delivers_what_is_due_once(make_app, receiver, client):
    app = make_app(SCHEDULING_WEBHOOK_URL=receiver.url, SCHEDULING_WEBHOOK_SECRET=SECRET)
    run_journey(app, app.test_client(), invite(app))
    result = app.test_cli_runner().invoke(args=["handoff", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Delivered 2, failed 0" in result.output
    again = app.test_cli_runner().invoke(args=["handoff", "deliver"])
    assert "Delivered 0, failed 0" in again.output
    assert len(receiver.received) == 2


def test_the_command_refuses_to_run_without_a_url_and_secret(app):
    result = app.test_cli_runner().invoke(args=["handoff", "deliver"])
    assert result.exit_code != 0
    assert "READINESS_SCHEDULING_WEBHOOK_URL" in result.output


def test_the_loop_keeps_delivering_until_stopped(make_app, receiver, database_url):
    app = make_app()
    env = server_environment(
        database_url,
        READINESS_SCHEDULING_WEBHOOK_URL=receiver.url,
        READINESS_SCHEDULING_WEBHOOK_SECRET=SECRET,
        READINESS_HANDOFF_LOOP_INTERVAL_SECONDS="0.1",
    )
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "handoff", "deliver", "--loop"]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        run_journey(app, app.test_client(), invite(app))
        deadline = time.monotonic() + 20
        while len(receiver.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [r.headers["X-Readiness-Event"] for r in receiver.received] == [
            "consent.recorded",
            "check.completed",
        ]
        assert process.poll() is None, "the loop stopped by itself"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_fhir_format_sends_a_signed_valid_transaction_bundle(make_app, receiver):
    app = make_app(
        SCHEDULING_WEBHOOK_URL=receiver.url,
        SCHEDULING_WEBHOOK_SECRET=SECRET,
        SCHEDULING_WEBHOOK_FORMAT="fhir",
    )
    run_journey(app, app.test_client(), invite(app, appointment_ref="APPT-FHIR"))
    with app.app_context():
        deliver_due(db.session, Settings.from_config(app.config))
    completed = receiver.received[-1]
    assert completed.headers["Content-Type"] == "application/fhir+json"
    assert completed.headers["X-Readiness-Event"] == "check.completed"
    assert verify(
        SECRET,
        completed.headers["X-Readiness-Timestamp"],
        completed.body,
        completed.headers["X-Readiness-Signature"],
        now=time.time(),
    )
    bundle = json.loads(completed.body)
    Bundle.model_validate(bundle)
    assert bundle["identifier"]["value"] == "urn:uuid:" + completed.headers["X-Readiness-Delivery"]
    task = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task")
    assert task["focus"]["identifier"]["value"] == "APPT-FHIR"


def test_a_redirect_is_not_a_delivery(make_app, receiver):
    receiver.status = 302
    app = make_app(SCHEDULING_WEBHOOK_URL=receiver.url, SCHEDULING_WEBHOOK_SECRET=SECRET)
    run_journey(app, app.test_client(), invite(app))
    with app.app_context():
        report = deliver_due(db.session, Settings.from_config(app.config))
        assert (report.delivered, report.failed) == (0, 1)
        message = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).first()
        assert message.last_error == "HTTP 302" and message.next_attempt_at > message.created_at


def test_many_messages_with_two_deliverers_on_postgresql_arrive_once_each(
    make_app, receiver, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("two deliverers need PostgreSQL's row locks (run in CI's PostgreSQL pass)")
    app = make_app(SCHEDULING_WEBHOOK_URL=receiver.url, SCHEDULING_WEBHOOK_SECRET=SECRET)
    receiver.delay = 0.01
    with app.app_context():
        for n in range(12):
            check = Check(reference_code=f"MANY{n + 2:02d}"[:6], language="en")
            db.session.add(check)
            add_results(check)
            for event in (outbox.CONSENT_RECORDED, outbox.CHECK_COMPLETED, outbox.CONTACT_CHANGED):
                outbox.enqueue(db.session, event, check)
        db.session.commit()
    settings = Settings.from_config(app.config)
    reports = []

    def run():
        with app.app_context():
            reports.append(deliver_due(db.session, settings))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ids = [r.headers["X-Readiness-Delivery"] for r in receiver.received]
    assert len(ids) == 36 and len(set(ids)) == 36
    assert sum(r.delivered for r in reports) == 36
    assert all(r.delivered > 0 for r in reports), "one deliverer did all the work"
    assert not receiver.overlaps


def test_a_body_that_cannot_be_built_fails_its_message_only(make_app, receiver):
    app = make_app(
        SCHEDULING_WEBHOOK_URL=receiver.url,
        SCHEDULING_WEBHOOK_SECRET=SECRET,
        SCHEDULING_WEBHOOK_FORMAT="fhir",
    )
    with app.app_context():
        db.session.add(OutboxMessage(event_type="check.completed", payload={"broken": True}))
        db.session.commit()
    run_journey(app, app.test_client(), invite(app))
    with app.app_context():
        report = deliver_due(db.session, Settings.from_config(app.config))
        assert (report.failed, report.delivered) == (1, 2)
        broken = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).first()
        assert broken.last_error == "Could not build the body: KeyError"
        assert broken.attempts == 1 and broken.delivered_at is None


def test_two_deliver_loop_processes_on_postgresql_send_each_message_once(
    make_app, receiver, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("two deliverers need PostgreSQL's row locks (run in CI's PostgreSQL pass)")
    app = make_app()
    receiver.delay = 0.01
    with app.app_context():
        for n in range(10):
            check = Check(reference_code=f"LOOP{n + 2:02d}"[:6], language="fr")
            db.session.add(check)
            add_results(check)
            for event in (outbox.CONSENT_RECORDED, outbox.CHECK_COMPLETED):
                outbox.enqueue(db.session, event, check)
        db.session.commit()
    env = server_environment(
        database_url,
        READINESS_SCHEDULING_WEBHOOK_URL=receiver.url,
        READINESS_SCHEDULING_WEBHOOK_SECRET=SECRET,
        READINESS_HANDOFF_LOOP_INTERVAL_SECONDS="0.1",
    )
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "handoff", "deliver", "--loop"]
    processes = [
        subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 30
        while len(receiver.received) < 20 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # a second copy of any message would arrive by now
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    ids = [r.headers["X-Readiness-Delivery"] for r in receiver.received]
    assert len(ids) == 20 and len(set(ids)) == 20
    assert not receiver.overlaps
    per_check = {}
    for item in receiver.received:
        body = json.loads(item.body)
        per_check.setdefault(body["check"]["id"], []).append(body["event"])
    assert all(events == ["consent.recorded", "check.completed"] for events in per_check.values())
