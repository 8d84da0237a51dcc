"""flask probe speedtest: the real command, run as a subprocess, against a real server."""

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import PROJECT_ROOT, free_port, server_environment


def run_speedtest(database_url: str, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run `flask --app wsgi probe speedtest ARGS`; the finished process and its wall time."""
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "probe", "speedtest", *args],
        cwd=PROJECT_ROOT,
        env=server_environment(database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return process, time.monotonic() - started


class NotFoundHandler(BaseHTTPRequestHandler):
    """A web server that is not a readiness server: every page is missing."""

    def do_GET(self):
        self.send_error(404)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def other_web_server():
    """An HTTP server on loopback that answers 404 to everything."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFoundHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def silent_server():
    """A port that accepts connections (the kernel's backlog does) but never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_json_reports_speeds_that_match_the_bytes_moved(database_url, live_server):
    process, wall_seconds = run_speedtest(database_url, "--server", live_server, "--json")
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout)
    assert result["server"] == live_server + "/probe/mini/"
    assert result["download_mbps"] > 0
    assert result["upload_mbps"] > 0
    assert result["ping_ms"] > 0
    assert result["bytes_received"] > 0
    assert result["bytes_sent"] > 0
    # bytes * 8 / (Mbit/s * 1e6) is how long each direction ran: both fit in the command's run.
    download_seconds = result["bytes_received"] * 8 / (result["download_mbps"] * 1e6)
    upload_seconds = result["bytes_sent"] * 8 / (result["upload_mbps"] * 1e6)
    assert 0 < download_seconds + upload_seconds < wall_seconds


def test_plain_output_names_each_figure_with_its_unit(database_url, live_server):
    process, _ = run_speedtest(database_url, "--server", live_server + "/")
    assert process.returncode == 0, process.stderr
    lines = process.stdout.splitlines()
    assert lines[0] == f"Speed test against {live_server}/probe/mini/"
    assert lines[1].startswith("Download: ") and " Mbit/s (" in lines[1]
    assert lines[1].endswith(" bytes received)")
    assert lines[2].startswith("Upload: ") and " Mbit/s (" in lines[2]
    assert lines[2].endswith(" bytes sent)")
    assert lines[3].startswith("Ping: ") and lines[3].endswith(" ms")
    download = float(lines[1].split()[1])
    assert download > 0


def test_closed_port_is_reported_as_unreachable(database_url):
    server = f"http://127.0.0.1:{free_port()}"
    process, _ = run_speedtest(database_url, "--server", server)
    assert process.returncode == 1
    assert f"Error: Could not reach {server}/probe/mini/ (Connection refused)." in process.stderr
    assert "Traceback" not in process.stderr


def test_other_web_server_is_not_a_readiness_server(database_url, other_web_server):
    process, _ = run_speedtest(database_url, "--server", other_web_server, "--json")
    assert process.returncode == 1
    assert process.stdout == ""
    assert "answered HTTP 404: this is not a readiness server" in process.stderr


def test_server_that_never_answers_times_out(database_url, silent_server):
    process, wall_seconds = run_speedtest(database_url, "--server", silent_server, "--timeout", "1")
    assert process.returncode == 1
    assert f"Error: {silent_server}/probe/mini/ did not answer within 1 s." in process.stderr
    assert wall_seconds < 10


def test_address_without_http_is_refused_before_any_request(database_url):
    process, _ = run_speedtest(database_url, "--server", "localhost:8000")
    assert process.returncode == 2
    assert "is not an http:// or https:// address" in process.stderr
