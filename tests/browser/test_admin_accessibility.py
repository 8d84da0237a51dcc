"""The admin page of undelivered handoff messages passes axe, in both languages, in Chromium."""

from datetime import timedelta

import pytest

from readiness.extensions import db
from readiness.models import DeliveryAttempt, OutboxMessage, utcnow
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
