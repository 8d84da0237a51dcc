"""Continue on your phone, in Chromium: the QR code's link opened in a second browser context
(the phone) continues the same check; the computer's page follows and moves on, and its verdict
counts the phone's devices. Used and expired links say so. Axe, keyboard and 320 px throughout."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, update

from readiness.extensions import db
from readiness.models import Check, DeviceResult, HandoverLink, utcnow
from tests.conftest import free_port, start_gunicorn, wait_until_serving
from tests.support.records import add_results

WORDS = {
    "en": {
        "taken": "Your phone has taken over the check",
        "used": "This link has already been used",
        "expired": "This link has expired",
        "code_expired": "This code has expired",
    },
    "fr": {
        "taken": "Votre cellulaire a pris le relais",
        "used": "Ce lien a déjà été utilisé",
        "expired": "Ce lien est expiré",
        "code_expired": "Ce code est expiré",
    },
}
PHONE = {
    "viewport": {"width": 320, "height": 640},
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36"
    ),
    "has_touch": True,
    "is_mobile": True,
}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 320


def computer_without_camera(app, page, lang) -> str:
    """A check whose connection and setting are done, on a computer that has no camera."""
    page.goto(f"/{lang}/")
    page.get_by_test_id("start-check").click()
    page.wait_for_url(re.compile(rf"/{lang}/check(/connection)?$"))
    page.goto(f"/{lang}/check")
    code = page.get_by_test_id("reference-code").inner_text().replace("-", "")
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        add_results(check)
        db.session.flush()
        db.session.execute(delete(DeviceResult).where(DeviceResult.check_id == check.id))
        db.session.commit()
    page.goto(f"/{lang}/check/devices")
    page.wait_for_selector('[data-testid="device-browser"][data-status="pass"]')
    page.get_by_test_id("skip-camera").click()
    page.wait_for_selector('[data-testid="device-camera"][data-status="skipped"]')
    return code


def ask_for_link(page) -> str:
    """The computer's "Continue on your phone", with the keyboard: the link in the QR code."""
    page.get_by_test_id("handover-start").focus()
    page.keyboard.press("Enter")
    qr = page.get_by_test_id("handover-qr")
    expect(qr.locator("svg")).to_be_visible()
    return qr.get_attribute("data-url")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_phone_continues_the_same_check_and_the_computer_moves_on(
    app, new_browser_page, assert_accessible, lang
):
    words = WORDS[lang]
    computer = new_browser_page(locale=f"{lang}-CA")
    code = computer_without_camera(app, computer, lang)
    url = ask_for_link(computer)
    assert re.search(rf"/{lang}/h/[2-9A-Z]{{28}}$", url)
    assert (
        computer.get_by_test_id("handover-link")
        .inner_text()
        .replace("-", "")
        .endswith(url.rsplit("/", 1)[1])
    )
    assert_accessible(computer)

    phone = new_browser_page(locale=f"{lang}-CA", **PHONE)  # a second context: no session
    phone.goto(url)
    assert fits(phone)
    assert_accessible(phone)
    phone.get_by_test_id("handover-accept").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(rf"/{lang}/check/devices$"))
    # The computer hears it (a polite status region for screen readers).
    status = computer.get_by_test_id("handover-status")
    expect(status).to_contain_text(words["taken"])
    assert status.get_attribute("role") == "status"
    expect(computer.get_by_test_id("handover-qr")).to_be_hidden()  # used up
    assert_accessible(computer)

    expect(phone.get_by_test_id("handover-on-phone")).to_be_visible()
    assert phone.get_by_test_id("handover-start").count() == 0
    assert fits(phone)
    assert_accessible(phone)
    phone.wait_for_selector('[data-testid="device-browser"][data-status="pass"]')
    phone.get_by_test_id("test-camera").click()
    phone.wait_for_selector('[data-testid="device-camera"][data-status="pass"]')
    phone.get_by_test_id("test-microphone").click()
    phone.wait_for_selector('[data-testid="device-microphone"][data-status="pass"]')
    assert computer.url.endswith("/check/handover")  # still waiting for the speakers
    phone.get_by_test_id("play-sound").click()
    phone.get_by_test_id("speakers-heard").click()
    phone.wait_for_selector('[data-testid="device-speakers"][data-status="pass"]')

    # The computer's page moves on by itself, to the step after the devices.
    computer.wait_for_url(re.compile(rf"/{lang}/check/setting$"), timeout=20_000)
    computer.goto(f"/{lang}/check/summary")
    verdict = computer.get_by_test_id("overall-verdict")
    assert verdict.get_attribute("data-verdict") == "ready"  # the phone's camera counted
    assert computer.get_by_test_id("handover-start").count() == 0
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        latest = {row.kind: row.status for row in check.device_results}
        assert latest["camera"] == "pass"

    # Once only: the link opened again (a third browser) says it was used.
    again = new_browser_page(locale=f"{lang}-CA", **PHONE)
    answer = again.goto(url)
    assert answer.status == 410
    expect(again.get_by_role("heading", level=1)).to_have_text(words["used"])
    assert fits(again)
    assert_accessible(again)
    again.goto(f"/{lang}/check")
    assert again.url.endswith(f"/{lang}/")  # it holds no check


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_expired_link_says_so_on_the_phone_and_the_computer_offers_a_new_one(
    app, new_browser_page, assert_accessible, lang
):
    words = WORDS[lang]
    computer = new_browser_page(locale=f"{lang}-CA", viewport={"width": 320, "height": 640})
    computer_without_camera(app, computer, lang)
    assert fits(computer)
    url = ask_for_link(computer)
    assert fits(computer)
    with app.app_context():
        past = utcnow() - timedelta(minutes=11)
        db.session.execute(
            update(HandoverLink).values(created_at=past, expires_at=past + timedelta(minutes=10))
        )
        db.session.commit()
    phone = new_browser_page(locale=f"{lang}-CA", **PHONE)
    answer = phone.goto(url)
    assert answer.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text(words["expired"])
    assert fits(phone)
    assert_accessible(phone)

    # The computer's page notices, hides the code and offers a new one.
    expect(computer.get_by_test_id("handover-expired")).to_be_visible(timeout=10_000)
    expect(computer.get_by_test_id("handover-status")).to_contain_text(words["code_expired"])
    expect(computer.get_by_test_id("handover-qr")).to_be_hidden()
    assert_accessible(computer)
    computer.get_by_test_id("handover-renew").focus()
    computer.keyboard.press("Enter")
    expect(computer.get_by_test_id("handover-qr").locator("svg")).to_be_visible()
    new_url = computer.get_by_test_id("handover-qr").get_attribute("data-url")
    assert new_url != url
    phone.goto(new_url)
    phone.get_by_test_id("handover-accept").click()
    phone.wait_for_url(re.compile(rf"/{lang}/check/devices$"))
    expect(computer.get_by_test_id("handover-status")).to_contain_text(words["taken"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_phone_visit_verdict_for_a_missing_camera_offers_the_phone(
    app, new_browser_page, assert_accessible, lang
):
    page = new_browser_page(locale=f"{lang}-CA", viewport={"width": 320, "height": 640})
    computer_without_camera(app, page, lang)
    page.get_by_test_id("test-microphone").click()
    page.wait_for_selector('[data-testid="device-microphone"][data-status="pass"]')
    page.get_by_test_id("play-sound").click()
    page.get_by_test_id("speakers-heard").click()
    page.wait_for_selector('[data-testid="device-speakers"][data-status="pass"]')
    page.goto(f"/{lang}/check/summary")
    assert page.get_by_test_id("overall-verdict").get_attribute("data-verdict") == "not_ready"
    expect(page.get_by_test_id("handover-start")).to_be_visible()
    assert fits(page)
    assert_accessible(page)
    url = ask_for_link(page)
    assert f"/{lang}/h/" in url
    # From the summary, the page comes back to the summary once the phone has finished.
    assert page.get_by_test_id("handover-next").get_attribute("href") == f"/{lang}/check/summary"


@pytest.fixture
def limited_live_server(database_url, schema, make_app):
    """The app under gunicorn with its limits on: one handover link per check an hour."""
    make_app()  # so the tables (rate limit counters included) are emptied after the test
    port = free_port()
    process = start_gunicorn(
        database_url,
        port,
        READINESS_RATELIMIT_ENABLED="true",
        READINESS_HANDOVER_CHECK_LIMIT="1 per hour",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url + "/en/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_too_many_links_says_so_and_passes_axe(
    app, new_browser_page, limited_live_server, assert_accessible, lang
):
    page = new_browser_page(
        locale=f"{lang}-CA", base_url=limited_live_server, viewport={"width": 320, "height": 640}
    )
    computer_without_camera(app, page, lang)
    ask_for_link(page)
    page.get_by_test_id("handover-renew").click()
    expect(page.get_by_test_id("handover-too-many")).to_be_visible()
    assert page.get_by_test_id("handover-qr").count() == 0
    assert fits(page)
    assert_accessible(page)
