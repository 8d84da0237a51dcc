"""The support desk as an agent uses it, with a patient's check running in a second browser."""

import re

import pytest

from readiness.extensions import db
from readiness.models import Check, ConsentRecord, ContactDetails, StaffUser
from tests.browser import test_devices
from tests.browser.test_connection import throttle
from tests.browser.test_devices import start_check as start_check_on_the_device_step
from tests.conftest import STAFF_PASSWORD
from tests.support.records import add_invitation

# A Chromium that refuses the camera and microphone, as the device step's own tests use it.
refusing_chromium = test_devices.refusing_chromium
refused_page = test_devices.refused_page

WORDS = {
    "en": {
        "find": "Find",
        "consent": "Record verbal consent",
        "contact": "Enter or correct contact details",
        "note": "Add a note",
        "outcome": "No suitable device: phone visit",
        "record_answer": "Record the caller's answer",
        "save_contact": "Save the contact details",
        "add_note": "Add the note",
        "record_phone": "Record: no suitable device, phone visit",
        "updated": "The caller's check was updated",
    },
    "fr": {
        "find": "Chercher",
        "consent": "Consigner le consentement verbal",
        "contact": "Entrer ou corriger les coordonnées",
        "note": "Ajouter une note",
        "outcome": "Pas d’appareil adéquat : consultation téléphonique",
        "record_answer": "Consigner la réponse de la personne qui appelle",
        "save_contact": "Enregistrer les coordonnées",
        "add_note": "Ajouter la note",
        "record_phone": "Consigner : pas d’appareil adéquat, consultation téléphonique",
        "updated": "La vérification de la personne qui appelle a été mise à jour",
    },
}


