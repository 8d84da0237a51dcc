import pytest

from readiness.config import DefaultConfig
from readiness.probe.speedtest_client import (
    DOWNLOAD_SIZES,
    UPLOAD_SIZES,
    LocalConfigSpeedtest,
    mini_url,
)


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/probe/mini/"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/probe/mini/"),
        ("https://check.example.org/readiness/", "https://check.example.org/readiness/probe/mini/"),
    ],
)
def test_mini_url_appends_the_probe_path_to_the_site_root(server, expected):
    assert mini_url(server) == expected


@pytest.mark.parametrize("server", ["localhost:8000", "ftp://example.org", "http://"])
def test_mini_url_refuses_what_is_not_an_http_address(server):
    with pytest.raises(ValueError, match="not an http"):
        mini_url(server)


def test_every_transfer_fits_under_the_servers_caps():
    # random<N>x<N>.jpg holds 2*N*N bytes; a larger request would be refused with 413.
    assert max(2 * n * n for n in DOWNLOAD_SIZES) <= DefaultConfig.PROBE_MAX_DOWNLOAD_BYTES
    assert max(UPLOAD_SIZES) <= DefaultConfig.PROBE_MAX_UPLOAD_BYTES


def test_configuration_is_local_not_fetched_from_speedtest_net():
    # speedtest.net is unreachable here: speedtest-cli's own get_config() would raise.
    tester = LocalConfigSpeedtest(timeout=1)
    assert tester.config["sizes"]["download"] == DOWNLOAD_SIZES
    assert tester.config["upload_max"] == 17 * len(UPLOAD_SIZES)
    assert tester.results.client["ip"] == ""
