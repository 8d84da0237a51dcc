import re

from readiness.extensions import db
from readiness.models import StaffUser


def test_staff_create_prints_a_password_that_signs_in(app, runner, client):
    result = runner.invoke(
        args=["staff", "create", "--email", "Agent@Example.org", "--role", "desk"]
    )
    assert result.exit_code == 0, result.output
    password = re.search(r"Password \(shown once\): (\S+)", result.output).group(1)
    assert len(password) >= 20
    with app.app_context():
        user = db.session.scalar(db.select(StaffUser))
    assert user.email == "agent@example.org"
    assert password not in user.password_hash
    response = client.post("/auth/login", data={"email": "agent@example.org", "password": password})
    assert response.headers["Location"] == "/desk/"


def test_staff_create_reads_a_password_from_stdin(runner, client):
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "doc@example.org",
            "--role",
            "clinician",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long enough passphrase" not in result.output
    response = client.post(
        "/auth/login", data={"email": "doc@example.org", "password": "a long enough passphrase"}
    )
    assert response.headers["Location"] == "/clinic/"


def test_staff_create_refuses_bad_input(app, runner):
    bad_email = runner.invoke(args=["staff", "create", "--email", "not-an-email", "--role", "desk"])
    assert bad_email.exit_code != 0
    bad_role = runner.invoke(args=["staff", "create", "--email", "a@example.org", "--role", "boss"])
    assert bad_role.exit_code != 0
    short = runner.invoke(
        args=["staff", "create", "--email", "a@example.org", "--role", "desk", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0 and "at least 12" in short.output
    runner.invoke(args=["staff", "create", "--email", "a@example.org", "--role", "desk"])
    again = runner.invoke(args=["staff", "create", "--email", "A@example.org", "--role", "admin"])
    assert again.exit_code != 0 and "already exists" in again.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(StaffUser)) == 1