def sign_in_agent(new_browser_page, make_staff, lang, **options):
    """A desk agent's browser, signed in, its pages in the agent's language."""
    user = make_staff("desk", display_name="Agent Tremblay")
    page = new_browser_page(locale="en-CA", **options)
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/desk/")
    if lang == "fr":
        page.get_by_role("link", name="Français").click()
        page.wait_for_url("**/desk/")
    assert page.locator("html").get_attribute("lang") == lang
    return page, user


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_agent_starts_a_check_watches_it_live_and_finishes_it_by_phone(
    app, new_browser_page, make_staff, assert_accessible, lang
):
    words = WORDS[lang]
    # In French, the agent works on a 320-pixel-wide screen (400% zoom): nothing scrolls sideways.
    viewport = {"width": 320, "height": 700} if lang == "fr" else {"width": 1280, "height": 900}
    agent, user = sign_in_agent(new_browser_page, make_staff, lang, viewport=viewport)
    assert_accessible(agent)

    agent.locator(f"input[name=language][value={lang}]").check()
    agent.get_by_test_id("start-caller-check").click()
    agent.wait_for_url("**/desk/checks/*")
    code = agent.get_by_test_id("reference-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)  # a code that lets a caller in
    assert f"/{lang}/code" in agent.locator(".address").inner_text()
    assert agent.get_by_test_id("desk-connection").get_attribute("data-verdict") == ""
    assert_accessible(agent)
    assert fits(agent)
    agent.evaluate("window.sameDocument = true")

    # The caller types the code the agent reads out, and their connection test starts by itself.
    caller = new_browser_page(locale=f"{lang}-CA")
    caller.goto(f"/{lang}/code")
    caller.locator("input[name=code]").fill(code.lower().replace("-", ""))
    caller.locator("form button[type=submit]").click()
    caller.wait_for_url(f"**/{lang}/check")
    caller.goto(f"/{lang}/check/connection")

    # The agent sees the caller's step and then the result, without reloading.
    result = agent.locator('[data-testid="desk-connection"]:not([data-verdict=""])')
    result.wait_for(timeout=60_000)
    assert agent.evaluate("window.sameDocument") is True
    assert agent.get_by_test_id("desk-step").get_attribute("data-step") == "connection"
    assert result.get_attribute("data-verdict") == "ready"
    assert ("Mbps" if lang == "en" else "Mbit/s") in result.inner_text()
    agent.wait_for_function(
        "text => document.querySelector('[data-announce]').textContent.startsWith(text)",
        arg=words["updated"],
    )
    assert agent.evaluate("document.activeElement === document.body")  # focus stayed put
    assert_accessible(agent)

    # Verbal consent, read in the caller's language.
    agent.get_by_role("link", name=words["consent"]).click()
    assert agent.get_by_test_id("consent-text").get_attribute("lang") == lang
    agent.get_by_role("button", name=words["record_answer"]).click()
    agent.wait_for_selector(".error-summary")
    assert_accessible(agent)
    assert fits(agent)
    agent.locator("#read_aloud").check()
    agent.locator("input[name=decision][value=agreed]").check()
    agent.get_by_role("button", name=words["record_answer"]).click()
    agent.wait_for_url("**/desk/checks/*")
    consent = agent.get_by_test_id("desk-consent")
    assert consent.get_attribute("data-method") == "verbal_desk"
    assert "Agent Tremblay" in consent.inner_text()

    # Contact details, with the patient's rules.
    agent.get_by_role("link", name=words["contact"]).click()
    agent.locator("#backup").fill("555")
    agent.get_by_role("button", name=words["save_contact"]).click()
    agent.wait_for_selector(".error-summary")
    assert_accessible(agent)
    assert fits(agent)
    agent.locator("#email").fill("amelie.roy@example.org")
    agent.locator("#mobile").fill("514 555-0123")
    agent.locator("#backup").fill("613 555 0142")
    agent.locator(f"input[name=preferred_language][value={lang}]").check()
    agent.locator("input[name=preferred_contact][value=sms]").check()
    agent.get_by_role("button", name=words["save_contact"]).click()
    agent.wait_for_url("**/desk/checks/*")
    mobile_shown = {"en": "(514) 555-0123", "fr": "514\u00a0555-0123"}[lang]
    assert mobile_shown in agent.get_by_test_id("desk-contact").inner_text()

    # A note, and the outcome page (axe only: this caller has a device).
    agent.get_by_role("link", name=words["note"]).click()
    agent.get_by_role("button", name=words["add_note"]).click()
    agent.wait_for_selector(".error-summary")
    assert_accessible(agent)
    agent.locator("#text").fill("Caller helped by phone; test passed on the second try.")
    agent.get_by_role("button", name=words["add_note"]).click()
    agent.wait_for_url("**/desk/checks/*")
    assert "second try" in agent.get_by_test_id("desk-notes").inner_text()
    agent.get_by_role("link", name=words["outcome"]).click()
    assert agent.get_by_role("button", name=words["record_phone"]).is_visible()
    assert_accessible(agent)
    assert fits(agent)

    with app.app_context():
        check = db.session.scalar(
            db.select(Check).where(Check.reference_code == code.replace("-", ""))
        )
        agent_id = db.session.scalar(db.select(StaffUser.id).where(StaffUser.email == user.email))
        [consent] = db.session.scalars(db.select(ConsentRecord)).all()
        [contact] = db.session.scalars(db.select(ContactDetails)).all()
        assert check.started_by_staff_id == agent_id
        assert (consent.method, consent.staff_id, consent.language) == (
            "verbal_desk",
            agent_id,
            lang,
        )
        assert (contact.mobile_e164, contact.backup_e164) == ("+15145550123", "+16135550142")
        assert contact.entered_by_staff_id == agent_id
        assert check.connection_results and check.last_seen_at is not None


def test_agent_finds_a_patients_own_check_by_code_and_reads_the_matching_script(
    app, new_browser_page, make_staff, assert_accessible
):
    caller = new_browser_page(locale="fr-CA")
    caller.goto("/fr/")
    throttle(caller, download_mbps=3, upload_mbps=1)  # slow enough to watch the test happen
    caller.get_by_test_id("start-check").click()
    caller.wait_for_url("**/fr/check/connection")
    with app.app_context():
        code = db.session.scalar(db.select(Check.reference_code))

    agent, _ = sign_in_agent(new_browser_page, make_staff, "en")
    agent.get_by_label("Reference code, phone number or email").fill(code.lower())
    agent.get_by_role("button", name="Find").click()
    agent.get_by_test_id("search-results").get_by_role("link").click()
    agent.wait_for_url("**/desk/checks/*")
    agent.evaluate("window.sameDocument = true")

    script = agent.locator('[data-testid="desk-script"][data-reason="download_low"]')
    script.wait_for(timeout=60_000)
    assert agent.evaluate("window.sameDocument") is True
    assert agent.get_by_test_id("desk-connection").get_attribute("data-verdict") != "ready"
    french = script.locator('[data-language="fr"]')
    english = script.locator('[data-language="en"]')
    assert french.get_attribute("lang") == "fr"
    assert "routeur Wi-Fi" in french.inner_text()
    assert "Wi-Fi router" in english.inner_text()
    assert_accessible(agent)


def test_agent_sees_a_refused_camera_and_reads_chromes_permission_script(
    app, refused_page, new_browser_page, make_staff, assert_accessible
):
    """The device step's results reach the desk live, with the caller's browser and system."""
    caller = refused_page(locale="fr-CA")
    code = start_check_on_the_device_step(caller, "fr")
    agent, _ = sign_in_agent(new_browser_page, make_staff, "fr")
    agent.goto(f"/desk/?q={code}")
    agent.get_by_test_id("search-results").get_by_role("link").click()
    agent.wait_for_url("**/desk/checks/*")
    agent.evaluate("window.sameDocument = true")

    caller.get_by_test_id("test-camera").click()
    camera = agent.locator('[data-testid="desk-device-camera"][data-status="fail"]')
    camera.wait_for(timeout=30_000)
    assert agent.evaluate("window.sameDocument") is True
    assert "Chrome" in agent.get_by_test_id("desk-device").inner_text()
    script = agent.locator('[data-testid="desk-script"][data-reason="permission_denied"]')
    assert script.locator('[data-script="permission_chrome_desktop"]').count() == 1  # French only
    assert "Cliquez sur l’icône juste à gauche" in script.inner_text()
    assert_accessible(agent)


def test_what_the_desk_records_for_an_invited_patient_is_what_the_clinician_sees(
    app, new_browser_page, make_staff
):
    with app.app_context():
        invitation, token = add_invitation(first_name="Amélie", language="en")
        db.session.commit()
        invitation_id, invitation_code = invitation.public_id, invitation.code
    caller = new_browser_page()
    caller.goto(f"/en/i/{token}")
    caller.get_by_test_id("start-check").click()
    caller.wait_for_url("**/en/check/connection")

    # The caller reads the code of their invitation; the agent finds their check with it.
    agent, _ = sign_in_agent(new_browser_page, make_staff, "en")
    agent.goto(f"/desk/?q={invitation_code.lower()}")
    agent.get_by_test_id("search-results").get_by_role("link").click()
    agent.wait_for_url("**/desk/checks/*")
    agent.get_by_role("link", name="Record verbal consent").click()
    agent.locator("#read_aloud").check()
    agent.locator("input[name=decision][value=agreed]").check()
    agent.get_by_role("button", name="Record the caller's answer").click()
    agent.get_by_role("link", name="Enter or correct contact details").click()
    agent.locator("#backup").fill("613 555 0142")
    agent.locator("input[name=preferred_language][value=en]").check()
    agent.locator("input[name=preferred_contact][value=phone]").check()
    agent.get_by_role("button", name="Save the contact details").click()
    agent.get_by_role("link", name="Add a note").click()
    agent.locator("#text").fill("Consent read aloud by phone; the caller uses a tablet.")
    agent.get_by_role("button", name="Add the note").click()
    agent.wait_for_url("**/desk/checks/*")

    clinician = make_staff("clinician", email="clinician@example.org")
    page = new_browser_page()
    page.goto("/auth/login")
    page.get_by_label("Email").fill(clinician.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/clinic/")
    page.goto(f"/clinic/visits/{invitation_id}")
    assert "Agent Tremblay" in page.get_by_test_id("consent-records").inner_text()
    assert "(613) 555-0142" in page.get_by_test_id("backup-phone").inner_text()
    assert "the caller uses a tablet" in page.get_by_test_id("desk-notes").inner_text()
