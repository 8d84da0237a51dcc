"""The patient's journey in Chromium, in English and French, with axe on every page."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from readiness.extensions import db
from readiness.models import Check
from tests.support.records import add_invitation, add_results

WORDS = {
    "en": {
        "agree": "Yes, I agree to have my visit by video",
        "continue": "Continue",
        "email": "Email (optional)",
        "mobile": "Mobile phone (optional)",
        "backup": "Phone number to call if the video stops",
        "text": "By text message",
        "save_answer": "Save my answer",
        "save": "Yes, save them",
        "english": "English",
    },
    "fr": {
        "agree": "Oui, j’accepte que ma consultation se fasse par vidéo",
        "continue": "Continuer",
        "email": "Courriel (facultatif)",
        "mobile": "Cellulaire (facultatif)",
        "backup": "Numéro à appeler si la vidéo s’arrête",
        "text": "Par texto",
        "save_answer": "Enregistrer ma réponse",
        "save": "Oui, les enregistrer",
        "english": "Anglais",
    },
}


def add_results_to_the_check_on_screen(app, page):
    code = page.get_by_test_id("reference-code").inner_text().replace("-", "")
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        add_results(check)
        db.session.commit()
    return code


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_patient_finishes_with_consent_contact_details_and_a_code(
    app, browser_page, assert_accessible, lang
):
    words = WORDS[lang]
    page = browser_page
    with app.app_context():
        _, token = add_invitation(first_name="Amélie", language=lang)
        db.session.commit()
    page.goto(f"/{lang}/i/{token}")
    assert_accessible(page)
    page.get_by_test_id("start-check").click()
    page.goto(f"/{lang}/check")
    assert_accessible(page)
    code = add_results_to_the_check_on_screen(app, page)

    page.goto(f"/{lang}/check/summary")
    assert page.get_by_test_id("overall-verdict").get_attribute("data-verdict") == "ready"
    assert_accessible(page)
    page.get_by_role("link", name=words["continue"], exact=True).click()

    page.get_by_role("button", name=words["save_answer"]).click()
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    page.get_by_label(words["agree"]).check()
    page.get_by_role("button", name=words["save_answer"]).click()

    page.get_by_label(words["backup"]).fill("555")
    page.get_by_role("button", name=words["continue"]).click()
    # The summary takes the focus once focus-errors.js has run, which is what a person waits for.
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)
    page.get_by_label(words["email"]).fill("amelie.roy@example.org")
    page.get_by_label(words["mobile"]).fill("514 555-0123")
    page.get_by_label(words["backup"]).fill("613 555 0142")
    page.get_by_label(words["english"]).check()
    page.get_by_label(words["text"]).check()
    page.get_by_role("button", name=words["continue"]).click()

    review = page.get_by_test_id("contact-review").inner_text()
    if lang == "fr":  # the OQLF's way: 514 555-0123, no parentheses
        assert "514\u00a0555-0123" in review and "613\u00a0555-0142" in review
    else:
        assert "(514) 555-0123" in review and "(613) 555-0142" in review
    assert_accessible(page)
    page.get_by_role("button", name=words["save"]).click()

    assert page.get_by_test_id("reference-code").inner_text() == f"{code[:3]}-{code[3:]}"
    assert page.get_by_test_id("final-verdict").get_attribute("data-verdict") == "ready"
    assert_accessible(page)
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        consent = check.consent_records[-1]
        contact = check.contact_details[-1]
        assert (consent.decision, consent.language, consent.method) == ("agreed", lang, "online")
        assert contact.email == "amelie.roy@example.org"
        assert (contact.mobile_e164, contact.backup_e164) == ("+15145550123", "+16135550142")
        assert (contact.preferred_language, contact.preferred_contact) == ("en", "sms")
        assert check.invitation is not None and check.completed_at is not None


def test_closed_invitation_page_passes_axe_in_both_languages(browser_page, assert_accessible):
    for lang in ("en", "fr"):
        response = browser_page.goto(f"/{lang}/i/not-a-real-token")
        assert response.status == 404
        assert_accessible(browser_page)


def test_confirmation_prints_as_one_clean_page(app, browser_page):
    page = browser_page
    page.goto("/en/")
    page.get_by_test_id("start-check").click()
    code = add_results_to_the_check_on_screen(app, page)
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        check.completed_at = datetime.now(UTC)
        check.verdict = "ready"
        db.session.commit()
    page.goto("/en/check/done")
    page.emulate_media(media="print")
    assert page.get_by_role("button", name="Print this page").is_hidden()
    assert page.locator(".support-banner").is_hidden()
    pdf = page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1


def test_every_finishing_page_fits_a_320_pixel_phone(app, new_browser_page):
    """320 CSS pixels is also what a 1280-pixel screen shows at 400% zoom (WCAG reflow)."""
    page = new_browser_page(locale="fr-CA", viewport={"width": 320, "height": 640})
    page.goto("/fr/")
    page.get_by_test_id("start-check").click()
    add_results_to_the_check_on_screen(app, page)
    for path in ("check", "check/summary", "check/consent"):
        page.goto(f"/fr/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    page.get_by_label(WORDS["fr"]["agree"]).check()
    page.get_by_role("button", name=WORDS["fr"]["save_answer"]).click()
    page.get_by_role("button", name=WORDS["fr"]["continue"]).click()
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "contact with errors"
