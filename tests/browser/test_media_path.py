"""The media path in Chromium against the real media service (aiortc under gunicorn).

The speed test before it is cut to 3 seconds a direction; the media path runs after its result,
on the device step's page (test_media_after_result.py), and is read here once its part is in.

On loopback every packet gets through by UDP. In a network namespace whose UDP is dropped by
iptables, a call's packets reach us only through a real coturn over TCP (udp_blocked), or not
at all without it (media_unreachable: video with limits, since a call may still get through on
TCP/TLS 443): the patient is told so, in their language.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from readiness.extensions import db
from readiness.models import ConnectionResult
from tests.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    start_gunicorn,
    wait_until_serving,
)

SHORT_SPEED_TEST = {
    "READINESS_CONNECTION_TEST_MAX_SECONDS": "3",
    "READINESS_CONNECTION_TEST_SLOW_MAX_SECONDS": "3",
}


@pytest.fixture(scope="module")
def media_server(database_url, schema):
    """The app with the media check on, offering only its loopback address."""
    port = free_port()
    process = start_gunicorn(
        database_url,
        port,
        READINESS_MEDIA_CHECK_ENABLED="true",
        READINESS_MEDIA_HOST_ADDRESSES="127.0.0.1",
        **SHORT_SPEED_TEST,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url + "/en/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_connection_test(page, lang):
    """The connection test, then the device step's page until the media part is in (it runs
    there, after the result is shown); the result as the connection page shows it then."""
    page.goto(f"/{lang}/")
    page.get_by_test_id("start-check").click()
    page.wait_for_url(f"**/{lang}/check/connection")
    page.get_by_test_id("connection-result").wait_for(timeout=90_000)
    page.goto(f"/{lang}/check/devices")
    page.locator("html[data-media-check=done]").wait_for(state="attached", timeout=60_000)
    page.goto(f"/{lang}/check/connection")
    result = page.get_by_test_id("connection-result")
    result.wait_for()
    return result


def test_on_loopback_the_call_packets_take_udp_and_none_is_lost(
    app, new_browser_page, media_server, assert_accessible
):
    page = new_browser_page(base_url=media_server)
    result = run_connection_test(page, "en")
    assert "Nothing from your camera or microphone is sent." in page.content()
    assert "Direct, the fast route (UDP)" in result.inner_text()
    assert_accessible(page)
    assert result.get_attribute("data-media-route") == "udp"
    assert float(result.get_attribute("data-packet-loss-percent")) == 0
    assert 0 < float(result.get_attribute("data-media-rtt-ms")) < 100
    assert result.get_attribute("data-verdict") == "ready"
    with app.app_context():
        [stored] = db.session.scalars(db.select(ConnectionResult)).all()
        assert stored.media_route == "udp"
        assert stored.media_loss_up_percent == 0 and stored.media_loss_down_percent == 0
        assert stored.media_connect_ms < 8000


def test_a_speed_test_that_times_out_still_checks_the_call_packets(
    app, database_url, new_browser_page
):
    """A lossy link often stalls the speed test: the media path is what says why."""
    port = free_port()
    process = start_gunicorn(
        database_url,
        port,
        READINESS_MEDIA_CHECK_ENABLED="true",
        READINESS_MEDIA_HOST_ADDRESSES="127.0.0.1",
        # Far too short for the ramp-up to end: the speed test cannot settle and says timeout.
        READINESS_CONNECTION_TEST_MAX_SECONDS="0.3",
        READINESS_CONNECTION_TEST_SLOW_MAX_SECONDS="0.3",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url + "/en/", process)
        page = new_browser_page(base_url=url)
        result = run_connection_test(page, "en")
        assert result.get_attribute("data-failure") == "timeout"
        assert result.get_attribute("data-media-route") == "udp"
        assert float(result.get_attribute("data-packet-loss-percent")) == 0
    finally:
        process.terminate()
        process.wait(timeout=10)
    with app.app_context():
        [stored] = db.session.scalars(db.select(ConnectionResult)).all()
        assert stored.failure == "timeout" and stored.verdict == "not_ready"
        assert stored.media_route == "udp" and stored.media_loss_down_percent == 0


# A patient's own network: Chromium in a network namespace of its own, joined to ours by a veth
# pair, with iptables dropping every UDP packet in and out of it, or its download shaped by tbf.

NAMESPACE_TOOLS = ("ip", "iptables", "tc", "turnserver", "curl")


def root_network_tools_missing() -> str:
    if os.geteuid() != 0:
        return "network namespaces and iptables need root (CI runs as root)"
    missing = [tool for tool in NAMESPACE_TOOLS if not shutil.which(tool)]
    if missing:
        return f"{', '.join(missing)} not installed: make test installs iptables and coturn"
    return ""


needs_root_network = pytest.mark.skipif(
    bool(root_network_tools_missing()), reason=root_network_tools_missing() or "ready"
)


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=20)


@dataclass
class PatientNetwork:
    name: str
    host_address: str  # our side of the veth pair, where the server and coturn listen
    outside: str  # our end of the veth pair: its egress is the patient's download

    def browser_executable(self, folder) -> str:
        """Chromium started inside the namespace (Playwright talks to it over a pipe)."""
        wrapper = folder / "chromium-in-namespace"
        wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {self.name} {CHROMIUM} "$@"\n')
        wrapper.chmod(0o755)
        return str(wrapper)


@contextmanager
def patient_network(drop_udp: bool = False, download_tbf: tuple[str, ...] = ()):
    """A namespace joined to ours by a veth pair; UDP dropped, or the download shaped."""
    suffix = f"{os.getpid() % 10000}"
    name, outside, inside = f"media{suffix}", f"mh{suffix}", f"mn{suffix}"
    subnet = f"10.{200 + os.getpid() % 50}.{os.getpid() % 250}"
    host, guest = f"{subnet}.1", f"{subnet}.2"
    run("ip", "netns", "add", name)
    try:
        run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
        run("ip", "link", "set", inside, "netns", name)
        # No IPv6 inside: its addresses arriving after the link is up make Chromium abort the
        # first navigation with ERR_NETWORK_CHANGED.
        run("ip", "netns", "exec", name, "sh", "-c",
            "for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo 1 > $f; done")  # fmt: skip
        run("ip", "addr", "add", f"{host}/30", "dev", outside)
        run("ip", "link", "set", outside, "up")
        run("ip", "netns", "exec", name, "ip", "addr", "add", f"{guest}/30", "dev", inside)
        run("ip", "netns", "exec", name, "ip", "link", "set", inside, "up")
        run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")
        if drop_udp:
            for chain in ("INPUT", "OUTPUT"):
                run("ip", "netns", "exec", name, "iptables", "-A", chain, "-p", "udp", "-j", "DROP")
        if download_tbf:
            run("tc", "qdisc", "add", "dev", outside, "root", "tbf", *download_tbf)
        yield PatientNetwork(name, host, outside)
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=20)
        subprocess.run(["ip", "link", "del", outside], capture_output=True, timeout=20)


@pytest.fixture
def udp_blocked_network():
    with patient_network(drop_udp=True) as network:
        yield network


@pytest.fixture
def coturn(udp_blocked_network, tmp_path):
    """A real coturn on our side of the link, TURN over TCP, with a REST API shared secret."""
    port = free_port()
    secret = "made-up-turn-secret-for-tests"
    address = udp_blocked_network.host_address
    process = subprocess.Popen(
        [
            "turnserver",
            "--listening-ip",
            address,
            "--relay-ip",
            address,
            "--listening-port",
            str(port),
            "--min-port",
            "49160",
            "--max-port",
            "49200",
            "--use-auth-secret",
            "--static-auth-secret",
            secret,
            "--realm",
            "readiness.test",
            "--no-tls",
            "--no-dtls",
            "--no-cli",
            "--no-stun",
            "--log-file",
            str(tmp_path / "coturn.log"),
            "--pidfile",
            str(tmp_path / "coturn.pid"),
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            with socket.socket() as probe:
                if probe.connect_ex((address, port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("coturn did not start")
            time.sleep(0.1)
        yield {"urls": f"turn:{address}:{port}?transport=tcp", "secret": secret}
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def server_on(network: PatientNetwork, database_url: str, **extra_env: str):
    port = free_port()
    environment = {
        "READINESS_MEDIA_CHECK_ENABLED": "true",
        "READINESS_MEDIA_HOST_ADDRESSES": network.host_address,
        "READINESS_MEDIA_CONNECT_TIMEOUT_SECONDS": "6",
        **SHORT_SPEED_TEST,
        **extra_env,
    }
    process = start_gunicorn(database_url, port, host=network.host_address, **environment)
    url = f"http://{network.host_address}:{port}"
    try:
        wait_until_serving(url + "/en/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def page_in(chromium, network: PatientNetwork, url: str, folder, locale: str):
    """A page of a second Chromium, inside the namespace, from the session's Playwright."""
    browser = chromium.browser_type.launch(
        executable_path=network.browser_executable(folder), args=CHROMIUM_ARGS
    )
    try:
        context = browser.new_context(base_url=url, locale=locale)
        context.set_default_timeout(15_000)
        yield context.new_page()
    finally:
        browser.close()


