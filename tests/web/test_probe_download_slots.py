"""Under gunicorn, downloads sent with sendfile() give their transfer slot back, whatever happens:
sent in full, asked with HEAD, or dropped by the client halfway."""

import http.client
import socket
import time
from contextlib import closing
from urllib.parse import urlsplit

PER_CLIENT = 8  # READINESS_PROBE_MAX_TRANSFERS_PER_CLIENT's default


def connect(live_server) -> http.client.HTTPConnection:
    parts = urlsplit(live_server)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)


def download_status(live_server, size: int) -> int:
    with closing(connect(live_server)) as connection:
        connection.request("GET", f"/probe/download?bytes={size}")
        response = connection.getresponse()
        body = response.read()
        assert response.status != 200 or len(body) == size
        return response.status


def test_many_more_downloads_than_slots_one_after_the_other_are_all_served(live_server):
    with closing(connect(live_server)) as connection:
        for _ in range(3 * PER_CLIENT):
            connection.request("GET", "/probe/download?bytes=3000000")
            response = connection.getresponse()
            assert response.status == 200
            assert len(response.read()) == 3_000_000
        for _ in range(2 * PER_CLIENT):
            connection.request("HEAD", "/probe/download?bytes=3000000")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.headers["Content-Length"] == "3000000"
    assert download_status(live_server, 1000) == 200


def test_downloads_dropped_halfway_give_their_slots_back(live_server):
    parts = urlsplit(live_server)
    for _ in range(2 * PER_CLIENT):
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(b"GET /probe/download?bytes=33554432 HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
    # The server notices each reset as its next send fails: give it a moment, no more.
    deadline = time.monotonic() + 5
    while download_status(live_server, 1000) == 503 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert download_status(live_server, 1000) == 200
