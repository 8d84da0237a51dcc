"""The measurement endpoints: exact, incompressible, uncached, sessionless, bounded."""

import zlib

import pytest


def test_ping_answers_at_once_without_cache_or_cookie(client):
    response = client.get("/probe/ping")
    assert response.status_code == 200
    assert isinstance(response.json["server_time"], float)
    assert response.headers["Cache-Control"] == "no-store, no-transform"
    assert "Set-Cookie" not in response.headers


def test_download_streams_exactly_the_bytes_asked_for(client):
    response = client.get("/probe/download?bytes=300001")
    assert response.status_code == 200
    assert len(response.data) == 300001
    assert response.headers["Content-Length"] == "300001"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert "no-store" in response.headers["Cache-Control"]
    assert "no-transform" in response.headers["Cache-Control"]
    assert "Content-Encoding" not in response.headers


def test_downloaded_bytes_are_random_and_incompressible(client):
    body = client.get("/probe/download?bytes=2000000").data
    assert len(zlib.compress(body, 9)) > 0.99 * len(body)
    answers = {client.get("/probe/download?bytes=65536").data for _ in range(4)}
    assert len(answers) > 1, "every answer started at the same place"


@pytest.mark.parametrize("size", ["", "abc", "-1", "1.5"])
def test_download_refuses_a_size_that_is_not_a_byte_count(client, size):
    response = client.get(f"/probe/download?bytes={size}")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_size"


def test_download_refuses_an_oversized_request_instead_of_truncating(client):
    response = client.get(f"/probe/download?bytes={32 * 1024 * 1024 + 1}")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_upload_counts_a_body_larger_than_any_form_and_times_itself(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    body = b"\x5a" * (3 * 1024 * 1024 + 7)
    response = client.post(
        "/probe/upload", data=body, headers={"Content-Type": "application/octet-stream"}
    )
    assert response.status_code == 200
    assert response.json["bytes"] == len(body)
    assert response.headers["Server-Timing"].startswith("app;dur=")
    assert "Set-Cookie" not in response.headers


def test_upload_refuses_more_than_its_limit_with_a_json_reason(make_app):
    client = make_app(PROBE_MAX_UPLOAD_BYTES=1000).test_client()
    response = client.post("/probe/upload", data=b"x" * 1001)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_the_probe_is_rate_limited_per_client(make_app):
    client = make_app(RATELIMIT_ENABLED=True, PROBE_RATE_LIMIT="5 per minute").test_client()
    statuses = [client.get("/probe/ping").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert client.get("/probe/ping").json["error"]["code"] == "rate_limited"


def test_speedtest_mini_page_names_its_upload_extension(client):
    assert 'upload_extension: "php"' in client.get("/probe/mini/").text


def test_speedtest_mini_latency_file(client):
    assert client.get("/probe/mini/speedtest/latency.txt").text == "test=test"


def test_speedtest_mini_images_are_random_bytes_of_the_usual_size(client):
    response = client.get("/probe/mini/speedtest/random350x350.jpg")
    assert len(response.data) == 350 * 350 * 2
    assert "no-store" in response.headers["Cache-Control"]


def test_speedtest_mini_upload_answers_the_size_received(client):
    response = client.post("/probe/mini/speedtest/upload.php", data={"content1": "x" * 5000})
    assert response.text == f"size={len('content1=') + 5000}"


def test_behind_a_load_balancer_each_patient_has_their_own_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PROBE_RATE_LIMIT="2 per minute", PROXY_COUNT=1)
    client = app.test_client()

    def ping(address):
        return client.get("/probe/ping", headers={"X-Forwarded-For": address}).status_code

    assert [ping("203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert ping("203.0.113.77") == 200


def test_behind_nginx_the_browser_s_download_is_handed_to_nginx_after_the_checks(make_app):
    limit = 32 * 1024 * 1024
    client = make_app(PROBE_ACCEL_REDIRECT="/_probe_bytes/").test_client()
    response = client.get(f"/probe/download?bytes={limit}")
    assert response.status_code == 200
    assert response.headers["X-Accel-Redirect"] == f"/_probe_bytes/random-{limit}.bin"
    assert response.headers["Cache-Control"] == "no-store, no-transform"
    assert response.data == b""
    # Any other size is still the app's; a size over the limit is still refused.
    assert len(client.get("/probe/download?bytes=1000").data) == 1000
    assert "X-Accel-Redirect" not in client.get("/probe/download?bytes=1000").headers
    assert client.get(f"/probe/download?bytes={limit + 1}").status_code == 413
    # Without the setting, the app sends every size itself.
    plain = make_app().test_client().get(f"/probe/download?bytes={limit}", buffered=False)
    assert "X-Accel-Redirect" not in plain.headers
    plain.close()
