"""The probe's transfer limits, under gunicorn: exactly the limit is allowed both ways."""

import http.client
import json
from contextlib import closing
from urllib.parse import urlsplit

LIMIT = 32 * 1024 * 1024  # READINESS_PROBE_MAX_*_BYTES' default


def connect(live_server) -> http.client.HTTPConnection:
    parts = urlsplit(live_server)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)


def test_an_upload_of_exactly_the_limit_is_counted_not_refused(live_server):
    with closing(connect(live_server)) as connection:
        connection.request(
            "POST",
            "/probe/upload",
            body=b"\x5a" * LIMIT,
            headers={"Content-Type": "application/octet-stream"},
        )
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["bytes"] == LIMIT


def test_an_upload_announcing_one_byte_over_the_limit_is_refused_before_it_is_sent(live_server):
    with closing(connect(live_server)) as connection:
        connection.putrequest("POST", "/probe/upload")
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(LIMIT + 1))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["error"]["code"] == "too_large"


def test_a_download_of_exactly_the_limit_is_served(live_server):
    with closing(connect(live_server)) as connection:
        connection.request("GET", f"/probe/download?bytes={LIMIT}")
        response = connection.getresponse()
        assert response.status == 200
        assert len(response.read()) == LIMIT


def chunks_of(size: int, chunk: int = 1 << 20):
    """size bytes in pieces, as a pipe gives them: sent with Transfer-Encoding: chunked."""
    left = size
    while left > 0:
        yield b"\x5a" * min(chunk, left)
        left -= chunk


def post_chunked(live_server, size: int) -> tuple[int, dict]:
    """POST size bytes to /probe/upload without a Content-Length, as `curl -T -` does."""
    with closing(connect(live_server)) as connection:
        connection.request(
            "POST",
            "/probe/upload",
            body=chunks_of(size),
            headers={"Content-Type": "application/octet-stream"},
            encode_chunked=True,
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())


def test_a_chunked_upload_of_exactly_the_limit_is_counted_not_refused(live_server):
    status, answer = post_chunked(live_server, LIMIT)
    assert status == 200
    assert answer["bytes"] == LIMIT


def test_a_chunked_upload_one_byte_over_the_limit_is_refused(live_server):
    status, answer = post_chunked(live_server, LIMIT + 1)
    assert status == 413
    assert answer["error"]["code"] == "too_large"


def test_a_chunked_upload_under_the_limit_is_counted(live_server):
    status, answer = post_chunked(live_server, 3 * 1024 * 1024 + 7)
    assert status == 200
    assert answer["bytes"] == 3 * 1024 * 1024 + 7
