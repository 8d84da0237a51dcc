"""What the app logs: one JSON line per request, and no personal data even when a write fails."""

import json
import logging
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from readiness.extensions import db
from tests.web.test_desk import make_check  # noqa: F401  (fixture)

CONTACT = {
    "email": "genevieve.ouellet@example.org",
    "mobile": "514 555-0187",
    "backup": "(613) 555-0163",
    "preferred_language": "fr",
    "preferred_contact": "sms",
}
NOTE = "Caller's daughter Josée will help with the camera"
SEARCHED = "searched.person@example.org"
SECRETS = [
    CONTACT["email"],
    "5145550187",
    "555-0187",
    "6135550163",
    "555-0163",
    NOTE,
    "Josée",
    SEARCHED,
]


@contextmanager
def tables_gone(app, *names):
    """A real database failure: the tables are renamed away, then put back."""
    with app.app_context():
        for name in names:
            db.session.execute(text(f"ALTER TABLE {name} RENAME TO {name}_gone"))
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            for name in names:
                db.session.execute(text(f"ALTER TABLE {name}_gone RENAME TO {name}"))
            db.session.commit()


@pytest.fixture
def everything_logged(caplog, capfd):
    """Everything any logger records (DEBUG and up), and whatever reaches stdout or stderr."""
    caplog.set_level(logging.DEBUG)

    def collected() -> str:
        out, err = capfd.readouterr()
        return caplog.text + out + err

    return collected


def test_a_failed_write_logs_its_request_id_and_class_never_the_values(
    app,
    desk_client,
    make_check,  # noqa: F811
    everything_logged,
):
    public_id = make_check()
    with tables_gone(app, "contact_details", "desk_note"):
        saved = desk_client.post(f"/desk/checks/{public_id}/contact", data=CONTACT)
        noted = desk_client.post(f"/desk/checks/{public_id}/notes", data={"text": NOTE})
        searched = desk_client.get("/desk/", query_string={"q": SEARCHED})
    assert [saved.status_code, noted.status_code, searched.status_code] == [500, 500, 500]

    logged = everything_logged()
    # OperationalError on SQLite, ProgrammingError on PostgreSQL: no such table.
    assert logged.count(" failed: sqlalchemy.exc.") == 3
    for response in (saved, noted, searched):
        assert f"request {response.headers['X-Request-ID']} to desk." in logged
    for value in SECRETS:
        assert value not in logged


def access_lines(caplog) -> list[dict]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "readiness.access"
    ]


def test_each_request_is_one_json_line_with_its_route_template_never_its_path(client, caplog):
    caplog.set_level(logging.INFO, logger="readiness.access")
    # The line is written once the answer is sent in full: when the server closes it.
    response = client.get("/fr/i/secret-invitation-token-123?utm=abc")
    response.close()
    client.get("/probe/ping?code=K7P4QX").close()
    [invitation, ping] = access_lines(caplog)
    assert invitation["route"] == "/<any(en,fr):lang>/i/<token>"
    assert invitation["method"] == "GET"
    assert invitation["status"] == response.status_code
    assert invitation["request_id"] == response.headers["X-Request-ID"]
    assert isinstance(invitation["duration_ms"], float)
    assert ping["route"] == "/probe/ping"
    assert "secret-invitation-token" not in caplog.text
    assert "K7P4QX" not in caplog.text and "utm" not in caplog.text


def test_an_unknown_path_is_logged_without_it(client, caplog):
    caplog.set_level(logging.INFO, logger="readiness.access")
    client.get("/nowhere/K7P4QX").close()
    [line] = access_lines(caplog)
    assert (line["route"], line["status"]) == (None, 404)
    assert "K7P4QX" not in caplog.text


def test_the_database_engine_never_logs_parameters(app):
    with app.app_context():
        assert db.engine.hide_parameters is True
