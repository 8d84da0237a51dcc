"""The embedded database in a busy hour: page views mostly read, SQLite in WAL mode."""

import pytest
from sqlalchemy import text

from readiness.extensions import db
from readiness.models import Check


def seen_and_updated(app) -> tuple:
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        return check.step, check.last_seen_at, check.updated_at


def test_a_page_viewed_again_within_seconds_writes_nothing(app, client):
    client.post("/en/check/new")
    client.get("/en/check/devices")
    first = seen_and_updated(app)
    assert first[0] == "devices" and first[1] is not None
    client.get("/en/check/devices")
    assert seen_and_updated(app) == first


def test_moving_to_another_step_is_written_at_once(app, client):
    client.post("/en/check/new")
    client.get("/en/check/devices")
    client.get("/en/check/connection")
    assert seen_and_updated(app)[0] == "connection"


def test_sqlite_runs_in_wal_mode_and_waits_for_a_busy_writer(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's settings")
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 10_000
