from readiness.connection.verdict import Thresholds, connection_verdict

DEFAULT = Thresholds()


def test_a_link_at_the_guidance_on_every_dimension_is_ready():
    assert connection_verdict(10.0, 3.0, 150.0, 30.0, DEFAULT) == ("ready", [])


def test_download_just_under_the_guidance_is_video_with_limits():
    assert connection_verdict(9.4, 5.0, 20.0, 2.0, DEFAULT) == ("limited", ["download_low"])


def test_the_verdict_is_the_worst_dimension_and_every_short_one_is_named():
    verdict, reasons = connection_verdict(48.0, 1.0, 200.0, 10.0, DEFAULT)
    assert verdict == "not_ready"
    assert reasons == ["upload_low", "latency_high"]


def test_jitter_above_the_limited_threshold_means_the_phone():
    assert connection_verdict(50.0, 10.0, 20.0, 51.0, DEFAULT) == ("not_ready", ["jitter_high"])


def test_a_failed_test_is_not_ready_with_its_own_reason():
    assert connection_verdict(None, None, None, None, DEFAULT, failure="offline") == (
        "not_ready",
        ["offline"],
    )


def test_a_missing_figure_is_never_taken_for_a_pass():
    assert connection_verdict(50.0, None, 20.0, 2.0, DEFAULT) == ("not_ready", ["timeout"])


def test_thresholds_come_from_the_institution_configuration():
    config = {
        "GUIDANCE_DOWNLOAD_MBPS": 25,
        "READY_UPLOAD_MBPS": 3,
        "READY_LATENCY_MS": 150,
        "READY_JITTER_MS": 30,
        "LIMITED_DOWNLOAD_MBPS": 1.2,
        "LIMITED_UPLOAD_MBPS": 1.2,
        "LIMITED_LATENCY_MS": 300,
        "LIMITED_JITTER_MS": 50,
        "BUSY_NETWORK_LIMITED_MS": "60",  # environment variables arrive as text
        "BUSY_NETWORK_NOT_READY_MS": "250",
    }
    stricter = Thresholds.from_config(config)
    assert connection_verdict(20.0, 5.0, 20.0, 2.0, stricter) == ("limited", ["download_low"])
    assert (stricter.busy_limited_ms, stricter.busy_not_ready_ms) == (60.0, 250.0)
