"""A patient's whole journey through the real pages, from the invitation link to the end."""

from readiness.checks.consent import consent_text
from readiness.extensions import db
from readiness.models import Check
from tests.support.records import add_invitation, add_results

CONTACT = {
    "email": "amelie.roy@example.org",
    "mobile": "514 555-0123",
    "backup": "(613) 555-0142",
    "preferred_language": "fr",
    "preferred_contact": "sms",
}


def invite(app, **fields) -> str:
    """An invitation in the database; returns its link's token."""
    with app.app_context():
        _, token = add_invitation(**fields)
        db.session.commit()
    return token


def run_journey(
    app, client, token: str, lang: str = "fr", decision: str = "agreed", **results
) -> str:
    """Open the link, do every part, consent, give contact details; returns the check's id.

    results: how the parts went, as tests.support.records.add_results takes them."""
    client.post(f"/{lang}/i/{token}")
    with app.app_context():
        check = db.session.scalars(db.select(Check).order_by(Check.id.desc())).first()
        add_results(check, **results)
        db.session.commit()
        public_id = check.public_id
    sha = consent_text({}, lang).sha256
    client.get(f"/{lang}/check/summary")
    client.post(f"/{lang}/check/consent", data={"decision": decision, "text_sha256": sha})
    change_contact(client, lang, **CONTACT)
    return public_id


def change_contact(client, lang: str = "fr", **contact) -> None:
    response = client.post(f"/{lang}/check/contact", data={**CONTACT, **contact})
    assert response.status_code == 302, response.text
    response = client.post(f"/{lang}/check/contact/confirm")
    assert response.headers["Location"].endswith("/check/done")
