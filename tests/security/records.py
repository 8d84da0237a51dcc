"""Made-up people and checks for the attacks, written straight to the test database."""

from datetime import timedelta

from sqlalchemy import select

from readiness.extensions import db
from readiness.models import AuditEvent, Check, ContactDetails, StaffUser, utcnow
from readiness.passwords import hash_password
from tests.conftest import STAFF_PASSWORD
from tests.support.records import add_invitation, add_results

PATIENT_EMAIL = "amelie.roy@example.org"


def finished_check(app, **fields) -> str:
    """A patient's finished check, with contact details; returns its reference code."""
    with app.app_context():
        check = Check(reference_code=fields.pop("code", "K7P4QX"), language="fr", **fields)
        db.session.add(check)
        add_results(check)
        db.session.add(
            ContactDetails(
                check=check,
                email=PATIENT_EMAIL,
                mobile_e164="+15145550123",
                preferred_language="fr",
                preferred_contact="email",
            )
        )
        check.completed_at = utcnow()
        check.step = "done"
        db.session.commit()
        return check.reference_code


def desk_started_check(app, code="K7PM4QX9", minutes_ago=1, **fields) -> str:
    with app.app_context():
        agent = staff(app, "desk")
        check = Check(
            reference_code=code,
            language="en",
            started_by_staff_id=agent,
            created_at=utcnow() - timedelta(minutes=minutes_ago),
            **fields,
        )
        db.session.add(check)
        db.session.commit()
        return code


def invitation(app, **fields):
    """An invitation; returns (its code, its link's token)."""
    with app.app_context():
        found, token = add_invitation(**fields)
        db.session.commit()
        return found.code, token


def staff(app, role: str, email: str | None = None) -> int:
    with app.app_context():
        email = email or f"{role}@example.org"
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            user = StaffUser(email=email, role=role, password_hash=hash_password(STAFF_PASSWORD))
            db.session.add(user)
            db.session.commit()
        return user.id


def audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return list(events)


def checks(app) -> list[Check]:
    with app.app_context():
        found = db.session.scalars(select(Check).order_by(Check.id)).all()
        db.session.expunge_all()
        return list(found)


CONTACT = {
    "email": PATIENT_EMAIL,
    "backup": "613 555-0142",
    "preferred_language": "fr",
    "preferred_contact": "email",
}


def finish_over_http(app, browser, code: str, lang: str = "fr") -> int:
    """A patient's whole check through the real pages, from an invitation code to the end
    (results written straight to the database); returns the check's id."""
    from readiness.checks.consent import consent_text

    assert browser.post(f"/{lang}/code", {"code": code}).location.endswith(f"/{lang}/check")
    check_id = checks(app)[-1].id
    with app.app_context():
        add_results(db.session.get(Check, check_id))
        db.session.commit()
    assert browser.get(f"/{lang}/check/summary").status == 200
    sha = consent_text({}, lang).sha256
    answer = browser.post(f"/{lang}/check/consent", {"decision": "agreed", "text_sha256": sha})
    assert answer.status == 302, answer.text
    answer = browser.post(f"/{lang}/check/contact", CONTACT)
    assert answer.status == 302, answer.text
    answer = browser.post(f"/{lang}/check/contact/confirm")
    assert answer.location.endswith(f"/{lang}/check/done")
    return check_id


def add_results_to_latest(app) -> None:
    with app.app_context():
        add_results(db.session.get(Check, checks(app)[-1].id))
        db.session.commit()
