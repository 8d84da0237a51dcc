"""The probe on hosts of its own: the page measures there, and only our pages may read it."""

import json
import re


def test_the_connection_page_measures_against_the_probe_base_url(make_app):
    client = make_app(PROBE_BASE_URL="https://probe.example.org/").test_client()
    client.post("/en/check/new")
    response = client.get("/en/check/connection")
    settings = json.loads(re.search(r'id="connection-settings">([^<]+)<', response.text).group(1))
    assert settings["downloadUrl"] == "https://probe.example.org/probe/download"
    assert settings["uploadUrl"] == "https://probe.example.org/probe/upload"
    assert settings["pingUrl"] == "https://probe.example.org/probe/ping"
    assert settings["resultUrl"] == "/en/check/connection/result"
    policy = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' https://probe.example.org;" in policy


def test_by_default_everything_stays_on_this_origin(client):
    client.post("/en/check/new")
    response = client.get("/en/check/connection")
    assert "connect-src 'self';" in response.headers["Content-Security-Policy"]
    assert (
        "Access-Control-Allow-Origin"
        not in client.get("/probe/ping", headers={"Origin": "https://evil.example"}).headers
    )


def test_the_probe_lets_our_pages_read_it_and_no_other_origin(make_app):
    client = make_app(PAGES_ORIGIN="https://check.example.org").test_client()
    ours = client.get("/probe/ping", headers={"Origin": "https://check.example.org"})
    assert ours.headers["Access-Control-Allow-Origin"] == "https://check.example.org"
    assert ours.headers["Timing-Allow-Origin"] == "https://check.example.org"
    other = client.get("/probe/ping", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]


def test_the_upload_preflight_from_our_pages_is_allowed(make_app):
    client = make_app(PAGES_ORIGIN="https://check.example.org").test_client()
    response = client.options(
        "/probe/upload",
        headers={
            "Origin": "https://check.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
