"""The media part of the connection verdict, and the TURN credentials coturn accepts."""

import base64
import hashlib
import hmac

import pytest

from readiness.connection.media_service import TransitJitter, announce_address
from readiness.connection.media_verdict import MediaThresholds, media_verdict, with_media
from readiness.connection.report import ReportError, parse_media
from readiness.connection.turn import ice_servers, turn_credentials

T = MediaThresholds()


def test_a_direct_udp_route_without_loss_is_ready():
    assert media_verdict("udp", 0.0, 0.0, T) == ("ready", [])


def test_a_relay_reached_over_udp_is_ready_since_udp_gets_through():
    assert media_verdict("relay-udp", 1.0, 0.0, T) == ("ready", [])


@pytest.mark.parametrize("route", ["tcp", "tls", "relay-tcp"])
def test_a_route_only_over_tcp_or_tls_is_video_with_limits_because_udp_is_blocked(route):
    assert media_verdict(route, 0.0, 0.0, T) == ("limited", ["udp_blocked"])


def test_no_route_to_our_media_server_is_video_with_limits_not_the_patients_fault():
    assert media_verdict("none", None, None, T) == ("limited", ["media_unreachable"])


@pytest.mark.parametrize(
    ("up", "down", "verdict"),
    [(5.0, 0.0, "ready"), (0.0, 6.0, "limited"), (10.0, 2.0, "limited"), (0.0, 10.5, "not_ready")],
)
def test_packet_loss_in_either_direction_above_5_percent_limits_above_10_is_not_ready(
    up, down, verdict
):
    level, found = media_verdict("udp", up, down, T)
    assert level == verdict
    assert found == ([] if verdict == "ready" else ["packet_loss_high"])


def test_a_browser_that_could_not_run_the_check_leaves_the_connection_verdict_alone():
    assert with_media(("ready", []), media_verdict(None, None, None, T)) == ("ready", [])


def test_the_media_part_makes_the_connection_verdict_worse_and_adds_its_reasons():
    combined = with_media(("ready", ["download_low"]), media_verdict("tls", 12.0, 0.0, T))
    assert combined == ("not_ready", ["download_low", "udp_blocked", "packet_loss_high"])


def test_turn_credentials_follow_coturns_rest_api_scheme():
    username, password = turn_credentials("s3cret", now=1_800_000_000, lifetime_seconds=300)
    assert username == "1800000300:readiness"
    expected = hmac.new(b"s3cret", username.encode(), hashlib.sha1).digest()
    assert base64.b64decode(password) == expected


def test_without_a_turn_secret_the_browser_gets_no_ice_server_at_all():
    assert ice_servers("turn:turn.example.org:3478", "", 0, 300) == []
    assert ice_servers("", "s3cret", 0, 300) == []
    [server] = ice_servers("turn:a.example.org:3478?transport=tcp, turns:a.example.org", "s", 0, 60)
    assert server["urls"] == ["turn:a.example.org:3478?transport=tcp", "turns:a.example.org"]


def test_figures_sent_with_no_route_are_not_kept():
    fields = parse_media(
        {"media_route": "none", "media_rtt_ms": 40, "media_candidate_type": "host"}
    )
    assert fields["media_route"] == "none"
    assert fields["media_rtt_ms"] is None and fields["media_candidate_type"] is None


@pytest.mark.parametrize(
    "data",
    [{"media_route": "carrier-pigeon"}, {"media_route": "udp", "media_loss_up_percent": 101}],
)
def test_an_unknown_route_or_a_loss_above_100_percent_is_refused(data):
    with pytest.raises(ReportError):
        parse_media(data)


def test_behind_nat_host_candidates_carry_the_public_address():
    sdp = "a=candidate:1 1 udp 2130706431 10.0.0.5 51000 typ host\r\na=end-of-candidates\r\n"
    assert "198.51.100.7 51000 typ host" in announce_address(sdp, "198.51.100.7")
    assert announce_address(sdp, None) == sdp


def test_jitter_is_zero_for_steady_transit_and_grows_when_it_wobbles():
    steady, wobbly = TransitJitter(), TransitJitter()
    for i in range(50):
        steady.add(i * 20, i * 20 + 30)
        wobbly.add(i * 20, i * 20 + 30 + (i % 2) * 40)
    assert steady.jitter == 0 and wobbly.jitter > 20
