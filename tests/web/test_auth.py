import time

import pytest

from readiness.extensions import db
from readiness.models import AuditEvent
from tests.conftest import STAFF_PASSWORD


@pytest.mark.parametrize(
    "role, landing", [("desk", "/desk/"), ("clinician", "/clinic/"), ("admin", "/desk/")]
)
def test_staff_sign_in_lands_on_their_workspace(client, make_staff, role, landing):
    make_staff(role)
    response = client.post(
        "/auth/login", data={"email": f"{role.upper()}@example.org", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert client.get(landing).status_code == 200


def test_admin_can_reach_both_workspaces(admin_client):
    assert admin_client.get("/desk/").status_code == 200
    assert admin_client.get("/clinic/").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_staff):
    make_staff("desk")
    wrong_password = client.post(
        "/auth/login", data={"email": "desk@example.org", "password": "not the password"}
    )
    unknown_email = client.post(
        "/auth/login", data={"email": "nobody@example.org", "password": "not the password"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 400
    message = "The email or the password is not right."
    assert message in wrong_password.text and message in unknown_email.text
    assert "desk@example.org" in wrong_password.text  # the typed email is kept
    assert client.get("/desk/").status_code == 302


def test_empty_sign_in_form_names_each_missing_field(client):
    response = client.post("/auth/login", data={})
    assert response.status_code == 400
    assert 'href="#email"' in response.text and 'href="#password"' in response.text
    assert "Enter your email address." in response.text


def test_deactivated_staff_cannot_sign_in(client, make_staff):
    make_staff("desk", active=False)
    response = client.post(
        "/auth/login", data={"email": "desk@example.org", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 400


def test_sign_in_returns_to_the_page_asked_for(client, make_staff):
    make_staff("clinician")
    assert client.get("/clinic/").headers["Location"] == "/auth/login?next=%2Fclinic%2F"
    response = client.post(
        "/auth/login?next=/clinic/",
        data={"email": "clinician@example.org", "password": STAFF_PASSWORD},
    )
    assert response.headers["Location"] == "/clinic/"


def test_sign_in_never_redirects_to_another_site(client, make_staff):
    make_staff("desk")
    response = client.post(
        "/auth/login?next=https://evil.example/",
        data={"email": "desk@example.org", "password": STAFF_PASSWORD},
    )
    assert response.headers["Location"] == "/desk/"


def test_sign_out_ends_the_session(desk_client):
    assert desk_client.get("/auth/logout").status_code == 405
    response = desk_client.post("/auth/logout")
    assert response.headers["Location"] == "/auth/login"
    assert desk_client.get("/desk/").status_code == 302


def test_idle_staff_session_ends_after_the_configured_minutes(desk_client):
    assert desk_client.get("/desk/").status_code == 200
    with desk_client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 31 * 60
    response = desk_client.get("/desk/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert desk_client.get("/desk/").status_code == 302


def test_sign_in_is_audited_without_the_password(app, client, make_staff):
    user = make_staff("desk")
    client.post("/auth/login", data={"email": "desk@example.org", "password": STAFF_PASSWORD})
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent)).all()
    assert [(event.action, event.staff_id) for event in events] == [("staff.sign_in", user.id)]
    assert STAFF_PASSWORD not in str(events[0].details)
