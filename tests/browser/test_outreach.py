"""The desk's outreach list and a visit's call page, and the patient's page that stops the
reminders: axe-clean in both languages, usable with the keyboard."""

import pytest

from readiness.extensions import db
from readiness.models import Invitation
from tests.browser.test_desk import sign_in_agent
from tests.support.messaging import planned_reminder
from tests.support.outreach import make_visits


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_outreach_list_and_a_call_pass_axe_and_work_with_the_keyboard(
    app, new_browser_page, make_staff, assert_accessible, lang
):
    make_visits(app)
    agent, _ = sign_in_agent(new_browser_page, make_staff, lang)
    agent.get_by_test_id("outreach-link").click()
    agent.wait_for_url("**/desk/outreach")
    assert agent.get_by_test_id("outreach-row").count() == 3
    assert_accessible(agent)
    agent.get_by_test_id("outreach-open").first.focus()
    agent.keyboard.press("Enter")
    agent.wait_for_url("**/desk/outreach/*")
    assert agent.get_by_test_id("outreach-number").inner_text().strip()
    assert_accessible(agent)
    agent.get_by_test_id("record-call").click()  # nothing chosen: the error summary
    agent.wait_for_selector(".error-summary")
    assert_accessible(agent)
    agent.locator("input[name=result][value=reached]").check()
    agent.get_by_test_id("record-call").click()
    agent.wait_for_url("**/desk/outreach")
    first = agent.get_by_test_id("outreach-row").first
    assert "1" in first.inner_text()
    assert_accessible(agent)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_that_stops_reminders_passes_axe(app, browser_page, assert_accessible, lang):
    make_visits(app)
    stop_path = planned_reminder(app, lang)
    with app.app_context():
        invitation_id = db.session.scalar(db.select(Invitation.id).order_by(Invitation.id))
    browser_page.goto(stop_path)
    assert_accessible(browser_page)
    browser_page.get_by_test_id("stop-reminders").click()
    browser_page.wait_for_selector("[role=status]")
    assert_accessible(browser_page)
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).reminders_stopped_at is not None
