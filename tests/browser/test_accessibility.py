"""Every patient page, in both languages, passes axe in a real Chromium; so do the staff pages."""

import re

import pytest

from readiness import create_app
from tests.conftest import STAFF_PASSWORD

# Patient pages that need a check in the session (or a token) are listed here; the journey tests
# (tests/browser/test_journey.py and each step's own tests) run axe on them in both languages.
# The others are walked below. A new patient page that is in neither group fails
# test_every_patient_page_is_walked.
PAGES_NEEDING_A_CHECK = {
    "patient.check",
    "patient.connection",
    "patient.summary",
    "patient.consent",
    "patient.contact",
    "patient.contact_confirm",
    "patient.done",
    "patient.invitation",
    "patient.devices",
    "patient.setting",
    # Continue on your phone (tests/browser/test_handover.py): the link's pages, and the JSON
    # status the computer's page polls.
    "patient.handover_open",
    "patient.handover_status",
}


def patient_pages_by_language_alone():
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    pages = []
    for rule in app.url_map.iter_rules():
        if (
            rule.endpoint.startswith("patient.")
            and "GET" in rule.methods
            and rule.arguments == {"lang"}
            and rule.endpoint not in PAGES_NEEDING_A_CHECK
        ):
            pages.append(re.sub(r"<[^>]*lang>", "{lang}", rule.rule))
    return sorted(pages)


def test_every_patient_page_is_walked():
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    walked = set(PAGES_NEEDING_A_CHECK)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("patient.") and "GET" in rule.methods:
            if rule.arguments == {"lang"}:
                walked.add(rule.endpoint)
            assert rule.endpoint in walked, f"{rule.rule} is not covered by the axe walk"


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("path", patient_pages_by_language_alone())
def test_patient_page_has_no_axe_violations(browser_page, assert_accessible, lang, path):
    url = path.format(lang=lang)
    response = browser_page.goto(url)
    assert response.status == 200, url
    assert browser_page.locator("html").get_attribute("lang") == lang
    assert_accessible(browser_page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_check_page_and_form_errors_have_no_axe_violations(browser_page, assert_accessible, lang):
    browser_page.goto(f"/{lang}/code")
    browser_page.get_by_role("button").last.click()
    browser_page.wait_for_selector(".error-summary")
    assert_accessible(browser_page)
    browser_page.goto(f"/{lang}/")
    browser_page.get_by_test_id("start-check").click()
    browser_page.wait_for_url(f"**/{lang}/check/connection")
    assert_accessible(browser_page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_error_page_has_no_axe_violations(browser_page, assert_accessible, lang):
    response = browser_page.goto(f"/{lang}/no-such-page")
    assert response.status == 404
    assert_accessible(browser_page)


@pytest.mark.parametrize("role, landing", [("desk", "/desk/"), ("clinician", "/clinic/")])
def test_staff_sign_in_and_landing_have_no_axe_violations(
    browser_page, assert_accessible, make_staff, role, landing
):
    user = make_staff(role)
    browser_page.goto("/auth/login")
    assert_accessible(browser_page)
    browser_page.get_by_label("Email").fill(user.email)
    browser_page.get_by_label("Password").fill("wrong password")
    browser_page.get_by_role("button", name="Sign in").click()
    browser_page.wait_for_selector(".error-summary")
    assert_accessible(browser_page)
    browser_page.get_by_label("Password").fill(STAFF_PASSWORD)
    browser_page.get_by_role("button", name="Sign in").click()
    browser_page.wait_for_url(f"**{landing}")
    assert_accessible(browser_page)
    browser_page.get_by_role("link", name="Français").click()
    browser_page.wait_for_url(f"**{landing}")
    assert browser_page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(browser_page)


def test_the_axe_check_itself_catches_a_violation(browser_page):
    """Guards the guard: a page with an unlabelled input must fail."""
    from tests.browser.conftest import axe_violations

    browser_page.goto("/en/")
    browser_page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')"
    )
    assert "label" in axe_violations(browser_page)
