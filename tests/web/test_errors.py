def test_not_found_page_is_in_the_visitors_language(client):
    response = client.get("/fr/nulle-part")
    assert response.status_code == 404
    assert "Nous ne trouvons pas cette page" in response.text
    assert '<html lang="fr">' in response.text
    response = client.get("/en/nowhere")
    assert "We cannot find this page" in response.text


def test_not_found_outside_patient_pages_follows_accept_language(client):
    response = client.get("/nowhere", headers={"Accept-Language": "fr-CA"})
    assert response.status_code == 404
    assert "Nous ne trouvons pas cette page" in response.text


def test_wrong_method_gets_a_page_not_a_stack_trace(client):
    response = client.get("/en/check/new")
    assert response.status_code == 405
    assert "This action is not possible here" in response.text
    assert "POST" in response.headers["Allow"]


def test_oversized_request_is_refused_with_413(client):
    response = client.post("/en/code", data={"code": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "What was sent is too large" in response.text


def test_server_error_shows_a_friendly_page_without_details(make_app):
    app = make_app(TESTING=False)

    @app.route("/en/boom")
    def boom():
        raise ValueError("secret internals")

    response = app.test_client().get("/en/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_forbidden_page_is_in_french_for_a_french_speaking_user(desk_client):
    desk_client.get("/auth/language/fr?next=/desk/")
    response = desk_client.get("/clinic/")
    assert response.status_code == 403
    assert "Vous n’avez pas accès à cette page" in response.text


def test_too_many_sign_in_attempts_get_429_in_the_visitors_language(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    data = {"email": "nobody@example.org", "password": "wrong password"}
    statuses = [client.post("/auth/login", data=data).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    client.get("/auth/language/fr?next=/auth/login")
    response = client.post("/auth/login", data=data)
    assert response.status_code == 429
    assert "Trop d’essais en peu de temps" in response.text
