"""The audit trail is a hash chain: editing or deleting one entry makes `flask audit verify`
fail and name it; entries written by concurrent requests still form one chain."""

import threading

from sqlalchemy import select

from readiness.audit import GENESIS, record
from readiness.extensions import db
from readiness.models import AuditEvent
from tests.security.database_owner import as_database_owner


def write_entries(app, count: int) -> list[int]:
    with app.app_context():
        ids = []
        for number in range(count):
            entry = record("desk.lookup", details={"by": "code", "n": number})
            db.session.commit()
            ids.append(entry.id)
        return ids


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_each_entry_is_chained_to_the_one_before(app):
    ids = write_entries(app, 3)
    with app.app_context():
        entries = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [entry.id for entry in entries] == ids
    assert entries[0].prev_hash == GENESIS
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    result = verify(app)
    assert result.exit_code == 0
    assert "intact: 3 entries" in result.output


def test_an_edited_entry_fails_verification_and_is_named(app):
    ids = write_entries(app, 4)
    with app.app_context():
        as_database_owner(
            "UPDATE audit_event SET action = 'staff.sign_in' WHERE id = :id", id=ids[2]
        )
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {ids[2]}" in result.output
    assert "changed" in result.output


def test_an_edit_that_recomputes_the_entrys_own_hash_breaks_the_next_link(app):
    from readiness.audit import entry_hash

    ids = write_entries(app, 3)
    with app.app_context():
        entry = db.session.get(AuditEvent, ids[1])
        entry.details = {"by": "phone"}
        forged = entry_hash(entry.prev_hash, entry)
        db.session.rollback()
        as_database_owner(
            "UPDATE audit_event SET details = :d, hash = :h WHERE id = :id",
            d='{"by": "phone"}',
            h=forged,
            id=ids[1],
        )
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {ids[2]}" in result.output


def test_a_deleted_entry_fails_verification_naming_the_one_after_it(app):
    ids = write_entries(app, 4)
    with app.app_context():
        as_database_owner("DELETE FROM audit_event WHERE id = :id", id=ids[1])
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {ids[2]}" in result.output
    assert f"does not follow entry {ids[0]}" in result.output


def test_deleting_the_first_entries_is_noticed(app):
    ids = write_entries(app, 3)
    with app.app_context():
        as_database_owner("DELETE FROM audit_event WHERE id = :id", id=ids[0])
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {ids[1]}" in result.output


def test_entries_written_by_concurrent_requests_form_one_chain(app):
    errors = []

    def writer():
        try:
            write_entries(app, 15)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "intact: 45 entries" in result.output
