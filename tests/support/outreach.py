"""Upcoming visits in every state the desk's outreach list sorts out."""

from readiness.checks.consent import consent_text
from readiness.extensions import db
from readiness.models import Check, ConsentRecord, ContactDetails, utcnow
from tests.support.records import add_invitation, add_results


def visit(hours, ref, connection=None, consent=True, revoked=False, language="fr"):
    """An invitation `hours` from now; with `connection`, a finished check of that verdict."""
    invitation, _ = add_invitation(
        hours_from_now=hours, appointment_ref=ref, language=language, phone_e164="+14185550111"
    )
    if revoked:
        invitation.revoked_at = utcnow()
    db.session.flush()
    if connection:
        check = Check(reference_code=f"O{invitation.id:07d}", language="fr", invitation=invitation)
        db.session.add(check)
        db.session.flush()
        add_results(check, connection=connection)
        if consent:
            text = consent_text({}, "fr")
            db.session.add(
                ConsentRecord(
                    check=check,
                    decision="agreed",
                    text_version=text.version,
                    language="fr",
                    text_sha256=text.sha256,
                    method="online",
                )
            )
        db.session.add(
            ContactDetails(
                check=check,
                backup_e164="+15145550177",
                preferred_language="fr",
                preferred_contact="phone",
            )
        )
    return invitation


def make_visits(app):
    with app.app_context():
        ids = {
            "none": visit(20, "OUT-NONE").public_id,
            "ready": visit(30, "OUT-READY", connection="ready").public_id,
            "slow": visit(10, "OUT-SLOW", connection="not_ready").public_id,
            "limited": visit(40, "OUT-LIMITED", connection="limited").public_id,
            "later": visit(24 * 5, "OUT-LATER").public_id,
            "revoked": visit(12, "OUT-REVOKED", revoked=True).public_id,
            "past": visit(-3, "OUT-PAST").public_id,
        }
        db.session.commit()
    return ids