@needs_root_network
def test_udp_dropped_with_turn_over_tcp_the_patient_is_told_udp_is_blocked_in_french(
    app, make_app, database_url, chromium, udp_blocked_network, coturn, tmp_path
):
    make_app()  # empties the tables afterwards
    with (
        server_on(
            udp_blocked_network,
            database_url,
            READINESS_TURN_URLS=coturn["urls"],
            READINESS_TURN_SECRET=coturn["secret"],
        ) as url,
        page_in(chromium, udp_blocked_network, url, tmp_path, "fr-CA") as page,
    ):
        result = run_connection_test(page, "fr")
        assert result.get_attribute("data-media-route") == "relay-tcp"
        assert result.get_attribute("data-verdict") == "limited"
        assert float(result.get_attribute("data-packet-loss-percent")) <= 5
        assert float(result.get_attribute("data-media-rtt-ms")) > 0
        text = result.inner_text()
        assert "bloque la voie rapide qu’utilisent les appels vidéo" in text
        assert "Par un serveur relais, la voie plus lente (TCP)" in text
    with app.app_context():
        [stored] = db.session.scalars(db.select(ConnectionResult)).all()
        assert stored.media_route == "relay-tcp" and stored.media_candidate_type == "relay"
        assert "udp_blocked" in stored.reasons


