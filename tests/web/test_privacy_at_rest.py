"""Personal fields are encrypted at rest: after a whole journey, the patient's email and phone
numbers are nowhere in the database's bytes, yet the desk still finds the check by them; keys
rotate, and an interrupted rotation carries on where it stopped."""

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from readiness.data_keys import new_key
from readiness.extensions import db
from readiness.handoff.deliver import Settings, deliver_due
from readiness.models import Check, ContactDetails, DeskNote, Invitation, OutboxMessage
from readiness.privacy.rotation import encrypted_columns
from tests.support.journey import CONTACT, invite, run_journey

EMAIL = CONTACT["email"]
# Every way the numbers could be written: E.164 and the digits as typed.
PHONE_BYTES = [b"+15145550123", b"5145550123", b"514 555-0123", b"+16135550142", b"6135550142"]
INVITED_EMAIL = "invited.patient@example.org"
INVITED_PHONE = "+14385550177"
NOTE = "Caller Amélie prefers mornings"


def secrets_of_the_journey() -> list[bytes]:
    return [EMAIL.encode(), INVITED_EMAIL.encode(), INVITED_PHONE.encode(), *PHONE_BYTES]


def whole_journey(app, client, desk_client) -> str:
    token = invite(app, email=INVITED_EMAIL, phone_e164=INVITED_PHONE)
    public_id = run_journey(app, client, token)
    response = desk_client.post(f"/desk/checks/{public_id}/notes", data={"text": NOTE})
    assert response.status_code in (200, 302)
    return public_id


