"""The insights page in Chromium: no axe violations in either language, readable at 320 px,
no script; and the clinician's "How did the visit go?" form passes axe too."""

import os

import pytest
from sqlalchemy import select

from readiness.extensions import db
from readiness.models import Invitation
from tests.conftest import STAFF_PASSWORD
from tests.support.outcomes import walk_visits

pytestmark = pytest.mark.browser


def sign_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_insights_page_passes_axe_in_both_languages(
    app, client, clinician_client, new_browser_page, assert_accessible, make_staff
):
    walk_visits(app, client, clinician_client)
    manager = make_staff("manager", email="mona.manager@example.org")
    page = new_browser_page(viewport={"width": 1100, "height": 900})
    sign_in(page, manager.email)
    assert page.url.endswith("/admin/insights")  # a manager lands on the only page they see
    summary = page.get_by_test_id("ready-held-summary")
    assert "4 of 5 visits held on video to the end" in summary.inner_text()
    assert page.locator("svg.chart[role=img]").count() == 7
    assert page.locator("main script").count() == 0  # the charts need none
    assert_accessible(page)
    if os.environ.get("INSIGHTS_SCREENSHOT"):
        page.locator("#held-title").scroll_into_view_if_needed()
        page.screenshot(
            path=os.environ["INSIGHTS_SCREENSHOT"],
            clip={"x": 0, "y": 0, "width": 780, "height": 900},
        )
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/admin/insights")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "4 consultations sur 5" in page.get_by_test_id("ready-held-summary").inner_text()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 320px screen"
    assert_accessible(page)


def test_the_outcome_form_passes_axe(app, client, new_browser_page, assert_accessible, make_staff):
    from tests.support.journey import invite

    invite(app, appointment_ref="APPT-AXE-1", hours_from_now=-2)
    with app.app_context():
        public_id = db.session.scalar(
            select(Invitation.public_id).where(Invitation.appointment_ref == "APPT-AXE-1")
        )
    clinician = make_staff("clinician", email="claire.axe@example.org")
    page = new_browser_page()
    sign_in(page, clinician.email)
    page.goto(f"/clinic/visits/{public_id}")
    page.get_by_role("button", name="Save the outcome").click()
    page.wait_for_load_state()
    assert "Choose how the visit went." in page.content()
    assert_accessible(page)
    page.get_by_label("Started on video, finished by phone (technical problem)").check()
    page.get_by_label("Sound").check()
    page.get_by_role("button", name="Save the outcome").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("visit-outcome").get_attribute("data-outcome") == (
        "video_then_phone"
    )
    assert_accessible(page)
