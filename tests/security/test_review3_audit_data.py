"""The third review's attacks on the audit trail and the data (issue 23, item 4: F5, F6, F10,
F19), performed as the reviewer did, and refused."""

import base64
import hashlib
import json
import os
from datetime import timedelta

import pytest
from sqlalchemy import exc, insert, select, text

from readiness.audit import GENESIS, content, record
from readiness.data_keys import new_key
from readiness.extensions import db
from readiness.models import (
    AuditEvent,
    Check,
    ContactDetails,
    DeskNote,
    Invitation,
    StaffUser,
    utcnow,
)
from readiness.privacy.erasure import ErasedCheck, erase_patient
from tests.support.records import add_invitation, add_results
from tests.web.api_support import ApiClient, create_key

from .attacker import Browser
from .database_owner import as_database_owner
from .records import PATIENT_EMAIL, checks, invitation
from .test_review3_codes_sessions import PATIENT_CONTACT, finish_attempt


def patient_check(app, email=PATIENT_EMAIL, mobile="+15145550142", code="K7P4QX") -> str:
    """A finished check with contact details; returns its public id."""
    with app.app_context():
        check = Check(reference_code=code, language="en", completed_at=utcnow(), step="done")
        db.session.add(check)
        add_results(check)
        db.session.add(
            ContactDetails(
                check=check,
                email=email,
                mobile_e164=mobile,
                backup_e164="+15145550143",
                preferred_language="en",
                preferred_contact="email",
            )
        )
        db.session.commit()
        return check.public_id


