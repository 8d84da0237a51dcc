"""A patient's whole check through the real pages, in Chromium, nothing written by the test:
invitation link, connection test, devices, setting, results, consent, contact details, code.
Over HTTP and over HTTPS (gunicorn with the tests' own certificate): every step posts a form."""

import pytest

from readiness.extensions import db
from readiness.models import Check, OutboxMessage
from tests.support.records import add_invitation

WORDS = {
    "en": {
        "to_devices": "Continue to the camera and microphone",
        "continue": "Continue",
        "agree": "Yes, I agree to have my visit by video",
        "save_answer": "Save my answer",
        "email": "Email (optional)",
        "backup": "Phone number to call if the video stops",
        "english": "English",
        "phone_call": "By phone call",
        "save": "Yes, save them",
    },
    "fr": {
        "to_devices": "Continuer vers la caméra et le micro",
        "continue": "Continuer",
        "agree": "Oui, j’accepte que ma consultation se fasse par vidéo",
        "save_answer": "Enregistrer ma réponse",
        "email": "Courriel (facultatif)",
        "backup": "Numéro à appeler si la vidéo s’arrête",
        "english": "Anglais",
        "phone_call": "Par appel téléphonique",
        "save": "Oui, les enregistrer",
    },
}


def wait_for_pass(page, kind):
    page.wait_for_selector(f'[data-testid="device-{kind}"][data-status="pass"]')


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_patient_goes_from_the_invitation_link_to_a_reference_code(
    app, new_browser_page, assert_accessible, request, lang, scheme
):
    words = WORDS[lang]
    with app.app_context():
        _, token = add_invitation(first_name="Léa", language=lang)
        db.session.commit()
    if scheme == "https":
        server = request.getfixturevalue("https_live_server")
        page = new_browser_page(locale=f"{lang}-CA", base_url=server, ignore_https_errors=True)
    else:
        page = new_browser_page(locale=f"{lang}-CA")
    page.goto(f"/{lang}/i/{token}")
    page.get_by_test_id("start-check").click()

    page.get_by_test_id("connection-result").wait_for(timeout=60_000)
    page.get_by_role("link", name=words["to_devices"]).click()

    wait_for_pass(page, "browser")
    page.get_by_test_id("test-camera").click()
    wait_for_pass(page, "camera")
    page.get_by_test_id("test-microphone").click()
    wait_for_pass(page, "microphone")
    page.get_by_test_id("play-sound").click()
    page.get_by_test_id("speakers-heard").click()
    wait_for_pass(page, "speakers")
    page.get_by_test_id("devices-continue").click()

    for choice in ("#private_place-0", "#public_wifi-1", "#phone_at_hand-0", "#headset-0"):
        page.locator(choice).check()
    page.get_by_role("button", name=words["continue"]).click()

    page.wait_for_url(f"**/{lang}/check/summary")
    assert page.get_by_test_id("overall-verdict").get_attribute("data-verdict") == "ready"
    page.get_by_role("link", name=words["continue"], exact=True).click()
    page.get_by_label(words["agree"]).check()
    page.get_by_role("button", name=words["save_answer"]).click()

    page.get_by_label(words["email"]).fill("lea.tremblay@example.org")
    page.get_by_label(words["backup"]).fill("418 555-0175")
    page.get_by_label(words["english"]).check()
    page.get_by_label(words["phone_call"]).check()
    page.get_by_role("button", name=words["continue"]).click()
    page.get_by_role("button", name=words["save"]).click()

    code = page.get_by_test_id("reference-code").inner_text()
    assert page.url.startswith(f"{scheme}://")
    assert page.get_by_test_id("final-verdict").get_attribute("data-verdict") == "ready"
    assert_accessible(page)
    with app.app_context():
        check = db.session.scalar(
            db.select(Check).where(Check.reference_code == code.replace("-", ""))
        )
        assert check.invitation is not None and check.completed_at is not None
        assert check.verdict == "ready"
        assert check.connection_results[-1].verdict == "ready"
        assert {row.kind: row.status for row in check.device_results} == {
            "browser": "pass",
            "camera": "pass",
            "microphone": "pass",
            "speakers": "pass",
        }
        setting = check.setting_answers[-1]
        assert (setting.private_place, setting.public_wifi, setting.phone_at_hand) == (
            True,
            False,
            True,
        )
        assert check.consent_records[-1].decision == "agreed"
        contact = check.contact_details[-1]
        assert (contact.email, contact.backup_e164) == ("lea.tremblay@example.org", "+14185550175")
        events = db.session.scalars(
            db.select(OutboxMessage.event_type).where(OutboxMessage.check_id == check.id)
        ).all()
        assert "check.completed" in events
