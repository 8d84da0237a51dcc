from readiness.extensions import db
from readiness.models import Check


def test_start_page_says_what_the_check_does_and_what_a_visit_needs(client):
    page = client.get("/en/").text
    assert "It takes about 3 minutes." in page
    assert "at least 10 Mbps" in page
    assert "camera, a microphone and speakers" in page
    assert "headset" in page and "private place" in page
    assert 'data-testid="start-check"' in page
    assert 'name="code"' in page


def test_start_button_creates_a_check_in_the_page_language(app, client):
    response = client.post("/fr/check/new")
    assert response.headers["Location"] == "/fr/check/connection"
    with app.app_context():
        check = db.session.scalar(db.select(Check))
    assert check.language == "fr"
    page = client.get("/fr/check").text
    assert f"{check.reference_code[:3]}-{check.reference_code[3:]}" in page


def test_check_page_without_a_check_goes_back_to_the_start(client):
    assert client.get("/en/check").headers["Location"] == "/en/"


def test_code_from_the_desk_joins_that_check_forgivingly(client, app, make_staff):
    agent = make_staff("desk")
    with app.app_context():
        db.session.add(
            Check(reference_code="K7PM4QX9", language="en", started_by_staff_id=agent.id)
        )
        db.session.commit()
    response = client.post("/en/code", data={"code": " k7pm 4qx9 "})
    assert response.headers["Location"] == "/en/check"
    assert "K7PM-4QX9" in client.get("/en/check").text


def test_a_checks_reference_code_does_not_open_it(client, app):
    with app.app_context():
        db.session.add(Check(reference_code="K7P4QX", language="en"))
        db.session.commit()
    response = client.post("/en/code", data={"code": "K7P-4QX"})
    assert response.status_code == 400
    assert client.get("/en/check").headers["Location"] == "/en/"


def test_wrong_code_says_so_and_keeps_what_was_typed(client):
    response = client.post("/fr/code", data={"code": "ABCD-2345"})
    assert response.status_code == 400
    assert "Ce code ne fonctionne pas." in response.text
    assert 'value="ABCD-2345"' in response.text
    assert 'href="#code"' in response.text


def test_malformed_or_empty_code_gets_its_own_message(client):
    response = client.post("/en/code", data={"code": "12"})
    assert "A code has 8 letters and numbers" in response.text
    response = client.post("/en/code", data={"code": ""})
    assert "Enter the code the support desk gave you." in response.text


def test_code_guessing_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [client.post("/en/code", data={"code": "ABC234"}).status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