@needs_root_network
def test_udp_dropped_without_turn_no_route_to_our_media_server_is_video_with_limits(
    app, make_app, database_url, chromium, udp_blocked_network, tmp_path
):
    make_app()
    with (
        server_on(udp_blocked_network, database_url) as url,
        page_in(chromium, udp_blocked_network, url, tmp_path, "en-CA") as page,
    ):
        result = run_connection_test(page, "en")
        assert result.get_attribute("data-media-route") == "none"
        # Not the patient's fault for sure: Zoom falls back to TCP/TLS 443 (README).
        assert result.get_attribute("data-verdict") == "limited"
        assert "found no route to our server" in result.inner_text()
    with app.app_context():
        [stored] = db.session.scalars(db.select(ConnectionResult)).all()
        assert stored.media_route == "none" and stored.reasons == ["media_unreachable"]
        assert stored.media_network is not None  # the namespace's /24, as a keyed hash


@contextmanager
def saturating_download(network: PatientNetwork, url: str, streams: int = 3):
    """Downloads inside the namespace that fill the shaped link while the check runs."""
    loop = (
        f"end=$(($(date +%s) + 120)); while [ $(date +%s) -lt $end ]; do "
        f"curl -s -o /dev/null --max-time 40 '{url}/probe/download?bytes=33554432'; done"
    )
    processes = [
        subprocess.Popen(
            ["ip", "netns", "exec", network.name, "sh", "-c", loop], start_new_session=True
        )
        for _ in range(streams)
    ]
    try:
        yield
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)


@needs_root_network
def test_on_a_shaped_link_saturated_by_a_download_the_round_trip_rises_and_is_shown(
    app, make_app, database_url, chromium, tmp_path
):
    """8 Mbit/s with a 60 kB queue (60 ms when full), filled by three downloads."""
    make_app()
    shape = ("rate", "8mbit", "burst", "16kb", "limit", "60kb")
    with (
        patient_network(download_tbf=shape) as network,
        server_on(network, database_url) as url,
        saturating_download(network, url),
        page_in(chromium, network, url, tmp_path, "en-CA") as page,
    ):
        result = run_connection_test(page, "en")
        assert result.get_attribute("data-media-route") == "udp"
        rtt = float(result.get_attribute("data-media-rtt-ms"))
        assert rtt > 20, f"round trip {rtt} ms through a full 60 ms queue"
        assert "Round trip for sound and picture" in result.inner_text()
    with app.app_context():
        [stored] = db.session.scalars(db.select(ConnectionResult)).all()
        # What the queue dropped of ours, for the record (tail drops hit some runs, not all).
        loss = (stored.media_loss_down_percent, stored.media_loss_up_percent)
        print(f"shaped link: rtt {stored.media_rtt_ms} ms, loss down/up {loss} %")
        assert stored.media_loss_down_percent is not None
