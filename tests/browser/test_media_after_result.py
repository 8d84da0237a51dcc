"""The connection result first, the media path after it: in Chromium against gunicorn.

The speed test's result shows as soon as it is measured; the media-path check runs on the device
step's page, in the background, and its part reaches the stored result and verdict when it ends.
A summary opened before then waits for it; a page closed before then leaves it out. The desk's
live view shows it arriving.

The patient's Chromium runs in a network namespace whose UDP is dropped (as in
test_media_path.py) and the server offers no relay: the media part is then "no route"
(media_unreachable, video with limits), which turns the stored verdict from ready to limited, so
each test sees whether the part was counted. Every candidate pair fails (its checks unanswered)
long before the 30 s connect timeout given here: the check stops then, not at the timeout.
"""

import time
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from readiness.extensions import db
from readiness.models import Check, ConnectionResult
from tests.browser.test_media_path import needs_root_network, page_in, patient_network, server_on

pytestmark = needs_root_network

CONNECT_TIMEOUT_S = 30


@pytest.fixture(scope="module")
def udp_dropped():
    with patient_network(drop_udp=True) as network:
        yield network


@pytest.fixture(scope="module")
def unreachable_media_server(udp_dropped, database_url, schema):
    with server_on(
        udp_dropped,
        database_url,
        READINESS_MEDIA_CONNECT_TIMEOUT_SECONDS=str(CONNECT_TIMEOUT_S),
        READINESS_MEDIA_SUMMARY_WAIT_SECONDS="20",
    ) as url:
        yield url


@pytest.fixture
def patient_page(chromium, udp_dropped, unreachable_media_server, make_app, tmp_path):
    """Pages of a Chromium inside the namespace (the tables emptied after the test)."""
    make_app()

    @contextmanager
    def open_page(locale="en-CA"):
        with page_in(chromium, udp_dropped, unreachable_media_server, tmp_path, locale) as page:
            yield page

    return open_page


def stored(app) -> ConnectionResult:
    with app.app_context():
        [result] = db.session.scalars(db.select(ConnectionResult)).all()
        db.session.expunge(result)
        return result


def connection_result_shown(page, lang="en"):
    """Start a check and wait for its connection result; the media offers made before it."""
    offers = []
    page.on("request", lambda r: offers.append(r.url) if "/media/offer" in r.url else None)
    page.goto(f"/{lang}/")
    page.get_by_test_id("start-check").click()
    page.wait_for_url(f"**/{lang}/check/connection")
    result = page.get_by_test_id("connection-result")
    result.wait_for(timeout=60_000)
    return result, list(offers)


def media_check_state(page) -> str | None:
    return page.evaluate("document.documentElement.dataset.mediaCheck ?? null")


def test_the_media_check_runs_during_the_device_step_and_its_part_reaches_the_stored_verdict(
    app, patient_page
):
    with patient_page() as page:
        result, offers_before_result = connection_result_shown(page)
        # The result came first, without a media part: no offer was made while the patient waited.
        assert offers_before_result == []
        assert result.get_attribute("data-verdict") == "ready"
        assert result.get_attribute("data-media-route") is None
        first = stored(app)
        assert (first.media_status, first.verdict) == ("pending", "ready")

        page.get_by_role("link", name="Continue to the camera and microphone").click()
        page.wait_for_url("**/en/check/devices")
        started = time.monotonic()
        assert media_check_state(page) == "running"
        page.locator("html[data-media-check=done]").wait_for(state="attached", timeout=40_000)
        seconds = time.monotonic() - started
        # Every candidate pair failed: the check stopped then, not at the connect timeout (nor
        # at the default 8 s, nor when Chromium itself gives up on a pair, after 15 s).
        assert seconds < 8, f"the media check took {seconds:.1f} s"
        print(f"media check with UDP dropped: {seconds:.1f} s")

        after = stored(app)
        assert (after.media_status, after.media_route) == ("measured", "none")
        assert (after.verdict, after.reasons) == ("limited", ["media_unreachable"])
        page.goto("/en/check/connection")
        shown = page.get_by_test_id("connection-result")
        assert shown.get_attribute("data-verdict") == "limited"
        assert "found no route to our server" in shown.inner_text()


