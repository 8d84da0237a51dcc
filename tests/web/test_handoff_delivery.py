"""Results reach the scheduling module signed, exactly once per delivery id, in order per check,
through an outage of the receiver; with one deliverer, and with two racing on PostgreSQL."""

import json
import threading
import time
from collections import defaultdict

import pytest

from readiness.extensions import db
from readiness.handoff import outbox
from readiness.handoff.deliver import Settings, deliver_due
from readiness.handoff.signing import verify
from readiness.models import (
    DeliveryAttempt,
    Invitation,
    OutboxMessage,
    StaffUser,
    VisitDecision,
)
from tests.conftest import free_port
from tests.support.journey import change_contact, invite, run_journey
from tests.support.receiver import Receiver

SECRET = "made-up-shared-secret-for-tests"


@pytest.fixture
def receiver():
    found = Receiver(free_port()).start()
    yield found
    found.stop()


@pytest.fixture
def hooked_app(make_app, receiver):
    """The app, configured to send to the receiver, with retries fast enough for a test."""
    return make_app(
        SCHEDULING_WEBHOOK_URL=receiver.url,
        SCHEDULING_WEBHOOK_SECRET=SECRET,
        HANDOFF_RETRY_BASE_SECONDS=0.05,
        HANDOFF_RETRY_MAX_SECONDS=0.2,
    )


def deliver_with(app, deliverers: int, rounds: int = 1) -> None:
    """Run deliver_due in this many threads at once, each with its own database session."""
    settings = Settings.from_config(app.config)
    errors = []

    def run():
        try:
            with app.app_context():
                for _ in range(rounds):
                    deliver_due(db.session, settings)
                db.session.remove()
        except Exception as error:  # reported below, so a thread's failure fails the test
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(deliverers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def undelivered(app) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count(OutboxMessage.id)).where(OutboxMessage.delivered_at.is_(None))
        )


def deliver_until_done(app, deliverers: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while undelivered(app) and time.monotonic() < deadline:
        deliver_with(app, deliverers)
        time.sleep(0.05)
    assert undelivered(app) == 0


def record_decision(app, check_public_id: str, choice: str = "video") -> None:
    """What the clinician's screen will do: the decision and its message, in one commit."""
    with app.app_context():
        invitation = db.session.scalars(db.select(Invitation)).first()
        staff = StaffUser(email="dr.b@example.org", role="clinician", password_hash="x")
        db.session.add(staff)
        db.session.flush()
        decision = VisitDecision(invitation=invitation, staff=staff, choice=choice)
        db.session.add(decision)
        outbox.enqueue_decision(db.session, decision)
        db.session.commit()


def outbox_order(app) -> dict[str, list[str]]:
    """Each check's delivery ids, in the order their changes happened."""
    with app.app_context():
        messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))
        order = defaultdict(list)
        for message in messages:
            order[(message.payload["check"] or {}).get("id")].append(message.delivery_id)
        return dict(order)


def assert_received_exactly_once_in_order(app, receiver: Receiver) -> list[dict]:
    now = time.time()
    bodies = []
    for item in receiver.received:
        headers = item.headers
        assert verify(
            SECRET,
            headers["X-Readiness-Timestamp"],
            item.body,
            headers["X-Readiness-Signature"],
            now=now,
        ), "a delivery's signature does not verify"
        body = json.loads(item.body)
        assert body["delivery_id"] == headers["X-Readiness-Delivery"]
        assert body["event"] == headers["X-Readiness-Event"]
        bodies.append(body)
    ids = [body["delivery_id"] for body in bodies]
    assert len(ids) == len(set(ids)), "a delivery id arrived twice"
    expected = outbox_order(app)
    assert sorted(ids) == sorted(i for per_check in expected.values() for i in per_check)
    arrived = defaultdict(list)
    for body in bodies:
        arrived[(body["check"] or {}).get("id")].append(body["delivery_id"])
    assert dict(arrived) == expected, "a check's messages arrived out of order"
    assert not receiver.overlaps, "a message was being sent twice at the same time"
    return bodies


def journey_through_an_outage(app, receiver: Receiver, deliverers: int) -> list[dict]:
    client = app.test_client()
    first = run_journey(app, client, invite(app, appointment_ref="APPT-1001"))
    deliver_until_done(app, deliverers)
    assert [r.headers["X-Readiness-Event"] for r in receiver.received] == [
        "consent.recorded",
        "check.completed",
    ]

    receiver.stop()
    change_contact(client, "fr", mobile="514 555-0177")
    record_decision(app, first)
    other = app.test_client()
    second = run_journey(app, other, invite(app, appointment_ref="APPT-1002"), lang="en")
    deliver_with(app, deliverers, rounds=3)
    assert len(receiver.received) == 2
    with app.app_context():
        failed = db.session.scalars(
            db.select(DeliveryAttempt).where(DeliveryAttempt.error.is_not(None))
        ).all()
        assert failed and all(a.status_code is None for a in failed)

    receiver.start()
    deliver_until_done(app, deliverers)
    bodies = assert_received_exactly_once_in_order(app, receiver)
    events = [(b["check"]["id"], b["event"]) for b in bodies]
    assert (first, "contact.changed") in events and (first, "decision.recorded") in events
    assert (second, "check.completed") in events
    return bodies


def test_a_journey_arrives_signed_and_survives_an_outage_of_the_receiver(hooked_app, receiver):
    bodies = journey_through_an_outage(hooked_app, receiver, deliverers=1)
    completed = next(b for b in bodies if b["event"] == "check.completed")
    assert completed["appointment"]["appointment_ref"] == "APPT-1001"
    assert completed["check"]["verdict"] == "ready"
    assert completed["check"]["consent"]["decision"] == "agreed"
    assert completed["check"]["contact"]["mobile"] == "+15145550123"
    changed = next(b for b in bodies if b["event"] == "contact.changed")
    assert changed["check"]["contact"]["mobile"] == "+15145550177"
    decision = next(b for b in bodies if b["event"] == "decision.recorded")
    assert decision["decision"]["choice"] == "video"


def test_two_deliverers_on_postgresql_never_send_a_message_twice(
    hooked_app, receiver, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "two deliverers need PostgreSQL's row locks; on SQLite one deliverer is the "
            "documented limit (CI runs this with READINESS_TEST_DATABASE_URL)"
        )
    receiver.delay = 0.02  # so the two deliverers overlap
    journey_through_an_outage(hooked_app, receiver, deliverers=2)
