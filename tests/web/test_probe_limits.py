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
