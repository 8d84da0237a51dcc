"""The clinician's workspace in Chromium, as a clinician uses it with a patient on another device.

The clinician invites a patient and copies the message; the patient opens the link in their own
browser and finishes a check; the clinician sees the status change, reviews the patient, records
the decision and copies the chart note. In English and in French, with axe on every clinic page.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from readiness.extensions import db
from readiness.models import Check
from tests.browser.test_journey import WORDS
from tests.conftest import STAFF_PASSWORD
from tests.support.records import add_results
from tests.web.test_clinic import add_visit

CLINIC_WORDS = {
    "en": {
        "invite": "Invite a patient",
        "create": "Create the invitation",
        "ref": "Appointment reference",
        "date": "Date of the visit",
        "time": "Time of the visit",
        "first_name": "Patient's first name (optional)",
        "language": "English",
        "copied": "Copied.",
        "video": "By video",
        "note": "Note (optional)",
        "save": "Save the decision",
        "chart": [
            "Virtual encounter (video) at 2:30",
            "gave consent to a virtual encounter online",
        ],
        "in_language": "in English",
    },
    "fr": {
        "invite": "Inviter une personne",
        "create": "Créer l’invitation",
        "ref": "Numéro du rendez-vous",
        "date": "Date de la consultation",
        "time": "Heure de la consultation",
        "first_name": "Prénom (facultatif)",
        "language": "Français",
        "copied": "Texte copié.",
        "video": "Par vidéo",
        "note": "Note (facultative)",
        "save": "Enregistrer la décision",
        "chart": ["Rencontre virtuelle (vidéo) le", "à 14\u00a0h\u00a030", "a consenti en ligne"],
        "in_language": "en français",
    },
}


SIGN_IN = {
    "en": ("Email", "Password", "Sign in"),
    "fr": ("Courriel", "Mot de passe", "Ouvrir une session"),
}


def sign_in(page, email, lang):
    """Staff pages follow the browser's language until the staff member picks one."""
    email_label, password_label, button = SIGN_IN[lang]
    page.goto("/auth/login")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(STAFF_PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url("**/clinic/")


def status_of(page, ref):
    page.goto("/clinic/")
    row = page.locator(f'[data-testid="visit-row"][data-ref="{ref}"]')
    return row.get_by_test_id("visit-status").get_attribute("data-status")


def patient_finishes_the_check(app, page, lang, link):
    """The patient's own browser: open the link, run the connection test, finish the journey."""
    words = WORDS[lang]
    page.goto(link)
    page.get_by_test_id("start-check").click()
    page.wait_for_url(f"**/{lang}/check/connection")
    page.get_by_test_id("connection-result").wait_for(timeout=60_000)
    code = page.get_by_test_id("reference-code").inner_text().replace("-", "")
    # The device and setting pages are built on another branch: their results go in directly.
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        add_results(check)
        db.session.commit()
    page.goto(f"/{lang}/check/summary")
    page.get_by_role("link", name=words["continue"], exact=True).click()
    page.get_by_label(words["agree"]).check()
    page.get_by_role("button", name=words["save_answer"]).click()
    page.get_by_label(words["backup"]).fill("613 555 0142")
    page.get_by_label(words["text"]).check()
    page.get_by_label(words["mobile"]).fill("514 555-0123")
    page.get_by_role("button", name=words["continue"]).click()
    page.get_by_role("button", name=words["save"]).click()
    page.get_by_test_id("final-verdict").wait_for()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_clinician_invites_a_patient_follows_the_check_and_records_the_decision(
    app, new_browser_page, make_staff, assert_accessible, lang
):
    words = CLINIC_WORDS[lang]
    staff = make_staff("clinician", email="claire.roy@example.org", display_name="Dr Claire Roy")
    clinician = new_browser_page(
        locale=f"{lang}-CA", permissions=["clipboard-read", "clipboard-write"]
    )
    sign_in(clinician, staff.email, lang)
    assert clinician.locator("html").get_attribute("lang") == lang
    assert_accessible(clinician)

    # Invite: a form with errors first, then the real one.
    clinician.get_by_role("link", name=words["invite"]).first.click()
    assert_accessible(clinician)
    clinician.get_by_role("button", name=words["create"]).click()
    # The summary takes the focus once focus-errors.js has run, which is what a person waits for.
    expect(clinician.locator(".error-summary")).to_be_focused()
    assert_accessible(clinician)
    ref = f"SCH-{lang.upper()}-1001"
    tomorrow = datetime.now(ZoneInfo("America/Toronto")).date() + timedelta(days=1)
    clinician.get_by_label(words["ref"]).fill(ref)
    clinician.get_by_label(words["date"]).fill(tomorrow.isoformat())
    clinician.get_by_label(words["time"]).fill("14:30")
    clinician.get_by_label(words["first_name"]).fill("Amélie")
    clinician.get_by_label(words["language"], exact=True).check()
    clinician.get_by_role("button", name=words["create"]).click()
    link = clinician.get_by_test_id("invitation-link").inner_text()
    assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/{lang}/i/[\w-]+", link)
    assert link in clinician.get_by_test_id("invitation-message").inner_text()
    assert_accessible(clinician)
    clinician.get_by_test_id("copy-message").click()
    clinician.get_by_text(words["copied"]).wait_for()
    copied = clinician.evaluate("navigator.clipboard.readText()")
    support_phone = {"en": "1-800-555-0199", "fr": "1\u00a0800\u00a0555-0199"}[lang]
    assert link in copied and support_phone in copied

    clinician.goto("/clinic/")
    assert status_of(clinician, ref) == "not_tested"
    assert_accessible(clinician)

    # The patient, in their own browser.
    patient = new_browser_page(locale=f"{lang}-CA")
    patient_finishes_the_check(app, patient, lang, link)

    assert status_of(clinician, ref) == "ready"
    counts = clinician.get_by_test_id("status-counts")
    assert counts.locator('[data-status="ready"]').get_attribute("data-count") == "1"
    clinician.goto("/clinic/?status=not_ready")
    assert clinician.locator(f'[data-ref="{ref}"]').count() == 0
    assert_accessible(clinician)

    # The patient's page: results, consent, contact; then the decision and the chart note.
    clinician.goto("/clinic/")
    clinician.locator(f'[data-ref="{ref}"] a').click()
    assert clinician.get_by_test_id("patient-status").get_attribute("data-status") == "ready"
    backup_shown = {"en": "(613) 555-0142", "fr": "613\u00a0555-0142"}[lang]
    assert backup_shown in clinician.get_by_test_id("contact-details").inner_text()
    assert clinician.get_by_test_id("attempt").count() == 1
    assert_accessible(clinician)
    clinician.get_by_label(words["video"]).check()
    clinician.get_by_label(words["note"]).fill("Daughter will join.")
    clinician.get_by_role("button", name=words["save"]).click()
    assert clinician.get_by_test_id("current-decision").get_attribute("data-choice") == "video"
    note = clinician.get_by_test_id("chart-note").inner_text()
    for part in words["chart"] + [words["in_language"]]:
        assert part in note, note
    assert_accessible(clinician)
    clinician.get_by_test_id("copy-chart-note").click()
    clinician.get_by_text(words["copied"]).wait_for()
    assert clinician.evaluate("navigator.clipboard.readText()") == note

    # Between visits on a phone: the list and the patient's page fit 320 CSS pixels.
    clinician.set_viewport_size({"width": 320, "height": 640})
    for path in ("/clinic/", clinician.url.split("#")[0].split("127.0.0.1")[1].split("/", 1)[1]):
        clinician.goto(path if path.startswith("/") else "/" + path)
        assert clinician.evaluate("document.documentElement.scrollWidth") <= 320, path


def tab_to(page, matches: str, presses: int = 60) -> None:
    """Press Tab until the focused element matches the CSS selector."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({matches!r})"):
            return
    raise AssertionError(f"{matches} cannot be reached with Tab")


def test_clinician_records_a_phone_decision_and_copies_the_note_with_the_keyboard_alone(
    app, new_browser_page, make_staff
):
    staff = make_staff("clinician", email="paul.gagnon@example.org")
    public_id = add_visit(app, "SCH-KEY-1", results="not_ready", consent="agreed")
    page = new_browser_page(permissions=["clipboard-read", "clipboard-write"])
    sign_in(page, staff.email, "en")
    page.goto(f"/clinic/visits/{public_id}")
    tab_to(page, "input[name=choice]")
    page.keyboard.press("ArrowDown")  # from "By video" to "By phone", which selects it
    tab_to(page, "textarea[name=note]", presses=2)
    page.keyboard.type("No camera on the patient's tablet.")
    tab_to(page, "button[type=submit]", presses=2)
    page.keyboard.press("Enter")
    page.wait_for_url("**#decision")
    assert page.get_by_test_id("current-decision").get_attribute("data-choice") == "phone"
    tab_to(page, "[data-testid=copy-chart-note]")
    page.keyboard.press("Enter")
    page.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()").startswith(
        "Virtual encounter (telephone)"
    )


def test_without_a_clipboard_the_copy_button_selects_the_text_and_says_so(
    app, new_browser_page, make_staff
):
    staff = make_staff("clinician", email="lea.cote@example.org")
    public_id = add_visit(app, "SCH-SEL-1", results="ready", consent="agreed")
    page = new_browser_page(locale="fr-CA")
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    sign_in(page, staff.email, "fr")
    page.goto(f"/clinic/visits/{public_id}")
    page.get_by_label("Par vidéo").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    # What the clinician waits for: the saved decision, then a copy button that can copy.
    expect(page.get_by_test_id("current-decision")).to_have_attribute("data-choice", "video")
    page.get_by_test_id("copy-chart-note").click()
    page.get_by_text("Le texte est sélectionné").wait_for()
    note = page.get_by_test_id("chart-note").inner_text()
    assert page.evaluate("window.getSelection().toString()").strip() == note


def test_a_copy_button_is_shown_only_once_it_can_copy(app, new_browser_page, make_staff):
    staff = make_staff("clinician", email="ines.roy@example.org")
    public_id = add_visit(app, "SCH-NOJS-1", results="ready", consent="agreed")
    page = new_browser_page()
    sign_in(page, staff.email, "en")
    page.goto(f"/clinic/visits/{public_id}")
    page.get_by_label("By video").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_test_id("copy-chart-note")).to_be_visible()
    without_script = new_browser_page(java_script_enabled=False)
    sign_in(without_script, staff.email, "en")
    without_script.goto(f"/clinic/visits/{public_id}")
    expect(without_script.get_by_test_id("chart-note")).to_be_visible()
    expect(without_script.get_by_test_id("copy-chart-note")).to_be_hidden()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_details_given_later_by_code_are_shown_beside_the_patients_not_instead(
    app, new_browser_page, make_staff, assert_accessible, lang
):
    """Issue 23, F4: the clinician still calls the patient's number, and sees the other one."""
    from readiness.models import ContactDetails, Invitation

    staff = make_staff("clinician", email=f"marc.{lang}@example.org")
    public_id = add_visit(app, f"SCH-F4-{lang}", results="ready", consent="agreed")
    with app.app_context():
        invitation = db.session.query(Invitation).filter_by(public_id=public_id).one()
        patient_check = invitation.checks[0]
        patient_check.completed_at = patient_check.created_at
        by_code = Check(reference_code=f"CODE{lang.upper()}", language=lang, by_code=True)
        by_code.invitation = invitation
        db.session.add(by_code)
        for check, backup in ((patient_check, "+14385550433"), (by_code, "+18195550998")):
            db.session.add(
                ContactDetails(
                    check=check,
                    backup_e164=backup,
                    preferred_language=lang,
                    preferred_contact="phone",
                )
            )
            db.session.commit()
    page = new_browser_page(locale=f"{lang}-CA")
    sign_in(page, staff.email, lang)
    page.goto(f"/clinic/visits/{public_id}")
    expect(page.get_by_test_id("backup-phone")).to_contain_text("0433")
    expect(page.get_by_test_id("backup-phone")).not_to_contain_text("0998")
    expect(page.get_by_test_id("changed-contact")).to_contain_text("0998")
    assert_accessible(page)
