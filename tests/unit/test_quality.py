"""The call quality to expect: the video ladder, the voice's MOS, and latency under load."""

import pytest

from readiness.checks import reasons
from readiness.connection import quality
from readiness.connection.verdict import Thresholds, connection_verdict


@pytest.mark.parametrize(
    ("upload", "download", "rung"),
    [
        (11.5, 48.2, "hd_720p"),
        (1.5, 1.5, "hd_720p"),
        (1.2, 50.0, "standard"),  # the narrower direction decides
        (50.0, 0.6, "standard"),
        (0.3, 0.3, "low"),
        (0.12, 5.0, "audio_only"),
        (0.05, 0.05, "none"),
        (None, 5.0, None),
    ],
)
def test_the_video_ladder_takes_the_best_rung_both_directions_carry(upload, download, rung):
    assert quality.video_rung(upload, download) == rung


def test_the_ladder_comes_from_configuration():
    ladder = quality.parse_ladder("full_hd:3.8:3.8, hd_720p:1.5:1.5")
    assert [rung.name for rung in ladder] == ["full_hd", "hd_720p"]
    assert quality.video_rung(4.0, 4.0, ladder) == "full_hd"
    assert quality.video_rung(1.0, 4.0, ladder) == "none"
    with pytest.raises(ValueError):
        quality.parse_ladder("broken")


def test_r_factor_follows_cole_and_rosenbluth():
    # 20 ms RTT, no jitter: d = 10 + 20 = 30 ms; Id = 0.72; R = 93.48.
    assert quality.r_factor(20, 0) == pytest.approx(93.48)
    # d = 200 + 20 = 220 ms: Id = 0.024*220 + 0.11*(220-177.3) = 5.28 + 4.697.
    assert quality.r_factor(400, 0) == pytest.approx(94.2 - 5.28 - 4.697)
    # 1 % random loss on G.711: Ie = 30 ln(1.15) = 4.19.
    assert quality.r_factor(20, 0, 1.0) == pytest.approx(93.48 - 30 * 0.139762, abs=1e-3)


def test_mos_follows_g107_annex_b_and_stays_between_1_and_4_5():
    assert quality.mos_from_r(93.48) == pytest.approx(4.41, abs=0.01)
    assert quality.mos_from_r(80) == pytest.approx(4.02, abs=0.01)
    assert quality.mos_from_r(-5) == 1.0 and quality.mos_from_r(120) == 4.5


def test_the_voice_gets_worse_with_latency_jitter_and_loss():
    clear = quality.audio_mos(20, 2)
    assert clear == 4.4 and quality.audio_grade(clear) == "good"
    assert quality.audio_mos(300, 40) < clear
    assert quality.audio_mos(20, 2, loss_percent=5) < quality.audio_mos(20, 2)
    assert quality.audio_grade(quality.audio_mos(600, 80, 10)) == "bad"
    assert quality.audio_mos(None, 2) is None


def test_a_busy_network_is_judged_on_the_larger_increase_over_idle():
    assert quality.busy_network_level(20, 60, 90, 100, 400) == ("ready", 70)
    assert quality.busy_network_level(20, 240, 30, 100, 400) == ("limited", 220)
    assert quality.busy_network_level(20, 30, 700, 100, 400) == ("not_ready", 680)
    assert quality.busy_network_level(20, None, None, 100, 400) == ("ready", None)


def test_busy_network_is_a_reason_of_the_connection_verdict():
    figures = (48.2, 11.5, 18.0, 2.1)
    assert connection_verdict(*figures, Thresholds()) == ("ready", [])
    limited = connection_verdict(
        *figures, Thresholds(), loaded_latency_down_ms=250, loaded_latency_up_ms=40
    )
    assert limited == ("limited", [reasons.BUSY_NETWORK])
    stricter = Thresholds(busy_limited_ms=20, busy_not_ready_ms=200)
    assert connection_verdict(*figures, stricter, loaded_latency_down_ms=250) == (
        "not_ready",
        [reasons.BUSY_NETWORK],
    )


def test_the_expectation_puts_it_together():
    expected = quality.expectation(
        download_mbps=48.2,
        upload_mbps=11.5,
        latency_ms=18.0,
        jitter_ms=2.1,
        loaded_latency_down_ms=260.0,
        loaded_latency_up_ms=35.0,
    )
    assert expected.as_dict() == {
        "video": "hd_720p",
        "audio_mos": 4.4,
        "audio": "good",
        "freezes_when_busy": True,
        "latency_increase_ms": 242.0,
    }
