"""Retention: with the clock frozen, a purge removes exactly what the periods say, keeps each
check's figures for statistics, and tells the scheduling module (check.erased) over real HTTP."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from readiness.checks.invitations import create_invitation
from readiness.extensions import db
from readiness.handoff.deliver import Settings, deliver_due
from readiness.handoff.signing import verify as verify_signature
from readiness.models import (
    AuditEvent,
    Check,
    ConnectionResult,
    ContactDetails,
    DeskNote,
    DeviceResult,
    Invitation,
    OutboxMessage,
    StaffUser,
)
from readiness.patient.session_check import start_check
from readiness.privacy.retention import Periods, plan, purge
from tests.conftest import free_port
from tests.support.receiver import Receiver
from tests.support.records import add_results

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PERIODS = Periods(check_days=90, outbox_days=14, audit_days=2190)
SECRET = "made-up-shared-secret-for-tests"


def days_ago(days: float, now: datetime = NOW) -> datetime:
    return now - timedelta(days=days)


def patient(
    name: str, *, appointment_days_ago: float | None, active_days_ago: float, now=NOW
) -> Check:
    """A check with results, contact details and a desk note, last active `active_days_ago`."""
    invitation = None
    if appointment_days_ago is not None:
        invitation, _ = create_invitation(
            appointment_ref=f"APPT-{name}",
            appointment_at=days_ago(appointment_days_ago, now),
            language="fr",
            valid_hours_after=12,
            first_name=name,
            email=f"{name.lower()}@example.org",
            phone_e164="+15145550100",
        )
        invitation.created_at = days_ago(max(active_days_ago, 100), now)
    check = start_check("fr", invitation=invitation)
    add_results(check)
    agent = db.session.scalar(select(StaffUser)) or StaffUser(
        email="agent@example.org", password_hash="x", role="desk"
    )
    db.session.add_all(
        [
            ContactDetails(
                check=check,
                email=f"{name.lower()}@example.org",
                mobile_e164="+15145550123",
                preferred_language="fr",
                preferred_contact="sms",
            ),
            DeskNote(check=check, staff=agent, text=f"{name} called"),
        ]
    )
    check.verdict = "ready"
    check.completed_at = days_ago(active_days_ago, now)
    db.session.flush()
    check.updated_at = days_ago(active_days_ago, now)
    return check


def message(check: Check | None, delivered_days_ago: float | None) -> OutboxMessage:
    row = OutboxMessage(
        event_type="check.completed",
        check_id=check.id if check else None,
        payload={"delivery_id": "x", "event": "check.completed", "note": "made up"},
        delivered_at=days_ago(delivered_days_ago) if delivered_days_ago is not None else None,
    )
    db.session.add(row)
    return row


@pytest.fixture
def scenario(app_context):
    """Who is past the 90 days and who is not, messages and audit entries of various ages."""
    people = {
        "past": patient("Past", appointment_days_ago=100, active_days_ago=95),
        "recently_active": patient("Recent", appointment_days_ago=100, active_days_ago=30),
        "upcoming": patient("Upcoming", appointment_days_ago=-10, active_days_ago=95),
        "walk_in_past": patient("Walkin", appointment_days_ago=None, active_days_ago=91),
        "walk_in_recent": patient("Walkrecent", appointment_days_ago=None, active_days_ago=89),
    }
    messages = {
        "old": message(people["recently_active"], delivered_days_ago=15),
        "fresh": message(people["recently_active"], delivered_days_ago=13),
        "waiting": message(people["upcoming"], delivered_days_ago=None),
    }
    old_entry = AuditEvent(action="desk.lookup", at=days_ago(2191), details={"by": "code"})
    db.session.add(old_entry)
    db.session.flush()
    db.session.add(AuditEvent(action="desk.lookup", at=days_ago(2189), details={"by": "code"}))
    db.session.commit()
    return {
        "people": {name: check.id for name, check in people.items()},
        "messages": {name: row.id for name, row in messages.items()},
    }


def contact_rows(check_id: int) -> int:
    return db.session.scalar(
        select(func.count(ContactDetails.id)).where(ContactDetails.check_id == check_id)
    )


def test_purge_with_a_frozen_clock_erases_exactly_what_the_periods_say(scenario):
    found = plan(db.session, PERIODS, NOW)
    assert [inv.appointment_ref for inv in found.invitations] == ["APPT-Past"]
    assert [check.id for check in found.checks] == [scenario["people"]["walk_in_past"]]
    assert found.messages == [scenario["messages"]["old"]]
    assert found.audit_entries == 1

    purge(db.session, found, NOW)
    db.session.expire_all()
    people = scenario["people"]
    for erased in ("past", "walk_in_past"):
        check = db.session.get(Check, people[erased])
        assert check.erased_at == NOW
        assert contact_rows(check.id) == 0
        assert check.notes == []
    past = db.session.get(Check, people["past"])
    assert (past.invitation.first_name, past.invitation.email, past.invitation.phone_e164) == (
        None,
        None,
        None,
    )
    assert past.invitation.email_index is None
    for kept in ("recently_active", "upcoming", "walk_in_recent"):
        check = db.session.get(Check, people[kept])
        assert check.erased_at is None and contact_rows(check.id) == 1 and len(check.notes) == 1
    assert db.session.get(OutboxMessage, scenario["messages"]["old"]) is None
    assert db.session.get(OutboxMessage, scenario["messages"]["fresh"]) is not None
    assert db.session.get(OutboxMessage, scenario["messages"]["waiting"]) is not None
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.at < NOW)) == 1


def test_a_purged_check_keeps_its_figures_for_statistics(scenario):
    purge(db.session, plan(db.session, PERIODS, NOW), NOW)
    db.session.expire_all()
    check = db.session.get(Check, scenario["people"]["past"])
    assert check.verdict == "ready"
    connection = db.session.scalar(
        select(ConnectionResult).where(ConnectionResult.check_id == check.id)
    )
    assert connection.download_mbps == 48.2
    statuses = db.session.scalars(
        select(DeviceResult.status).where(DeviceResult.check_id == check.id)
    ).all()
    assert sorted(statuses) == ["pass"] * 4


def test_each_erased_check_is_handed_off_without_personal_data(scenario):
    purge(db.session, plan(db.session, PERIODS, NOW), NOW)
    erased = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.event_type == "check.erased")
    ).all()
    assert sorted(row.check_id for row in erased) == sorted(
        [scenario["people"]["past"], scenario["people"]["walk_in_past"]]
    )
    for row in erased:
        document = json.dumps(row.payload)
        assert "example.org" not in document and "+1514" not in document
        assert row.payload["erasure"] == {"reason": "retention", "at": NOW.isoformat()}
        assert row.payload["check"]["contact"] is None
        assert row.payload["check"]["verdict"] == "ready"


def test_the_audit_chain_still_verifies_after_old_entries_are_purged(scenario, app):
    purge(db.session, plan(db.session, PERIODS, NOW), NOW)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_check_erased_reaches_a_real_http_receiver(make_app):
    receiver = Receiver(free_port()).start()
    try:
        app = make_app(SCHEDULING_WEBHOOK_URL=receiver.url, SCHEDULING_WEBHOOK_SECRET=SECRET)
        with app.app_context():
            check = patient("Past", appointment_days_ago=100, active_days_ago=95)
            db.session.commit()
            public_id = check.public_id
            purge(db.session, plan(db.session, PERIODS, NOW), NOW)
            deliver_due(db.session, Settings.from_config(app.config))
            db.session.remove()
        erased = [
            got for got in receiver.received if got.headers["X-Readiness-Event"] == "check.erased"
        ]
        assert len(erased) == 1
        headers = erased[0].headers
        assert verify_signature(
            SECRET,
            headers["X-Readiness-Timestamp"],
            erased[0].body,
            headers["X-Readiness-Signature"],
            now=time.time(),
        )
        body = json.loads(erased[0].body)
        assert body["check"]["id"] == public_id
        assert body["erasure"]["reason"] == "retention"
    finally:
        receiver.stop()


def test_dry_run_prints_what_it_would_remove_and_changes_nothing(app):
    with app.app_context():
        check = patient("Past", appointment_days_ago=100, active_days_ago=95, now=datetime.now(UTC))
        db.session.commit()
        public_id, invitation_id = check.public_id, check.invitation.public_id
    result = app.test_cli_runner().invoke(args=["data", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"Would erase invitation {invitation_id} ({public_id})" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ContactDetails.id))) == 1
        assert db.session.scalar(select(Invitation.first_name)) == "Past"
    result = app.test_cli_runner().invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ContactDetails.id))) == 0
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "data.purged"))


def test_the_deliverers_loop_runs_the_purge_by_itself(app, database_url):
    import subprocess
    import sys

    from tests.conftest import PROJECT_ROOT, server_environment

    with app.app_context():
        check = patient("Past", appointment_days_ago=100, active_days_ago=95, now=datetime.now(UTC))
        db.session.commit()
        check_id = check.id
    receiver = Receiver(free_port()).start()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "handoff", "deliver", "--loop"],
        cwd=PROJECT_ROOT,
        env=server_environment(
            database_url,
            READINESS_HANDOFF_LOOP_INTERVAL_SECONDS="0.2",
            READINESS_SCHEDULING_WEBHOOK_URL=receiver.url,
            READINESS_SCHEDULING_WEBHOOK_SECRET=SECRET,
        ),
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        events = []
        while "check.erased" not in events and time.monotonic() < deadline:
            time.sleep(0.3)
            events = [got.headers["X-Readiness-Event"] for got in receiver.received]
        assert "check.erased" in events, "the loop did not purge"
        with app.app_context():
            assert db.session.scalar(select(Check.erased_at).where(Check.id == check_id))
    finally:
        process.terminate()
        process.wait(timeout=10)
        receiver.stop()


def test_the_deliverer_run_by_cron_purges_once_a_day(app, database_url):
    """README: `flask handoff deliver` from cron every minute instead of the looping service.
    Each run purges when the last purge is older than PURGE_INTERVAL_HOURS (security review 3,
    F20: the cron path never purged)."""
    import subprocess
    import sys

    from tests.conftest import PROJECT_ROOT, server_environment

    with app.app_context():
        check = patient("Past", appointment_days_ago=100, active_days_ago=95, now=datetime.now(UTC))
        db.session.commit()
        check_id = check.id
    receiver = Receiver(free_port()).start()
    env = server_environment(
        database_url,
        READINESS_SCHEDULING_WEBHOOK_URL=receiver.url,
        READINESS_SCHEDULING_WEBHOOK_SECRET=SECRET,
    )

    def cron_run():
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "handoff", "deliver"]
        done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def purges():
        with app.app_context():
            return db.session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.action == "data.purged")
            )

    try:
        assert "Erased the personal data of 1 check(s)" in cron_run()
        with app.app_context():
            assert db.session.scalar(select(Check.erased_at).where(Check.id == check_id))
            assert db.session.scalar(select(func.count(ContactDetails.id))) == 0
        assert purges() == 1
        # A minute later: delivered, but no second purge within the day.
        assert "Erased" not in cron_run()
        assert purges() == 1
        assert "check.erased" in [got.headers["X-Readiness-Event"] for got in receiver.received]
    finally:
        receiver.stop()