def entries(app, action: str) -> list[tuple]:
    with app.app_context():
        return [
            (e.staff_id, e.api_key_id, e.check_id, e.invitation_id, e.details)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


# F5: every read of contact details is audited.


def test_the_desk_live_view_and_contact_form_leave_an_audit_entry(app, desk_client):
    """taudgap.py: live and the prefilled contact form showed the email and phones, and wrote
    `audit entries written by these reads: []`."""
    public_id = patient_check(app)
    with app.app_context():
        check_id = db.session.scalar(select(Check.id).where(Check.public_id == public_id))
        agent = db.session.scalar(select(StaffUser.id).where(StaffUser.role == "desk"))
    live = desk_client.get(f"/desk/checks/{public_id}/live")
    assert live.status_code == 200 and PATIENT_EMAIL in live.get_data(as_text=True)
    desk_client.get(f"/desk/checks/{public_id}/live")  # polled again within the minute
    form = desk_client.get(f"/desk/checks/{public_id}/contact")
    assert PATIENT_EMAIL in form.get_data(as_text=True)
    reads = [(e[0], e[2], e[4]) for e in entries(app, "desk.lookup")]
    assert reads == [(agent, check_id, {"by": "live"}), (agent, check_id, {"by": "contact"})]
    desk_client.get("/desk/")
    listed = [(e[0], e[2], e[4]) for e in entries(app, "desk.lookup")][2:]
    assert listed == [(agent, check_id, {"by": "recent"})]


def test_an_existing_appointment_ref_posted_to_the_api_is_an_audited_read(app, client):
    """POST /invitations with an existing ref answered the name, email and phone, and the audit
    named no invitation."""
    api = ApiClient(client, create_key(app))
    body = {
        "appointment_ref": "APPT-1001",
        "appointment_at": (utcnow() + timedelta(days=2)).isoformat(),
        "language": "en",
        "first_name": "Alice",
        "email": "alice@example.com",
        "phone": "514 555 0142",
    }
    assert api.post("/invitations", json=body).status_code == 201
    again = api.post("/invitations", json={**body, "first_name": None, "email": None})
    assert again.status_code == 200 and again.json["email"] == "alice@example.com"
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    reads = entries(app, "api.invitation_read")
    assert len(reads) == 1 and reads[0][3] == invitation_id and reads[0][1] is not None


# F6: a keyed, anchored chain that the database will not let anyone rewrite.


def unkeyed_hash(prev_hash: str, entry) -> str:
    """What taudit.py computed: the old chain's SHA-256, which needs no secret."""
    body = json.dumps(content(entry), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def write_entries(app, count: int) -> list[int]:
    with app.app_context():
        ids = []
        for n in range(count):
            ids.append(record("desk.lookup", details={"by": "code", "n": n}))
            db.session.commit()
        return [entry.id for entry in ids]


def verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def rechain_without_the_key(app, from_id: int) -> None:
    """Recompute every hash from an entry on, as someone who can write to the database can."""
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        previous = GENESIS
        for entry in rows:
            if entry.id >= from_id:
                digest = unkeyed_hash(previous, entry)
                db.session.rollback()
                as_database_owner(
                    "UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :id",
                    p=previous,
                    h=digest,
                    id=entry.id,
                )
                previous = digest
            else:
                previous = entry.hash


def test_an_edit_with_the_chain_recomputed_is_caught(app):
    """taudit.py step 2: edit + re-chain passed `flask audit verify`."""
    ids = write_entries(app, 6)
    with app.app_context():
        as_database_owner(
            "UPDATE audit_event SET details = :d WHERE id = :id", d='{"by": "phone"}', id=ids[3]
        )
    rechain_without_the_key(app, ids[3])
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {ids[3]}" in result.output


def test_a_forged_entry_appended_is_caught(app):
    """taudit.py step 6: a forged staff.sign_in appended passed."""
    write_entries(app, 3)
    with app.app_context():
        last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        forged = AuditEvent(
            id=last.id + 1, at=utcnow(), action="staff.sign_in", details={}, prev_hash=last.hash
        )
        digest = unkeyed_hash(last.hash, forged)
        db.session.execute(
            insert(AuditEvent.__table__).values(
                id=forged.id,
                at=forged.at,
                action="staff.sign_in",
                details={},
                prev_hash=last.hash,
                hash=digest,
            )
        )
        db.session.commit()
    result = verify(app)
    assert result.exit_code == 1 and "changed after it was written" in result.output


def test_the_newest_entries_removed_are_caught_against_a_saved_anchor(app):
    """taudit.py step 5: deleting the newest 50 entries left an intact, shorter chain."""
    ids = write_entries(app, 8)
    anchor = app.test_cli_runner().invoke(args=["audit", "anchor"]).output.strip()
    assert anchor.startswith(f"{ids[-1]}:") and len(anchor.split(":")[1]) == 64
    assert verify(app, "--anchor", anchor).exit_code == 0
    with app.app_context():
        as_database_owner("DELETE FROM audit_event WHERE id > :id", id=ids[4])
    assert verify(app).exit_code == 0  # the shorter chain is whole: only the anchor tells
    result = verify(app, "--anchor", anchor)
    assert result.exit_code == 1
    assert f"anchored entry {ids[-1]} is gone" in result.output


def test_the_database_refuses_to_change_or_delete_a_chained_entry(app):
    """PostgreSQL: the app's role could UPDATE and DELETE, and no trigger stopped it."""
    ids = write_entries(app, 3)
    with app.app_context():
        with pytest.raises(exc.DatabaseError, match="audit entries cannot be changed"):
            db.session.execute(
                text("UPDATE audit_event SET action = 'x' WHERE id = :id"), {"id": ids[1]}
            )
        db.session.rollback()
        if db.engine.dialect.name == "postgresql":
            with pytest.raises(exc.DatabaseError, match="cannot be changed or deleted"):
                db.session.execute(text("DELETE FROM audit_event WHERE id > 0"))
            db.session.rollback()
    assert verify(app).exit_code == 0


# F10: nothing can be written to an erased check.


def erase(app, public_id: str) -> None:
    with app.app_context():
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        erase_patient(db.session, check, now=utcnow(), reason="request")
        db.session.commit()


def test_the_desk_cannot_add_contact_details_or_notes_to_an_erased_check(app, desk_client):
    """terase.py: the desk added contact + note to the erased check; the purge left them."""
    public_id = patient_check(app)
    erase(app, public_id)
    contact = desk_client.post(
        f"/desk/checks/{public_id}/contact",
        data={
            "email": "new@example.org",
            "mobile": "514 555 0100",
            "backup": "",
            "preferred_language": "en",
            "preferred_contact": "email",
        },
    )
    note = desk_client.post(f"/desk/checks/{public_id}/notes", data={"text": "called back"})
    for answer in (contact, note):
        assert answer.status_code == 302 and answer.location.endswith(f"/desk/checks/{public_id}")
    page = desk_client.get(f"/desk/checks/{public_id}").get_data(as_text=True)
    assert "nothing can be added to it" in page
    with app.app_context():
        assert db.session.scalars(select(ContactDetails)).all() == []
        assert db.session.scalars(select(DeskNote)).all() == []
        # Whatever the path, the database session refuses it too.
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        staff_id = db.session.scalar(select(StaffUser.id))
        db.session.add(DeskNote(check=check, staff_id=staff_id, text="later"))
        with pytest.raises(ErasedCheck):
            db.session.commit()
        db.session.rollback()


def test_a_patient_session_open_before_the_erasure_writes_nothing_after_it(serve):
    url = serve()
    app = serve.app
    code, _token = invitation(app, appointment_ref="APPT-F10-1")
    patient = Browser(url)
    assert patient.post("/fr/code", {"code": code}).status == 302
    finish_attempt(app, patient, PATIENT_CONTACT)
    erase(app, checks(app)[-1].public_id)
    answer = patient.post("/fr/check/contact", PATIENT_CONTACT)
    assert answer.status == 302 and answer.location.endswith("/fr/")
    assert patient.post("/fr/check/contact/confirm").location.endswith("/fr/")
    with app.app_context():
        assert db.session.scalars(select(ContactDetails)).all() == []


# F19: ciphertexts bound to their place; a wrong key refused at start-up.


def test_a_ciphertext_copied_into_another_row_is_refused_not_shown(app, desk_client):
    """F19: invitation.email of APPT-1001 copied into desk_note.text showed as the note."""
    public_id = patient_check(app)
    with app.app_context():
        found, _token = add_invitation(appointment_ref="APPT-1001", email="alice@example.com")
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        staff_id = db.session.scalar(select(StaffUser.id))
        db.session.add(DeskNote(check=check, staff_id=staff_id, text="called"))
        db.session.commit()
        stolen = db.session.scalar(text("SELECT email FROM invitation"))
        assert ".invitation.email." in stolen
        db.session.execute(text("UPDATE desk_note SET text = :t"), {"t": stolen})
        db.session.commit()
    page = desk_client.get(f"/desk/checks/{public_id}")
    assert page.status_code == 500
    assert "alice@example.com" not in page.get_data(as_text=True)


def test_two_patients_phone_numbers_swapped_in_the_database_are_refused(app):
    first = patient_check(app, mobile="+15145550101", code="AAAA22")
    patient_check(app, email="other@example.org", mobile="+15145550202", code="BBBB22")
    with app.app_context():
        rows = db.session.execute(text("SELECT id, mobile_e164 FROM contact_details")).all()
        (id1, m1), (id2, m2) = rows
        db.session.execute(
            text("UPDATE contact_details SET mobile_e164 = :m WHERE id = :id"), {"m": m2, "id": id1}
        )
        db.session.commit()
        db.session.expire_all()
        with pytest.raises(Exception, match="sealed for contact_details.mobile_e164"):
            db.session.scalar(select(Check).where(Check.public_id == first)).contact_details[0]
        db.session.rollback()


def test_values_written_before_binding_are_still_read_and_rotate_key_binds_them(app, runner):
    public_id = patient_check(app)
    with app.app_context():
        ring = app.extensions["readiness_keyring"]
        # What a v1 value looks like: AES-GCM with the associated data "v1" only.
        nonce = os.urandom(12)
        sealed = ring.newest.aead.encrypt(nonce, b"legacy@example.org", b"v1")
        v1 = f"v1.{ring.newest.id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"
        db.session.execute(text("UPDATE contact_details SET email = :e"), {"e": v1})
        db.session.commit()
        db.session.expire_all()
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        assert check.contact_details[0].email == "legacy@example.org"
    result = runner.invoke(args=["data", "rotate-key"])
    assert "contact_details: 1 row(s) re-encrypted" in result.output
    with app.app_context():
        stored = db.session.scalar(text("SELECT email FROM contact_details"))
        assert stored.startswith(f"v2.{ring.newest.id}.contact_details.email.")


def test_a_start_with_the_wrong_data_key_is_refused(app, make_app):
    """tkeys.py: a wrong key started, then /clinic/ answered 500 while new rows were written
    under the wrong key."""
    patient_check(app)
    with pytest.raises(RuntimeError, match="READINESS_DATA_KEYS holds none of the keys"):
        make_app(DATA_KEYS=new_key())
    # The right key beside a new one (a rotation starting) is fine.
    right = app.config["DATA_KEYS"]
    right = right if isinstance(right, str) else ",".join(right)
    assert make_app(DATA_KEYS=f"{new_key()},{right}") is not None


def test_a_purge_removes_contact_details_an_erased_check_still_holds(app, runner):
    """terase.py's end state (rows added after the erasure, before that was refused): `data
    purge` with RETENTION_CHECK_DAYS=0 left `contact rows on erased checks: 1 | notes: 1`."""
    public_id = patient_check(app)
    erase(app, public_id)
    with app.app_context():
        check_id = db.session.scalar(select(Check.id).where(Check.public_id == public_id))
        staff_id = db.session.scalar(select(StaffUser.id)) or 0
    with app.app_context():
        # Written as the old code did, past today's guards.
        db.session.execute(
            text('UPDATE "check" SET erased_at = NULL WHERE id = :id'), {"id": check_id}
        )
        if not staff_id:
            db.session.add(StaffUser(email="d@example.org", role="desk", password_hash="x"))
            db.session.flush()
            staff_id = db.session.scalar(select(StaffUser.id))
        check = db.session.get(Check, check_id)
        db.session.add(
            ContactDetails(
                check=check,
                email="late@example.org",
                preferred_language="en",
                preferred_contact="email",
            )
        )
        db.session.add(DeskNote(check=check, staff_id=staff_id, text="late note"))
        db.session.flush()
        db.session.execute(
            text('UPDATE "check" SET erased_at = :t WHERE id = :id'),
            {"t": utcnow(), "id": check_id},
        )
        db.session.commit()
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(ContactDetails)).all() == []
        assert db.session.scalars(select(DeskNote)).all() == []


def test_an_admin_unlocks_an_account_without_changing_its_password(make_app, make_staff):
    """F8: the only unlock was `flask staff set-password`."""
    from tests.conftest import STAFF_PASSWORD

    app = make_app(SIGN_IN_LOCK_AFTER=2, SIGN_IN_LOCK_MINUTES=60)
    user = make_staff("clinician", email="clin2@example.org")
    client = app.test_client()
    for _ in range(3):
        client.post("/auth/login", data={"email": user.email, "password": "wrong password"})
    right = {"email": user.email, "password": STAFF_PASSWORD}
    assert client.post("/auth/login", data=right).status_code == 400
    result = app.test_cli_runner().invoke(args=["staff", "unlock", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert client.post("/auth/login", data=right).status_code == 302
    assert entries(app, "staff.unlocked")[0][4] == {"by": "cli", "addresses": 1}
