"""The connection test in Chromium against the app under gunicorn: good, poor, broken."""

import pytest

from readiness.extensions import db
from readiness.models import ConnectionResult
from tests.conftest import free_port, start_gunicorn, wait_until_serving

MBIT = 1_000_000 / 8  # bytes per second in one Mbit/s, for Chromium's network emulation

WORDS = {
    "en": {"speed_unit": "Mbps", "unreachable": "could not reach our server"},
    "fr": {"speed_unit": "Mbit/s", "unreachable": "n’a pas pu joindre notre serveur"},
}


def start_check(page, lang):
    page.goto(f"/{lang}/")
    page.get_by_test_id("start-check").click()
    page.wait_for_url(f"**/{lang}/check/connection")


def connection_result(page, timeout=60_000):
    result = page.get_by_test_id("connection-result")
    result.wait_for(timeout=timeout)
    return result


def throttle(page, download_mbps, upload_mbps):
    """Chromium's own network throttling, as DevTools applies it to every request."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": download_mbps * MBIT,
            "uploadThroughput": upload_mbps * MBIT,
        },
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_good_link_is_ready_and_the_stored_figures_match_the_page(
    app, browser_page, assert_accessible, lang
):
    page = browser_page
    start_check(page, lang)
    result = connection_result(page)
    assert result.get_attribute("data-verdict") == "ready"
    download = float(result.get_attribute("data-download-mbps"))
    assert download > 10
    assert WORDS[lang]["speed_unit"] in result.inner_text()
    assert page.evaluate("document.activeElement.id") == "connection-result-title"
    assert_accessible(page)
    with app.app_context():
        [stored] = db.session.scalars(db.select(ConnectionResult)).all()
        assert f"{stored.download_mbps:.2f}" == result.get_attribute("data-download-mbps")
        assert f"{stored.upload_mbps:.2f}" == result.get_attribute("data-upload-mbps")
        assert f"{stored.latency_ms:.2f}" == result.get_attribute("data-latency-ms")
        assert stored.bytes_used > 0 and stored.samples["latency_ms"]
        assert "Chrome" in stored.samples["device"]["user_agent"]
        assert len(stored.samples["latency_ms"]) == 14  # 15 pings, the first one dropped
        # Latency under load: probes every 300 ms while each transfer runs (a loopback transfer
        # may last under a second: one probe at least).
        for way in ("down", "up"):
            assert stored.samples[f"loaded_latency_{way}_ms"]
            assert result.get_attribute(f"data-loaded-latency-{way}-ms") == (
                f"{getattr(stored, f'loaded_latency_{way}_ms'):.2f}"
            )


def test_a_slow_link_is_measured_close_to_its_rate_and_gets_the_phone_advice(
    browser_page, assert_accessible
):
    page = browser_page
    page.goto("/en/")
    throttle(page, download_mbps=2, upload_mbps=0.8)
    page.get_by_test_id("start-check").click()
    result = connection_result(page)
    assert result.get_attribute("data-verdict") == "not_ready"
    assert 1.8 <= float(result.get_attribute("data-download-mbps")) <= 2.1
    assert 0.7 <= float(result.get_attribute("data-upload-mbps")) <= 0.85
    advice = page.get_by_test_id("connection-advice").inner_text()
    assert "Pause photo backups" in advice and "Keep your phone nearby" in advice
    assert_accessible(page)


def test_the_patient_can_stop_the_test_and_start_it_again(browser_page):
    page = browser_page
    page.goto("/fr/")
    throttle(page, download_mbps=1, upload_mbps=1)
    page.get_by_test_id("start-check").click()
    page.locator("[data-phase]", has_text="Étape 2 sur").wait_for()
    page.get_by_role("button", name="Arrêter le test").click()
    assert "Le test a été arrêté" in page.get_by_role("alert").inner_text()
    assert page.get_by_test_id("start-connection-test").is_enabled()
    assert page.get_by_test_id("connection-result").count() == 0


def test_going_offline_says_so(browser_page, assert_accessible):
    page = browser_page
    start_check(page, "en")
    connection_result(page)
    page.context.set_offline(True)
    page.get_by_test_id("start-connection-test").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "not connected to the internet" in alert.inner_text()
    page.context.set_offline(False)
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_server_that_stopped_answering_is_told_apart(
    database_url, make_app, new_browser_page, lang
):
    make_app()  # empties the tables after the test
    port = free_port()
    server = start_gunicorn(database_url, port)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/en/", server)
        page = new_browser_page(base_url=f"http://127.0.0.1:{port}")
        start_check(page, lang)
        connection_result(page)
    finally:
        server.terminate()
        server.wait(timeout=10)
    page.get_by_test_id("start-connection-test").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert WORDS[lang]["unreachable"] in alert.inner_text()


def test_a_network_that_refuses_large_transfers_is_told_apart(
    database_url, make_app, new_browser_page
):
    """Our own server stands in for a filtering proxy: it refuses any download over 10 kB."""
    make_app()
    port = free_port()
    server = start_gunicorn(database_url, port, READINESS_PROBE_MAX_DOWNLOAD_BYTES="10000")
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/en/", server)
        page = new_browser_page(base_url=f"http://127.0.0.1:{port}")
        start_check(page, "en")
        result = connection_result(page)
        assert result.get_attribute("data-failure") == "transfer_blocked"
        assert (
            "Something on your network stopped the test" in page.get_by_role("alert").inner_text()
        )
        assert "Try another network" in page.get_by_test_id("connection-advice").inner_text()
    finally:
        server.terminate()
        server.wait(timeout=10)
