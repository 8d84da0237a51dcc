"""deploy/coturn/turnserver.conf in a real coturn: it relays a check's UDP to the app hosts'
media address, refuses TCP relays (RFC 6062, security review 3 F7) and refuses every other peer.

coturn refuses loopback peers whatever its configuration, so the media host here is this
machine's own non-loopback address; coturn's own turnutils_peer (a UDP echo) stands in for the
media service, and turnutils_uclient for a browser with REST API credentials.
"""

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, free_port

CONF = PROJECT_ROOT / "deploy" / "coturn" / "turnserver.conf"
SECRET = "e2e-turn-secret-0123456789-abcdefghijklmnop"
TOOLS = ("turnserver", "turnutils_uclient", "turnutils_peer")


def host_address() -> str | None:
    """This machine's address on its default route (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: the route decides the address
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.fixture
def media_host():
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        pytest.fail(f"make e2e needs coturn ({', '.join(missing)}): apt-get install coturn")
    address = host_address()
    if address is None:
        pytest.skip("no non-loopback address to stand in for the media host")
    return address


def sub(text: str, pattern: str, replacement: str) -> str:
    changed, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    assert count >= 1, f"{pattern!r} not in {CONF}"
    return changed


def start_coturn(folder: Path, address: str, allowed: list[str] | None) -> tuple:
    """The deployed file with this run's ports, secret and logs; `allowed` replaces its
    allowed-peer-ip lines (None keeps the file's own)."""
    port = free_port()
    conf = CONF.read_text()
    conf = sub(conf, r"^listening-port=\d+$", f"listening-port={port}")
    conf = sub(conf, r"^tls-listening-port=\d+$", f"tls-listening-port={free_port()}")
    conf = sub(conf, r"^static-auth-secret=.*$", f"static-auth-secret={SECRET}")
    conf = sub(conf, r"^log-file=.*$", f"log-file={folder}/turn.log")
    if allowed is not None:
        conf = re.sub(r"^allowed-peer-ip=.*\n", "", conf, flags=re.MULTILINE)
        conf += "".join(f"allowed-peer-ip={peer}\n" for peer in allowed)
    conf += f"listening-ip={address}\nrelay-ip={address}\npidfile={folder}/turn.pid\n"
    path = folder / "turnserver.conf"
    path.write_text(conf)
    process = subprocess.Popen(
        ["turnserver", "-c", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((address, port)) == 0:
                return process, port
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("coturn did not start")


@pytest.fixture
def echo_peer(media_host):
    port = free_port()
    peer = subprocess.Popen(
        ["turnutils_peer", "-L", media_host, "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.3)
    yield port
    peer.terminate()
    peer.wait(timeout=5)


def relay(address: str, turn_port: int, peer_port: int, *flags: str) -> str:
    """A browser's allocation through coturn to the peer: 20 packets, coturn's own client."""
    result = subprocess.run(
        ["turnutils_uclient", *flags, "-p", str(turn_port), "-W", SECRET, "-e", address,
         "-r", str(peer_port), "-n", "20", "-c", address],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return result.stdout + result.stderr


def test_coturn_relays_udp_to_the_media_host(media_host, echo_peer, tmp_path):
    process, port = start_coturn(tmp_path, media_host, allowed=[media_host])
    try:
        out = relay(media_host, port, echo_peer)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "tot_recv_msgs=20" in out, out[-800:]
    assert "Total lost packets 0 " in out


def test_coturn_refuses_tcp_relays_even_to_the_media_host(media_host, echo_peer, tmp_path):
    process, port = start_coturn(tmp_path, media_host, allowed=[media_host])
    try:
        out = relay(media_host, port, echo_peer, "-T")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "error 442" in out, out[-800:]  # TCP Transport is not allowed
    assert "tot_recv_msgs=20" not in out


def test_coturn_refuses_a_peer_not_listed(media_host, echo_peer, tmp_path):
    """The file as shipped allows only its example media hosts: this host is refused."""
    process, port = start_coturn(tmp_path, media_host, allowed=None)
    try:
        out = relay(media_host, port, echo_peer)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "403 (Forbidden IP)" in out, out[-800:]
    assert "tot_recv_msgs=20" not in out
