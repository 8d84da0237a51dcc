"""What the probe says it received, and when: the browser counts the latency probes' requests
with the upload and places each upload's bytes where the server read them (issue 29)."""

import json
import socket
import time
from urllib.parse import urlsplit

from readiness.probe.received import Arrivals, head_bytes, thin


def exchange(live_server, head: bytes, body_parts=(), pause_s: float = 0) -> dict:
    """Send head and body parts (pausing between them) over a raw socket; the JSON answer."""
    parts = urlsplit(live_server)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head)
        for i, part in enumerate(body_parts):
            if i:
                time.sleep(pause_s)
            sock.sendall(part)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    status, _, body = answer.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 200"), status
    return json.loads(body)


def test_the_ping_counts_every_byte_of_its_request_as_sent(live_server):
    head = (
        b"GET /probe/ping?loaded=3-k2j4h5 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/140\r\nAccept: */*\r\n"
        b"Cache-Control: no-cache\r\nConnection: close\r\n\r\n"
    )
    assert exchange(live_server, head)["received_bytes"] == len(head)


def test_the_upload_says_when_its_body_arrived_and_how_long_its_head_was(live_server):
    first, second = b"\x5a" * 300_000, b"\x5a" * 300_000
    head = (
        b"POST /probe/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/octet-stream\r\n"
        b"Content-Length: 600000\r\nConnection: close\r\n\r\n"
    )
    answer = exchange(live_server, head, (first, second), pause_s=0.4)
    assert answer["bytes"] == 600_000
    assert answer["head_bytes"] == len(head)
    points = answer["received"]
    assert points[0][1] == 0 and points[-1][1] == 600_000
    assert points[-1][0] < 50  # the last read, just before the answer
    # The pause shows: the bytes read before it arrived at least 0.4 s before the last ones.
    before_pause = [ms for ms, n in points if 0 < n <= 300_000]
    assert before_pause and max(before_pause) - points[-1][0] >= 350
    assert all(a[0] >= b[0] and a[1] <= b[1] for a, b in zip(points, points[1:], strict=False))


def test_head_bytes_from_the_environ_of_a_server_without_the_raw_uri():
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/probe/upload",
        "QUERY_STRING": "a=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "example.org",
        "CONTENT_TYPE": "application/octet-stream",
        "CONTENT_LENGTH": "10",
        "wsgi.input": object(),
    }
    sent = (
        "POST /probe/upload?a=1 HTTP/1.1\r\nHost: example.org\r\n"
        "Content-Type: application/octet-stream\r\nContent-Length: 10\r\n\r\n"
    )
    assert head_bytes(environ) == len(sent)


def test_arrivals_keep_the_first_and_last_reads_and_at_most_24_points():
    ticks = iter(range(100))
    arrivals = Arrivals(clock=lambda: next(ticks) / 1000)
    for _ in range(60):
        arrivals.add(1000)
    points = arrivals.before(answered=0.070)
    assert len(points) == 24
    assert points[0] == [70.0, 0] and points[-1] == [10.0, 60_000]
    assert thin([1, 2, 3], 24) == [1, 2, 3]
