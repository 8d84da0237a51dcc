"""Oversized request lines and headers, sent to gunicorn: our own page, in the page's language."""

import http.client
from contextlib import closing
from urllib.parse import urlsplit


def get(live_server, target: str, headers=None) -> tuple[int, str, str]:
    parts = urlsplit(live_server)
    with closing(http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)) as connection:
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read().decode()


def test_a_too_long_address_gets_our_french_page(live_server):
    status, content_type, page = get(live_server, "/fr/code?x=" + "a" * 6000)
    assert status == 414
    assert content_type.startswith("text/html")
    assert '<html lang="fr"' in page
    assert "Cette adresse est trop longue" in page


def test_too_long_headers_get_our_english_page(live_server):
    cookies = "; ".join(f"c{i}={'v' * 3000}" for i in range(4))
    status, _, page = get(live_server, "/en/", headers={"Cookie": cookies})
    assert status == 431
    assert '<html lang="en"' in page
    assert "clear this site" in page.lower()


def test_a_too_long_probe_address_is_answered_in_json(live_server):
    status, content_type, page = get(live_server, "/probe/ping?" + "a" * 6000)
    assert status == 414
    assert content_type == "application/json"
    assert '"uri_too_long"' in page


def test_an_address_under_the_limit_is_served(live_server):
    status, _, _ = get(live_server, "/en/?x=" + "a" * 3000)
    assert status == 200
