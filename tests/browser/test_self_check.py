"""The clinician's own setup check in Chromium (fake camera and microphone), the result on the
visit list, and the admins' per-site page, in both languages, with axe (issue 27, item 4)."""

import pytest
from playwright.sync_api import expect

from readiness.extensions import db
from readiness.models import StaffSelfCheck
from tests.browser.test_clinic import SIGN_IN, sign_in
from tests.browser.test_devices import wait_for_status
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "today": "checked today.",
        "verdicts": {"ready": "ready", "limited": "video with limits", "not_ready": "not ready"},
    },
    "fr": {
        "today": "vérifiée aujourd’hui.",
        "verdicts": {
            "ready": "prête",
            "limited": "vidéo possible (qualité limitée)",
            "not_ready": "pas prête pour la vidéo",
        },
    },
}


def latest_self_check(app, staff_id):
    with app.app_context():
        return db.session.scalar(
            db.select(StaffSelfCheck)
            .where(StaffSelfCheck.staff_id == staff_id)
            .order_by(StaffSelfCheck.id.desc())
        )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_clinician_checks_their_setup_and_sees_it_on_their_visit_list(
    app, new_browser_page, make_staff, assert_accessible, lang
):
    staff = make_staff("clinician", email=f"self-{lang}@example.org", site="Ottawa")
    page = new_browser_page(locale=f"{lang}-CA")
    sign_in(page, staff.email, lang)
    status = page.get_by_test_id("self-check-status")
    expect(status).to_have_attribute("data-status", "none")
    assert_accessible(page)

    page.goto("/clinic/self-check")
    wait_for_status(page, "browser", "pass")
    assert_accessible(page)
    page.get_by_test_id("start-connection-test").click()
    result = page.get_by_test_id("connection-result")
    result.wait_for(timeout=60_000)
    assert float(result.get_attribute("data-upload-mbps")) > 0
    page.get_by_test_id("test-camera").click()
    wait_for_status(page, "camera", "pass")
    page.get_by_test_id("test-microphone").click()
    wait_for_status(page, "microphone", "pass")
    page.get_by_test_id("play-sound").click()
    page.get_by_test_id("speakers-heard").click()
    wait_for_status(page, "speakers", "pass")
    assert_accessible(page)

    stored = latest_self_check(app, staff.id)
    assert stored.verdict is not None and stored.site == "Ottawa"
    assert stored.upload_mbps == pytest.approx(float(result.get_attribute("data-upload-mbps")))

    page.get_by_test_id("self-check-done").click()
    page.wait_for_url("**/clinic/")
    status = page.get_by_test_id("self-check-status")
    expect(status).to_have_attribute("data-verdict", stored.verdict)
    words = WORDS[lang]
    expect(status).to_contain_text(f"{words['verdicts'][stored.verdict]}, {words['today']}")
    assert_accessible(page)
    # On a phone between visits: the list and the self-check page fit 320 CSS pixels.
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/clinic/", "/clinic/self-check"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_admins_self_check_page_passes_axe_with_a_form_error(
    app, new_browser_page, make_staff, assert_accessible, lang
):
    clinician = make_staff("clinician", email="site-a@example.org", site="Ottawa")
    with app.app_context():
        db.session.add(
            StaffSelfCheck(
                staff_id=clinician.id, site="Ottawa", download_mbps=50.0, upload_mbps=4.6,
                latency_ms=20.0, jitter_ms=1.0, connection_verdict="ready", verdict="ready",
            )
        )  # fmt: skip
        db.session.commit()
    admin = make_staff("admin", email=f"admin-sites-{lang}@example.org")
    page = new_browser_page(locale=f"{lang}-CA")
    page.goto("/auth/login")
    labels = SIGN_IN[lang]
    page.get_by_label(labels[0]).fill(admin.email)
    page.get_by_label(labels[1]).fill(STAFF_PASSWORD)
    page.get_by_role("button", name=labels[2]).click()
    page.wait_for_load_state()
    page.goto("/admin/self-checks")
    expect(page.locator('[data-testid="site-capacity"][data-site="Ottawa"]')).to_have_attribute(
        "data-hd-visits", "3"
    )
    assert_accessible(page)
    page.get_by_role(
        "button", name={"en": "Save the site", "fr": "Enregistrer le site"}[lang]
    ).click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