def sqlite_path(app) -> Path | None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    return Path(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else None


def test_no_email_or_phone_number_is_in_the_sqlite_file_after_a_whole_journey(
    app, client, desk_client
):
    path = sqlite_path(app)
    if path is None:
        pytest.skip("reads the SQLite file; the PostgreSQL test reads that server's table files")
    public_id = whole_journey(app, client, desk_client)
    with app.app_context():
        assert db.session.scalar(select(ContactDetails.email)) == EMAIL  # readable in the app
        code = db.session.scalar(select(Check.reference_code).where(Check.public_id == public_id))
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
    stored = b"".join(
        Path(name).read_bytes()
        for name in (str(path), f"{path}-wal", f"{path}-journal")
        if os.path.exists(name)
    )
    assert code.encode() in stored  # the file read is the one the journey wrote
    for secret in [*secrets_of_the_journey(), NOTE.encode(), "Amélie".encode()]:
        assert secret not in stored, secret


def test_no_email_or_phone_number_is_in_postgresql_table_files_after_a_whole_journey(
    app, client, desk_client
):
    if sqlite_path(app) is not None:
        pytest.skip("reads PostgreSQL's table files; the SQLite test reads its file")
    public_id = whole_journey(app, client, desk_client)
    with app.app_context():
        code = db.session.scalar(select(Check.reference_code).where(Check.public_id == public_id))
        db.session.commit()
        db.session.execute(text("CHECKPOINT"))  # table pages written to their files
        stored = b""
        for table in db.metadata.sorted_tables:
            stored += db.session.scalar(
                text("SELECT pg_read_binary_file(pg_relation_filepath(:name))"),
                {"name": f'"{table.name}"'},
            )
            # Long values live in the table's TOAST relation.
            toast = db.session.scalar(
                text(
                    "SELECT pg_relation_filepath(reltoastrelid) FROM pg_class "
                    "WHERE oid = CAST(:name AS regclass) AND reltoastrelid <> 0"
                ),
                {"name": f'"{table.name}"'},
            )
            if toast:
                stored += db.session.scalar(text("SELECT pg_read_binary_file(:p)"), {"p": toast})
    assert code.encode() in stored  # the files read are the ones the journey wrote
    for secret in secrets_of_the_journey():
        assert secret not in stored, secret


def test_the_stored_values_are_ciphertext_and_the_app_reads_them_back(app, client, desk_client):
    public_id = whole_journey(app, client, desk_client)
    with app.app_context():
        raw = db.session.execute(
            text("SELECT email, mobile_e164, backup_e164 FROM contact_details")
        ).one()
        assert all(value.startswith("v2.") for value in raw)
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        assert check.contact_details[-1].mobile_e164 == "+15145550123"
        assert check.notes[-1].text == NOTE
        raw_payload = db.session.scalar(text("SELECT payload FROM outbox_message LIMIT 1"))
        assert raw_payload.startswith("v2.") and EMAIL not in raw_payload


@pytest.mark.parametrize(
    "typed",
    [EMAIL.upper(), "514-555-0123", "+1 (613) 555 0142", INVITED_EMAIL, "438.555.0177"],
)
def test_desk_search_by_phone_or_email_finds_the_encrypted_check(app, client, desk_client, typed):
    public_id = whole_journey(app, client, desk_client)
    response = desk_client.get("/desk/", query_string={"q": typed})
    assert public_id in response.text


def test_the_sqlite_file_is_readable_by_its_owner_only(app):
    path = sqlite_path(app)
    if path is None:
        pytest.skip("SQLite only")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def rotate(make_app, keys: list[str], *args: str):
    app = make_app(DATA_KEYS=",".join(keys))
    result = app.test_cli_runner().invoke(args=["data", "rotate-key", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_after_rotation_the_new_key_alone_reads_everything(make_app, client, desk_client, app):
    public_id = whole_journey(app, client, desk_client)
    old = app.config["DATA_KEYS"].split(",")[0]
    fresh = new_key()
    output = rotate(make_app, [fresh, old])
    assert "Every personal field is now under key" in output

    only_new = make_app(DATA_KEYS=fresh)
    with only_new.app_context():
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        assert check.contact_details[-1].email == EMAIL
        assert check.invitation.phone_e164 == INVITED_PHONE
        assert check.notes[-1].text == NOTE
        assert all(m.payload["delivery_id"] for m in db.session.scalars(select(OutboxMessage)))
    # The blind indexes moved to the new key too: the desk finds the check with it alone.
    with only_new.app_context():
        from readiness.desk.search import find_checks

        assert [c.public_id for c in find_checks(EMAIL, "CA")[1]] == [public_id]
        assert [c.public_id for c in find_checks("(613) 555-0142", "CA")[1]] == [public_id]


def test_an_interrupted_rotation_carries_on_where_it_stopped(make_app, client, desk_client, app):
    whole_journey(app, client, desk_client)
    old = app.config["DATA_KEYS"].split(",")[0]
    fresh = new_key()
    output = rotate(make_app, [fresh, old], "--limit", "2")
    assert "Stopped after 2 row(s)" in output
    both = make_app(DATA_KEYS=f"{fresh},{old}")
    prefix = both.extensions["readiness_keyring"].newest_prefix()
    with both.app_context():
        assert rows_under(prefix) == 2
        # Mid-rotation, every row is readable with both keys configured.
        assert db.session.scalar(select(Invitation.email)) == INVITED_EMAIL
        assert {n.text for n in db.session.scalars(select(DeskNote))} == {NOTE}
    output = rotate(make_app, [fresh, old])
    assert "Every personal field is now under key" in output
    with make_app(DATA_KEYS=fresh).app_context():
        assert db.session.scalar(select(ContactDetails.email)) == EMAIL
        assert rows_under(prefix) == rows_with_personal_fields()


def rows_under(prefix: str) -> int:
    """Rows whose encrypted fields are all under the key with this prefix."""
    total = 0
    for table, names in encrypted_columns(db.metadata).items():
        set_ = " OR ".join(f"{name} IS NOT NULL" for name in names)
        stale = " OR ".join(f"COALESCE({name}, :p) NOT LIKE :p" for name in names)
        total += db.session.scalar(
            text(f'SELECT count(*) FROM "{table}" WHERE ({set_}) AND NOT ({stale})'),
            {"p": prefix + "%"},
        )
    return total


def rows_with_personal_fields() -> int:
    total = 0
    for table, names in encrypted_columns(db.metadata).items():
        set_ = " OR ".join(f"{name} IS NOT NULL" for name in names)
        total += db.session.scalar(text(f'SELECT count(*) FROM "{table}" WHERE {set_}'))
    return total


def test_messages_encrypted_at_rest_are_delivered_in_clear_and_signed(make_app, client):
    from tests.conftest import free_port
    from tests.support.receiver import Receiver

    receiver = Receiver(free_port()).start()
    try:
        app = make_app(
            SCHEDULING_WEBHOOK_URL=receiver.url, SCHEDULING_WEBHOOK_SECRET="made-up-secret"
        )
        client = app.test_client()
        run_journey(app, client, invite(app))
        with app.app_context():
            deliver_due(db.session, Settings.from_config(app.config))
        assert any(EMAIL.encode() in got.body for got in receiver.received)
    finally:
        receiver.stop()


def test_rows_written_before_encryption_are_encrypted_and_indexed_by_rotate_key(app, runner):
    with app.app_context():
        check = Check(reference_code="K7P4QX", language="fr")
        db.session.add(check)
        db.session.commit()
        db.session.execute(
            text(
                "INSERT INTO contact_details (check_id, email, mobile_e164, preferred_language,"
                " preferred_contact, created_at) VALUES (:c, :e, :m, 'fr', 'sms', :t)"
            ),
            {"c": check.id, "e": "legacy@example.org", "m": "+15145550199", "t": check.created_at},
        )
        db.session.commit()
        assert db.session.scalar(select(ContactDetails.email)) == "legacy@example.org"
    result = runner.invoke(args=["data", "rotate-key"])
    assert "contact_details: 1 row(s) re-encrypted" in result.output
    with app.app_context():
        raw = db.session.execute(text("SELECT email, mobile_e164 FROM contact_details")).one()
        assert all(value.startswith("v2.") for value in raw)
        from readiness.desk.search import find_checks

        assert [c.reference_code for c in find_checks("LEGACY@example.org", "CA")[1]] == ["K7P4QX"]
