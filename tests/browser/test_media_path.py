"""The media path in Chromium against the real media service (aiortc under gunicorn).

On loopback every packet gets through by UDP. In a network namespace whose UDP is dropped by
iptables, a call's packets reach us only through a real coturn over TCP (udp_blocked), or not
at all without it (media_blocked): the patient is told so, in their language.
"""

import pytest

from readiness.extensions import db
from readiness.models import ConnectionResult
from tests.conftest import free_port, start_gunicorn, wait_until_serving


@pytest.fixture(scope="module")
def media_server(database_url, schema):
    """The app with the media check on, offering only its loopback address."""
    port = free_port()
    process = start_gunicorn(
        database_url,
        port,
        READINESS_MEDIA_CHECK_ENABLED="true",
        READINESS_MEDIA_HOST_ADDRESSES="127.0.0.1",
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


def test_on_loopback_the_call_packets_take_udp_and_none_is_lost(
    app, new_browser_page, media_server
):
    page = new_browser_page(base_url=media_server)
    result = run_connection_test(page, "en")
    assert result.get_attribute("data-media-route") == "udp"
    assert float(result.get_attribute("data-packet-loss-percent")) == 0
    assert 0 < float(result.get_attribute("data-media-rtt-ms")) < 100
    assert result.get_attribute("data-verdict") == "ready"
    with app.app_context():
        [stored] = db.session.scalars(db.select(ConnectionResult)).all()
        assert stored.media_route == "udp"
        assert stored.media_loss_up_percent == 0 and stored.media_loss_down_percent == 0
        assert stored.media_connect_ms < 8000
