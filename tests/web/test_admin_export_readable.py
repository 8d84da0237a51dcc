"""An access request gets a copy the person can read: every part of the JSON export in words,
in the person's language, with no internal code left; made only by admins, and audited."""

import re

from sqlalchemy import select

from readiness.extensions import db
from readiness.models import AuditEvent, Check
from tests.support.journey import invite, run_journey


def french_check(app, client) -> tuple[str, str]:
    token = invite(app, email="invited@example.org", appointment_ref="APPT-9", first_name="Amélie")
    public_id = run_journey(app, client, token, lang="fr")
    with app.app_context():
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        return public_id, check.reference_code


def visible_text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_french_copy_reads_in_french_with_no_code_left(app, client, admin_client):
    public_id, code = french_check(app, client)
    response = admin_client.get(f"/admin/checks/{public_id}/export.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "attachment" in response.headers["Content-Disposition"]
    page = response.text
    assert '<html lang="fr">' in page
    text = visible_text(page)
    assert "Vos renseignements personnels" in text
    for words in (
        "Courriel amelie.roy@example.org",
        "Cellulaire 514 555-0123",
        "Comment vous joindre Par texto",
        "Langue préférée Français",
        "Réponse acceptée",
        "Façon de le donner en ligne",
        "Prénom Amélie",
        "Qui a consulté ou modifié vos renseignements",
        "Coordonnées enregistrées",
    ):
        assert words in text, words
    assert "décembre" in text or re.search(r"\d{4} à \d{1,2} h", text)
    # No internal code or JSON name reaches the reader.
    for code_word in (
        "not_ready",
        "agreed",
        "online",
        "contact.saved",
        "consent.recorded",
        "preferred_contact",
        "sms",
        "check.completed",
        "True",
        "None",
    ):
        assert not re.search(rf"(?<![\w.]){re.escape(code_word)}(?![\w.])", text), code_word
    with app.app_context():
        exported = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "admin.exported")
        ).all()
    assert [entry.details for entry in exported] == [{"format": "html", "language": "fr"}]


def test_copy_can_be_asked_in_the_other_language(app, client, admin_client):
    public_id, _ = french_check(app, client)
    page = admin_client.get(f"/admin/checks/{public_id}/export.html?lang=en").text
    assert '<html lang="en">' in page and "Your personal information" in page
    assert "How to reach you By text message" in visible_text(page)


def test_requests_page_offers_the_readable_copy_only_to_admins(
    app, client, admin_client, desk_client
):
    public_id, code = french_check(app, client)
    page = admin_client.get("/admin/requests", query_string={"code": code}).text
    assert 'data-testid="export-readable"' in page and "(in French)" in page
    assert desk_client.get(f"/admin/checks/{public_id}/export.html").status_code == 403


def test_every_part_of_the_json_export_has_a_name_in_words(app, client):
    """A field added to the export (readiness.privacy.access) needs its words in access_words."""
    from readiness.models import utcnow
    from readiness.privacy import access_words
    from readiness.privacy.access import patient_data

    public_id, _ = french_check(app, client)

    def keys(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                if key != "expected_quality":  # said as sentences, as a whole
                    yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    with app.app_context():
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        document = patient_data(db.session, check, utcnow())
    unnamed = sorted(set(keys(document)) - set(access_words.NAMES))
    assert unnamed == []