def test_a_summary_opened_before_the_media_part_arrives_waits_then_shows_it(
    app, patient_page, assert_accessible
):
    with patient_page("fr-CA") as page:
        connection_result_shown(page, "fr")
        page.get_by_role("link", name="Continuer vers la caméra et le micro").click()
        page.wait_for_url("**/fr/check/devices")
        # The same browser, another tab, straight to the summary while the check still runs.
        summary = page.context.new_page()
        summary.goto("/fr/check/summary")
        waiting = summary.get_by_test_id("media-wait")
        assert waiting.is_visible()
        # Announced: the line is emptied, then written again 50 ms later (page.js announce).
        expect(waiting).to_have_text("Nous terminons la vérification de la connexion…")
        assert waiting.get_attribute("role") == "status"
        assert_accessible(summary)
        # The part arrives; the summary shows the verdict with it.
        waiting.wait_for(state="detached", timeout=25_000)
        assert stored(app).media_status == "measured"
        reasons = summary.get_by_test_id("overall-reasons").inner_text()
        assert "n’ont trouvé aucune voie jusqu’à notre serveur" in reasons, reasons
        verdict = summary.get_by_test_id("overall-verdict").get_attribute("data-verdict")
        assert verdict != "ready"


def test_a_page_closed_before_the_media_part_is_sent_leaves_it_out(app, patient_page):
    with patient_page() as page:
        connection_result_shown(page)
        page.get_by_role("link", name="Continue to the camera and microphone").click()
        page.wait_for_url("**/en/check/devices")
        assert media_check_state(page) == "running"
        cookies = page.context.cookies()
        browser, base_url = page.context.browser, page.url.split("/en/")[0]
        page.context.close()  # the patient closes the page while the check still runs
        time.sleep(1)
        assert stored(app).media_status == "pending"

        # Back later in the same browser: the summary waits its few seconds, then leaves it out.
        context = browser.new_context(base_url=base_url, locale="en-CA")
        context.add_cookies(cookies)
        summary = context.new_page()
        summary.goto("/en/check/summary")
        waiting = summary.get_by_test_id("media-wait")
        assert waiting.is_visible()
        waiting.wait_for(state="detached", timeout=30_000)
        assert "no route" not in summary.content()
    left = stored(app)
    assert (left.media_status, left.media_route) == ("left_out", None)
    assert (left.verdict, left.reasons) == ("ready", [])


def test_the_desk_live_view_shows_the_media_part_arriving(
    app, patient_page, new_browser_page, make_staff, unreachable_media_server
):
    from tests.browser.test_desk import sign_in_agent

    with patient_page() as page:
        connection_result_shown(page)
        with app.app_context():
            public_id = db.session.scalars(db.select(Check.public_id)).one()
        agent, _ = sign_in_agent(
            new_browser_page, make_staff, "en", base_url=unreachable_media_server
        )
        agent.goto(f"/desk/checks/{public_id}")
        route = agent.get_by_test_id("desk-media-route")
        assert "Being checked while the caller tests the camera and microphone" in (
            route.inner_text()
        )
        agent.evaluate("window.sameDocument = true")

        page.get_by_role("link", name="Continue to the camera and microphone").click()
        arrived = agent.locator('[data-testid="desk-media-route"][data-media-route="none"]')
        arrived.wait_for(timeout=30_000)  # the live view refreshes every 4 s
        assert agent.evaluate("window.sameDocument") is True  # refreshed in place
        assert "No route got through" in arrived.inner_text()
        desk_connection = agent.get_by_test_id("desk-connection")
        assert desk_connection.get_attribute("data-verdict") == "limited"
