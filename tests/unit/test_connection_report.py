import pytest

from readiness.connection.report import ReportError, parse_report

GOOD = {
    "download_mbps": 9.4,
    "upload_mbps": 3.2,
    "latency_ms": 24,
    "jitter_ms": 1.5,
    "samples": {"latency_ms": [24, 25]},
    "bytes_used": 9_000_000,
    "duration_ms": 7000,
    "connection_type": "wifi",
}


def test_a_complete_report_gives_every_field():
    fields = parse_report(GOOD)
    assert fields["download_mbps"] == 9.4 and fields["latency_ms"] == 24.0
    assert fields["bytes_used"] == 9_000_000 and fields["failure"] is None


def test_a_failure_needs_no_figures():
    fields = parse_report({"failure": "server_unreachable"})
    assert fields["failure"] == "server_unreachable" and fields["download_mbps"] is None


@pytest.mark.parametrize(
    "change, field",
    [
        ({"download_mbps": None}, "download_mbps"),
        ({"upload_mbps": "fast"}, "upload_mbps"),
        ({"latency_ms": True}, "latency_ms"),
        ({"jitter_ms": -1}, "jitter_ms"),
        ({"download_mbps": float("nan")}, "download_mbps"),
        ({"download_mbps": 1e9}, "download_mbps"),
        ({"failure": "sunspots"}, "failure"),
        ({"samples": {"x": [1.0] * 20_000}}, "samples"),
        ({"samples": [1, 2]}, "samples"),
        ({"connection_type": "x" * 40}, "connection_type"),
    ],
)
def test_bad_figures_are_refused_naming_the_field(change, field):
    with pytest.raises(ReportError) as error:
        parse_report(GOOD | change)
    assert error.value.field == field


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(ReportError):
        parse_report([1, 2, 3])
