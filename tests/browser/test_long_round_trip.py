"""A round trip too long to measure the link in the time allowed (a satellite link, a far region)
fails clearly: the patient is told why, with the round trip, and no speed read off the ramp-up
is stored. The link is the bench's emulator: two namespaces joined by the delay line, 600 ms
each way and back, 10 Mbit/s each way."""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS
from bench.link import SERVER_ADDRESS, Link, Shape
from bench.server import app_server, connection_results_after, create_database

TOOLS = ("ip", "tc", "gcc")


def emulator_missing() -> str:
    if os.geteuid() != 0:
        return "the link emulator needs root for network namespaces and tc (CI runs as root)"
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    return f"{', '.join(missing)} not installed" if missing else ""


pytestmark = pytest.mark.skipif(bool(emulator_missing()), reason=emulator_missing() or "ready")

WORDS = {
    "en": (r"takes 6\d\d ms to answer", "Response time", "slow to respond (high latency)"),
    "fr": ("met 6\\d\\d\u00a0ms à répondre", "Temps de réponse", "tarde à répondre"),
}


@pytest.fixture(scope="module")
def far_link(chromium):
    """The app under gunicorn behind a 600 ms round trip, and a second Chromium (from the
    session's Playwright) inside the patient's namespace."""
    with (
        Link("ltrip", Shape(10, 10, rtt_ms=600)) as link,
        tempfile.TemporaryDirectory(prefix="rtrip-") as tmp,
    ):
        workdir = Path(tmp)
        database = workdir / "check.db"
        create_database(database)
        wrapper = workdir / "chromium-in-namespace"
        wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {link.client.name} {CHROMIUM} "$@"\n')
        wrapper.chmod(0o755)
        with app_server(link.server, workdir, database, workers=2, threads=8,
                        host=SERVER_ADDRESS) as url:  # fmt: skip
            browser = chromium.browser_type.launch(executable_path=str(wrapper), args=CHROMIUM_ARGS)
            try:
                yield url, browser, database
            finally:
                browser.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_round_trip_too_long_to_measure_fails_clearly_instead_of_reading_the_ramp(
    far_link, assert_accessible, lang
):
    url, browser, database = far_link
    said, figure, noticed = WORDS[lang]
    context = browser.new_context(base_url=url, locale=f"{lang}-CA")
    try:
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(f"/{lang}/")
        page.get_by_test_id("start-check").click()
        result = page.get_by_test_id("connection-result")
        result.wait_for(timeout=60_000)
        assert re.search(said, page.get_by_role("alert").inner_text())
        assert result.get_attribute("data-failure") == "latency_high"
        assert result.get_attribute("data-verdict") == "not_ready"
        assert result.get_attribute("data-download-mbps") == ""
        assert figure in result.inner_text()
        assert noticed in page.get_by_test_id("connection-reasons").inner_text()
        assert_accessible(page)
    finally:
        context.close()
    stored = connection_results_after(database, 0)[-1]
    assert (stored["failure"], stored["download_mbps"]) == ("latency_high", None)
    assert 595 <= stored["latency_ms"] <= 700
    assert '"download_mbps"' not in stored["samples"]  # no transfer was started
