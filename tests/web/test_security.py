import re

from readiness.data_keys import new_key


def test_every_page_carries_the_security_headers(client):
    response = client.get("/en/")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert re.search(r"script-src 'self' 'nonce-[\w-]{16,}'", csp)
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=(self)" in headers["Permissions-Policy"]
    assert "microphone=(self)" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers


def test_csp_nonce_is_new_on_every_request(client):
    first = client.get("/en/").headers["Content-Security-Policy"]
    second = client.get("/en/").headers["Content-Security-Policy"]
    assert first != second


def test_hsts_is_sent_over_https(client):
    response = client.get("/en/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_staff_pages_are_never_cached(desk_client, client):
    assert desk_client.get("/desk/").headers["Cache-Control"] == "no-store"
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site(client):
    client.post("/en/check/new")
    cookie = client.get_cookie("readiness_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_forms_are_refused_without_their_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/fr/check/new", headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert "Cette page est restée ouverte trop longtemps" in response.text
    assert 'lang="fr"' in response.text


def test_forms_carry_a_csrf_token_that_is_accepted(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/en/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/en/check/new", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/check/connection"


def start_with(make_app, base_url: str, **headers):
    """The start form as a browser sends it: the page's token, then the POST with `headers`."""
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/en/", base_url=base_url).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(
        "/en/check/new", data={"csrf_token": token}, base_url=base_url, headers=headers
    )


def test_a_form_over_https_works_with_the_origin_a_browser_sends(make_app):
    # F3: over HTTPS, every form used to be refused for want of a Referer.
    for headers in ({"Origin": "https://localhost"}, {}, {"Origin": "null"}):
        response = start_with(make_app, "https://localhost", **headers)
        assert response.status_code == 302, headers
        assert response.headers["Location"] == "/en/check/connection"


def test_a_form_sent_from_another_site_is_refused_even_with_a_token(make_app):
    for base_url, headers in [
        ("https://localhost", {"Origin": "https://attacker.example"}),
        ("https://localhost", {"Origin": "http://localhost"}),  # downgraded scheme
        ("http://localhost", {"Origin": "http://localhost:8001"}),  # another port
        ("http://localhost", {"Referer": "http://attacker.example/en/"}),
    ]:
        response = start_with(make_app, base_url, **headers)
        assert response.status_code == 400, (base_url, headers)


def test_the_referer_names_the_origin_when_the_browser_sends_no_origin(make_app):
    response = start_with(make_app, "https://localhost:8443", Referer="https://localhost:8443/en/")
    assert response.status_code == 302


def test_production_sets_secure_cookie_on_a_real_response(make_app):
    app = make_app(
        ENV="production",
        SECRET_KEY="Xq7-made-up-but-random-looking-secret-for-tests-Zk3v9Rb2",
        DATA_KEYS=new_key(),
    )
    client = app.test_client()
    response = client.post("/en/check/new", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
