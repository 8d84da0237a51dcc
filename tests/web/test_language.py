import pytest


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("fr", "/fr/"),
        ("fr-CA,fr;q=0.9,en;q=0.5", "/fr/"),
        ("fr-FR", "/fr/"),
        ("en-CA", "/en/"),
        ("de-DE,de;q=0.9", "/en/"),
        (None, "/en/"),
    ],
)
def test_root_redirects_to_the_language_the_browser_prefers(client, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_each_patient_page_declares_its_language(client):
    assert '<html lang="en">' in client.get("/en/").text
    assert '<html lang="fr">' in client.get("/fr/").text


def test_language_toggle_leads_to_the_same_page_keeping_the_query_string(client):
    page = client.get("/en/code?from=sms").text
    assert 'href="/fr/code?from=sms"' in page
    page = client.get("/fr/code").text
    assert 'href="/en/code"' in page


def test_unknown_language_prefix_is_not_found(client):
    assert client.get("/de/").status_code == 404


def test_start_page_in_french_reads_in_french_with_french_number_format(make_app):
    app = make_app(GUIDANCE_DOWNLOAD_MBPS=12.5)
    page = app.test_client().get("/fr/").text
    assert "Préparez-vous à votre consultation vidéo" in page
    assert "12,5\u00a0Mbit/s" in page
    assert "Commencer la vérification" in page


def test_staff_pages_follow_the_language_chosen_with_the_toggle(client):
    assert "Staff sign-in" in client.get("/auth/login").text
    response = client.get("/auth/language/fr?next=/auth/login")
    assert response.headers["Location"] == "/auth/login"
    assert "Ouverture de session du personnel" in client.get("/auth/login").text


def test_language_toggle_never_redirects_off_site(client):
    response = client.get("/auth/language/fr?next=https://evil.example/")
    assert response.headers["Location"] == "/auth/login"
    response = client.get("/auth/language/fr?next=//evil.example/")
    assert response.headers["Location"] == "/auth/login"


def test_support_desk_number_and_hours_are_on_every_patient_page(make_app):
    app = make_app(SUPPORT_PHONE="1-877-555-0142", SUPPORT_HOURS_FR="Tous les jours, de 7 h à 22 h")
    client = app.test_client()
    for path in ("/en/", "/en/code", "/fr/", "/fr/code"):
        page = client.get(path).text
        assert "1-877-555-0142" in page
    assert "Tous les jours, de 7 h à 22 h" in client.get("/fr/code").text
