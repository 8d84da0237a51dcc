"""Single sign-on and two-step verification in Chromium, against the app under gunicorn and a
real OpenID provider (oidc-provider-mock) on a local port; every new page passes axe in both
languages."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from tests.conftest import (
    STAFF_PASSWORD,
    free_port,
    start_gunicorn,
    wait_until_serving,
)
from tests.support.oidc import CLIENT_ID, ROLE_MAP, mock_provider, set_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def issuer():
    with mock_provider() as url:
        yield url


@pytest.fixture(scope="module")
def sso_server(database_url, schema, issuer):
    """The app under gunicorn with single sign-on, and two-step verification for admins."""
    port = free_port()
    process = start_gunicorn(
        database_url,
        port,
        READINESS_OIDC_ISSUER=issuer,
        READINESS_OIDC_CLIENT_ID=CLIENT_ID,
        READINESS_OIDC_CLIENT_SECRET="test-client-secret",
        READINESS_OIDC_ROLE_MAP=ROLE_MAP,
        READINESS_OIDC_INSTITUTION_NAME="Example Health",
        READINESS_REQUIRE_TOTP="admin",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url + "/auth/login", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def open_page(chromium, sso_server, make_app):
    make_app()  # so the tables are emptied after the test
    contexts = []

    def open_one():
        context = chromium.new_context(base_url=sso_server, locale="en-CA")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


def sign_in_through_provider(page, sub: str) -> None:
    page.goto("/auth/login")
    page.get_by_test_id("sso-sign-in").click()
    page.wait_for_url(re.compile(r"http://localhost:\d+/oauth2/authorize"))
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def in_french(page, assert_accessible) -> None:
    """The same page again in French, checked by axe."""
    page.get_by_role("link", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)


def test_clinician_signs_in_through_the_provider_and_lands_on_the_clinic(
    open_page, issuer, assert_accessible
):
    set_user(
        issuer, "clara", email="clara@example.org", name="Clara", groups=["readiness-clinicians"]
    )
    page = open_page()
    page.goto("/auth/login")
    assert page.get_by_test_id("sso-sign-in").inner_text() == "Sign in with Example Health"
    assert_accessible(page)
    in_french(page, assert_accessible)
    french = page.get_by_test_id("sso-sign-in").inner_text()
    assert french == "Ouvrir une session avec Example Health"
    page.get_by_role("link", name="English").click()
    sign_in_through_provider(page, "clara")
    page.wait_for_url("**/clinic/")
    assert "Clara" in page.locator(".signed-in-as").inner_text()


def test_desk_agent_lands_on_the_desk_and_sign_out_offers_the_provider(
    open_page, issuer, assert_accessible
):
    set_user(issuer, "dana", email="dana@example.org", name="Dana", groups=["readiness-desk"])
    page = open_page()
    sign_in_through_provider(page, "dana")
    page.wait_for_url("**/desk/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/auth/signed-out")
    link = page.get_by_test_id("sso-sign-out")
    assert link.get_attribute("href").startswith(f"{issuer}/oauth2/end_session?")
    assert_accessible(page)
    in_french(page, assert_accessible)
    page.get_by_test_id("sso-sign-out").click()
    page.wait_for_url(re.compile(r"http://localhost:\d+/oauth2/end_session"))


def test_person_whose_group_was_removed_is_refused_at_next_sign_in(
    open_page, issuer, assert_accessible
):
    set_user(issuer, "remy", email="remy@example.org", name="Remy", groups=["readiness-desk"])
    before = open_page()
    sign_in_through_provider(before, "remy")
    before.wait_for_url("**/desk/")

    set_user(issuer, "remy", email="remy@example.org", name="Remy", groups=[])
    page = open_page()
    sign_in_through_provider(page, "remy")
    refused = page.get_by_test_id("sso-refused")
    assert refused.get_attribute("data-reason") == "unknown_role"
    assert "does not give you access" in page.content()
    assert_accessible(page)
    in_french(page, assert_accessible)
    # The session the person had from before is over too.
    before.goto("/desk/")
    assert "/auth/login" in before.url


def sign_in_with_password(page, email: str, labels=("Email", "Password", "Sign in")) -> None:
    page.goto("/auth/login")
    page.get_by_label(labels[0]).fill(email)
    page.get_by_label(labels[1]).fill(STAFF_PASSWORD)
    page.get_by_role("button", name=labels[2], exact=True).click()
    page.wait_for_load_state()


def test_admin_sets_up_two_step_verification_then_signs_in_with_a_code(
    open_page, make_staff, assert_accessible
):
    user = make_staff("admin", email="admin-totp@example.org")
    page = open_page()
    sign_in_with_password(page, user.email)
    page.goto("/admin/")
    page.wait_for_url("**/auth/totp/enrol")
    assert page.locator("svg.totp-qr").is_visible()
    assert_accessible(page)
    in_french(page, assert_accessible)
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer la vérification en deux étapes").click()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    assert_accessible(page)
    page.goto("/admin/handoff")
    assert page.url.endswith("/admin/handoff")

    page.get_by_role("button", name="Fermer la session").click()
    sign_in_with_password(page, user.email, ("Courriel", "Mot de passe", "Ouvrir une session"))
    page.wait_for_url("**/auth/totp")
    assert_accessible(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continuer").click()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)
    next_code = pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30))
    page.get_by_label("Code").fill(next_code)
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/desk/")
    page.goto("/admin/handoff")
    assert page.url.endswith("/admin/handoff")


def test_second_step_and_recovery_codes_pages_in_english(open_page, make_staff, assert_accessible):
    user = make_staff("admin", email="admin-codes@example.org")
    page = open_page()
    sign_in_with_password(page, user.email)
    page.goto("/auth/totp/enrol")
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step verification").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    recovery = codes.first.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, user.email)
    page.wait_for_url("**/auth/totp")
    assert_accessible(page)
    page.get_by_label("Code").fill(recovery)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/desk/")
