"""The admin pages (undelivered handoff messages, the audit trail, access and erasure requests)
pass axe, in both languages, in Chromium."""

from datetime import timedelta

import pytest

from readiness.audit import record
from readiness.extensions import db
from readiness.models import ContactDetails, DeliveryAttempt, OutboxMessage, utcnow
from readiness.patient.session_check import start_check
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser


def add_failing_message(app) -> str:
    with app.app_context():
        message = OutboxMessage(
            event_type="check.completed",
            payload={"event": "check.completed"},
            attempts=2,
            last_error="HTTP 503",
            gave_up_at=utcnow(),
        )
        db.session.add(message)
        db.session.flush()
        for seconds in (0, 30):
            db.session.add(
                DeliveryAttempt(
                    message_id=message.id,
                    at=utcnow() - timedelta(seconds=seconds),
                    status_code=503,
                    error="HTTP 503",
                    duration_ms=41,
                )
            )
        db.session.commit()
        return message.delivery_id


def test_admin_handoff_page_has_no_axe_violations(app, browser_page, assert_accessible, make_staff):
    delivery_id = add_failing_message(app)
    user = make_staff("admin")
    browser_page.goto("/auth/login")
    browser_page.get_by_label("Email").fill(user.email)
    browser_page.get_by_label("Password").fill(STAFF_PASSWORD)
    browser_page.get_by_role("button", name="Sign in").click()
    browser_page.wait_for_load_state()
    browser_page.goto("/admin/handoff")
    assert delivery_id in browser_page.content()
    assert_accessible(browser_page)
    browser_page.get_by_role("button", name="Retry now").click()
    browser_page.wait_for_selector(".notice")
    assert_accessible(browser_page)
    browser_page.get_by_role("link", name="Français").click()
    browser_page.wait_for_url("**/admin/handoff")
    assert browser_page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(browser_page)


def sign_in_as_admin(page, make_staff) -> None:
    user = make_staff("admin", email="admin-audit@example.org")
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_audit_trail_and_its_csv_pass_axe_in_both_languages(
    app, browser_page, assert_accessible, make_staff
):
    with app.app_context():
        record('=HYPERLINK("http://evil.example")', details={"by": "code"})
        for number in range(60):
            record("desk.lookup", details={"n": number})
        db.session.commit()
    sign_in_as_admin(browser_page, make_staff)
    browser_page.goto("/admin/audit")
    assert browser_page.get_by_test_id("audit-entries").is_visible()
    assert_accessible(browser_page)
    browser_page.get_by_label("Action").select_option("desk.lookup")
    browser_page.get_by_role("button", name="Show").click()
    browser_page.wait_for_url("**/admin/audit?**action=desk.lookup**")
    assert "HYPERLINK" not in browser_page.get_by_test_id("audit-entries").inner_text()
    browser_page.get_by_role("link", name="Older entries").click()
    browser_page.wait_for_url("**page=2**")
    assert_accessible(browser_page)
    with browser_page.expect_download() as download:
        browser_page.get_by_test_id("audit-csv").click()
    assert "=HYPERLINK" not in download.value.path().read_text()
    browser_page.goto("/admin/audit")
    browser_page.get_by_role("link", name="Français").click()
    browser_page.wait_for_url("**/admin/audit**")
    assert browser_page.locator("html").get_attribute("lang") == "fr"
    assert browser_page.get_by_role("heading", name="Journal d’audit").is_visible()
    assert_accessible(browser_page)
    with browser_page.expect_download() as download:
        browser_page.get_by_test_id("audit-csv").click()
    text = download.value.path().read_text()
    assert text.startswith("Entrée,") and "'=HYPERLINK" in text


def test_access_and_erasure_requests_pass_axe_in_both_languages(
    app, browser_page, assert_accessible, make_staff
):
    with app.app_context():
        check = start_check("fr")
        db.session.add(
            ContactDetails(
                check=check,
                email="made-up@example.org",
                preferred_language="fr",
                preferred_contact="email",
            )
        )
        db.session.commit()
        code = check.reference_code
    sign_in_as_admin(browser_page, make_staff)
    browser_page.goto("/admin/requests")
    browser_page.get_by_label("Reference code").fill(code)
    browser_page.get_by_role("button", name="Find").click()
    assert browser_page.get_by_test_id("request-check").is_visible()
    assert_accessible(browser_page)
    # The copy a person can read: downloaded, then opened as the person would open it.
    with browser_page.expect_download() as download:
        browser_page.get_by_test_id("export-readable").click()
    reader = browser_page.context.new_page()
    reader.set_content(download.value.path().read_text(encoding="utf-8"))
    assert reader.locator("html").get_attribute("lang") == "fr"
    assert reader.get_by_role("heading", name="Vos renseignements personnels").is_visible()
    assert_accessible(reader)
    reader.close()
    browser_page.get_by_role("button", name="Erase the patient's personal data").click()
    browser_page.wait_for_selector(".error-summary")
    assert_accessible(browser_page)
    browser_page.get_by_role("link", name="Français").click()
    browser_page.wait_for_load_state()
    assert browser_page.locator("html").get_attribute("lang") == "fr"
    browser_page.goto(f"/admin/requests?code={code}")
    browser_page.get_by_label("La personne a demandé").check()
    browser_page.get_by_role("button", name="Effacer les renseignements personnels").click()
    browser_page.wait_for_selector(".notice")
    assert "Effacés le" in browser_page.content()
    assert_accessible(browser_page)


def test_the_patients_messages_page_passes_axe_in_both_languages(
    app, browser_page, assert_accessible, make_staff
):
    from readiness.models import Notification
    from tests.support.records import add_invitation

    with app.app_context():
        invitation, _ = add_invitation(appointment_ref="RV-AXE-1")
        db.session.add(
            Notification(
                invitation=invitation,
                channel="sms",
                kind="invitation",
                recipient="+15145550123",
                link="http://localhost/fr/i/made-up",
                due_at=utcnow(),
                status="failed",
                attempts=3,
                last_error="provider_21211",
            )
        )
        db.session.commit()
    sign_in_as_admin(browser_page, make_staff)
    browser_page.goto("/admin/patient-messages")
    assert "RV-AXE-1" in browser_page.content()
    assert_accessible(browser_page)
    browser_page.get_by_role("button", name="Try again").click()
    browser_page.wait_for_selector(".notice")
    assert_accessible(browser_page)
    browser_page.get_by_role("link", name="Français").click()
    browser_page.wait_for_url("**/admin/patient-messages")
    assert_accessible(browser_page)
