"""One client's stalled probe transfers cannot starve the pages, nor other clients' tests.

A real gunicorn (1 worker, 8 threads) behind a pretend proxy, so that each client has its own
address (X-Forwarded-For): an attacker opens 20 downloads of 32 MiB and never reads them.
"""

import http.client
import socket
import time
from contextlib import closing

import pytest

from tests.conftest import free_port, start_gunicorn, wait_until_serving

ATTACKER = "203.0.113.66"
PATIENT = "198.51.100.7"
STALL_SECONDS = 2


@pytest.fixture
def server(database_url, schema):
    port = free_port()
    process = start_gunicorn(
        database_url,
        port,
        READINESS_PROXY_COUNT="1",
        READINESS_PROBE_MAX_TRANSFERS="4",
        READINESS_PROBE_MAX_TRANSFERS_PER_CLIENT="2",
        READINESS_PROBE_STALL_SECONDS=str(STALL_SECONDS),
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/en/", process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def stalled_download(port: int) -> socket.socket:
    """Ask for 32 MiB and never read a byte of it."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.sendall(
        b"GET /probe/download?bytes=33554432 HTTP/1.1\r\nHost: x\r\n"
        + f"X-Forwarded-For: {ATTACKER}\r\n\r\n".encode()
    )
    return sock


def get(port: int, path: str, client: str, timeout: float = 5) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    with closing(http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)) as connection:
        connection.request("GET", path, headers={"X-Forwarded-For": client})
        response = connection.getresponse()
        body = response.read()
    return response.status, body, time.perf_counter() - started


def test_stalled_downloads_leave_threads_for_pages_and_other_patients(server):
    port = server
    attack = [stalled_download(port) for _ in range(20)]
    try:
        time.sleep(0.5)
        pages = [get(port, "/en/", PATIENT) for _ in range(10)]
        assert {status for status, _, _ in pages} == {200}
        assert max(seconds for _, _, seconds in pages) < 2
        status, body, _ = get(port, "/probe/download?bytes=4000000", PATIENT)
        assert (status, len(body)) == (200, 4_000_000)
        status, _, seconds = get(port, "/probe/download?bytes=1000", ATTACKER)
        assert status == 503, "the attacker has used its share"
        assert seconds < 1
    finally:
        for sock in attack:
            sock.close()


def test_a_client_that_stops_reading_loses_its_slot_after_the_stall_timeout(server):
    port = server
    attack = [stalled_download(port) for _ in range(2)]
    try:
        time.sleep(0.5)
        assert get(port, "/probe/download?bytes=1000", ATTACKER)[0] == 503
        time.sleep(STALL_SECONDS + 2)
        status, body, _ = get(port, "/probe/download?bytes=1000", ATTACKER)
        assert (status, len(body)) == (200, 1000)
    finally:
        for sock in attack:
            sock.close()


def test_an_upload_that_stops_arriving_is_dropped_after_the_stall_timeout(server):
    port = server
    with closing(socket.create_connection(("127.0.0.1", port), timeout=10)) as sock:
        sock.sendall(
            b"POST /probe/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n"
            + f"X-Forwarded-For: {ATTACKER}\r\n\r\n".encode()
            + b"x" * 1000
        )
        started = time.perf_counter()
        answer = sock.recv(4096)
        assert time.perf_counter() - started < STALL_SECONDS + 3
        assert answer.startswith(b"HTTP/1.1 408") or answer == b""
