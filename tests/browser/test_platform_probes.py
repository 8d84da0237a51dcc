"""The video platform's own addresses (READINESS_PLATFORM_PROBES) in Chromium.

The "platform" is a second local origin: a small HTTP server of the test's own on another port,
serving a 1-pixel GIF. Reachable, the connection result says data-platform-reachable="true" and
no reason; stopped (nothing listens: the connection is refused), "false" and platform_blocked,
with its advice, in both languages. The page's CSP must allow exactly that origin, or even the
reachable case would fail.
"""

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from readiness.extensions import db
from readiness.models import ConnectionResult
from tests.conftest import free_port, start_gunicorn, wait_until_serving

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
WORDS = {
    "en": "This network seems to block the video service: try mobile data, or ask the network's",
    "fr": "Ce réseau semble bloquer le service vidéo\u00a0: essayez les données mobiles",
}


class Pixel(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.send_header("Content-Length", str(len(PIXEL)))
        self.end_headers()
        self.wfile.write(PIXEL)

    def log_message(self, *args):
        pass


class PlatformServer:
    """The video platform's stand-in, started and stopped on one fixed port."""

    def __init__(self, port: int):
        self.port = port
        self.server = None
        self.requests = 0

    def start(self):
        owner = self

        class Counting(Pixel):
            def do_GET(self):  # noqa: N802
                owner.requests += 1
                super().do_GET()

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Counting)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture(scope="module")
def platform():
    server = PlatformServer(free_port())
    yield server
    server.stop()


@pytest.fixture(scope="module")
def probed_server(database_url, schema, platform):
    """The app with one platform probe on the second origin, and a short speed test."""
    port = free_port()
    process = start_gunicorn(
        database_url,
        port,
        READINESS_PLATFORM_PROBES=f"http://127.0.0.1:{platform.port}/pixel.gif",
        READINESS_PLATFORM_PROBE_TIMEOUT_SECONDS="3",
        READINESS_CONNECTION_TEST_MAX_SECONDS="3",
        READINESS_CONNECTION_TEST_SLOW_MAX_SECONDS="3",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url + "/en/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_connection_test(page, lang):
    page.goto(f"/{lang}/")
    page.get_by_test_id("start-check").click()
    page.wait_for_url(f"**/{lang}/check/connection")
    result = page.get_by_test_id("connection-result")
    result.wait_for(timeout=90_000)
    return result


def stored_reachable(app):
    with app.app_context():
        [stored] = db.session.scalars(db.select(ConnectionResult)).all()
        return stored.platform_reachable, stored.reasons


def test_a_reachable_platform_says_true_and_gives_no_reason(
    app, new_browser_page, probed_server, platform, assert_accessible
):
    platform.start()
    try:
        page = new_browser_page(base_url=probed_server)
        policy = page.goto("/en/").headers["content-security-policy"]
        assert f"connect-src 'self' http://127.0.0.1:{platform.port};" in policy
        result = run_connection_test(page, "en")
        assert result.get_attribute("data-platform-reachable") == "true"
        assert "platform_blocked" not in page.content()
        assert "block the video service" not in result.inner_text()
        assert platform.requests >= 1
        assert stored_reachable(app) == (True, [])
        assert_accessible(page)
    finally:
        platform.stop()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_blocked_platform_says_false_and_gives_platform_blocked(
    app, new_browser_page, probed_server, platform, assert_accessible, lang
):
    platform.stop()  # nothing listens on the platform's port: the connection is refused
    page = new_browser_page(base_url=probed_server, locale=f"{lang}-CA")
    result = run_connection_test(page, lang)
    assert result.get_attribute("data-platform-reachable") == "false"
    assert result.get_attribute("data-verdict") in ("limited", "not_ready")
    assert WORDS[lang] in result.inner_text().replace("’", "'" if lang == "en" else "’")
    reachable, reasons = stored_reachable(app)
    assert reachable is False and "platform_blocked" in reasons
    assert_accessible(page)


def test_without_probes_the_result_has_no_platform_attribute(app, browser_page):
    result = run_connection_test(browser_page, "en")
    assert result.get_attribute("data-platform-reachable") is None
    assert stored_reachable(app)[0] is None
