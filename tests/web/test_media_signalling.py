"""The media path over HTTP: signalling, TURN credentials, and what the verdict makes of it."""

import base64
import hashlib
import hmac
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.extensions import db
from readiness.models import Check, ConnectionResult, utcnow
from tests.support.media_offer import data_channel_offer
from tests.web.test_connection_step import GOOD, start


def test_an_offer_that_is_not_a_session_description_is_refused(client):
    assert client.post("/probe/media/offer", json={"sdp": "hello"}).status_code == 400
    assert client.post("/probe/media/offer", data="v=0").status_code == 400
    no_ice = "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    response = client.post("/probe/media/offer", json={"sdp": no_ice})
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_offer"


def test_the_media_check_can_be_turned_off(make_app):
    client = make_app(MEDIA_CHECK_ENABLED=False).test_client()
    response = client.post("/probe/media/offer", json={"sdp": "v=0\r\n"})
    assert response.status_code == 404


def test_ice_servers_carry_short_lived_credentials_coturn_can_verify(make_app):
    client = make_app(
        TURN_URLS="turn:turn.example.org:3478?transport=tcp", TURN_SECRET="made-up"
    ).test_client()
    start(client)
    response = client.get("/probe/media/ice-servers")
    assert response.headers["Cache-Control"].startswith("no-store")
    [server] = response.get_json()["ice_servers"]
    expiry = int(server["username"].split(":")[0])
    assert time.time() < expiry <= time.time() + 300
    digest = hmac.new(b"made-up", server["username"].encode(), hashlib.sha1).digest()
    assert server["credential"] == base64.b64encode(digest).decode()


def test_without_turn_no_ice_server_is_given_not_even_a_public_stun(client):
    start(client)
    assert client.get("/probe/media/ice-servers").get_json() == {"ice_servers": []}


def test_turn_credentials_only_for_a_check_under_way(make_app):
    app = make_app(TURN_URLS="turn:turn.example.org:3478", TURN_SECRET="made-up")
    client = app.test_client()
    refused = client.get("/probe/media/ice-servers")
    assert refused.status_code == 403 and "ice_servers" not in refused.get_json()
    start(client)
    assert client.get("/probe/media/ice-servers").status_code == 200
    with app.app_context():
        check = db.session.scalars(db.select(Check)).one()
        check.completed_at = utcnow()
        db.session.commit()
    assert client.get("/probe/media/ice-servers").status_code == 403


FAST = GOOD | {"download_mbps": 50.0}


def post(client, **media):
    return client.post("/en/check/connection/result", json=FAST | media).get_json()


def test_a_fast_link_that_drops_udp_is_video_with_limits_and_the_page_says_why(app, client):
    start(client)
    answer = post(client, media_route="relay-tcp", media_candidate_type="relay", media_rtt_ms=80,
                  media_loss_up_percent=0, media_loss_down_percent=0)  # fmt: skip
    assert answer["verdict"] == "limited" and answer["reasons"] == ["udp_blocked"]
    assert 'data-media-route="relay-tcp"' in answer["html"]
    assert "blocks the fast route video calls use" in answer["html"]


def test_a_fast_link_losing_12_percent_of_packets_is_not_ready(app, client):
    start(client)
    answer = post(client, media_route="udp", media_candidate_type="host", media_rtt_ms=20,
                  media_loss_up_percent=12, media_loss_down_percent=1)  # fmt: skip
    assert answer["verdict"] == "not_ready" and answer["reasons"] == ["packet_loss_high"]
    assert 'data-packet-loss-percent="12.00"' in answer["html"]
    with app.app_context():
        [stored] = db.session.scalars(db.select(ConnectionResult)).all()
        assert stored.packet_loss_percent == 12 and stored.media_rtt_ms == 20


def test_french_page_shows_loss_with_a_comma_and_a_non_breaking_space(client):
    start(client, "fr")
    media = {"media_route": "udp", "media_loss_up_percent": 6.4, "media_loss_down_percent": 0}
    response = client.post("/fr/check/connection/result", json=GOOD | media)
    assert "6,4\u00a0%" in response.get_json()["html"]


@pytest.fixture(scope="module")
def browser_offer() -> str:
    return data_channel_offer()


@pytest.mark.parametrize(
    ("pattern", "replacement"),
    [
        (r"a=setup:\w+", "a=setup:bogus"),  # KeyError in aiortc's parser
        (r"c=IN IP4 .*", "c=IN IP6 ::: x"),  # AssertionError
        (r"m=application (\d+) \S+ (\S+)", r"m=application \1"),  # AssertionError
    ],
)
def test_an_offer_the_sdp_parser_chokes_on_is_refused_not_a_server_error(
    client, browser_offer, pattern, replacement
):
    broken = re.sub(pattern, replacement, browser_offer)
    assert broken != browser_offer
    response = client.post("/probe/media/offer", json={"sdp": broken})
    assert response.status_code == 400, response.text
    assert response.json["error"]["code"] == "invalid_offer"


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_an_offer_with_any_line_mangled_is_answered_or_refused_never_a_server_error(
    client, browser_offer, data
):
    lines = browser_offer.split("\r\n")
    index = data.draw(st.integers(min_value=1, max_value=len(lines) - 2))
    kind, _, value = lines[index].partition("=")
    words = value.split(" ")
    mangled = data.draw(
        st.one_of(
            st.just(" ".join(words[:-1])),  # a field short
            st.just(value + " x"),  # a field too many
            st.builds(lambda word: " ".join([*words[:-1], word]), st.text(max_size=12)),
            st.text(max_size=30),
        )
    )
    lines[index] = f"{kind}={mangled}"
    response = client.post("/probe/media/offer", json={"sdp": "\r\n".join(lines)})
    assert response.status_code in (200, 400, 429, 503), (lines[index], response.text[:200])
