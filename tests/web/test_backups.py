"""Backups: pg_dump of the database, restored into an empty one, read back with the data key
(kept apart from the dump). PostgreSQL only (CI's second run, or READINESS_TEST_DATABASE_URL)."""

import shutil
import subprocess
import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url

from readiness import create_app
from readiness.data_keys import UndecryptableValue, new_key
from readiness.extensions import db
from readiness.models import Check, ContactDetails
from tests.conftest import test_config as app_config
from tests.support.journey import CONTACT, invite, run_journey


def libpq_url(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def postgres(database_url):
    if not database_url.startswith("postgresql") or not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL and pg_dump/pg_restore only")
    return make_url(database_url)


@pytest.fixture
def empty_database(postgres):
    """A database of our own, created empty and dropped after the test."""
    name = f"{postgres.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = libpq_url(postgres.set(database="postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield postgres.set(database=name)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_dump_restored_into_an_empty_database_reads_back_with_the_data_key(
    app, client, postgres, empty_database, tmp_path
):
    token = invite(app, first_name="Amélie")
    public_id = run_journey(app, client, token, lang="fr")
    data_key = app.config["DATA_KEYS"]

    dump = tmp_path / "readiness.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--compress=0", "--no-owner", "--file", str(dump),
         libpq_url(postgres)],
        check=True,
    )  # fmt: skip
    # Encrypted at rest: the dump holds no contact detail in clear.
    raw = dump.read_bytes()
    assert CONTACT["email"].encode() not in raw and b"5145550123" not in raw

    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", libpq_url(empty_database),
         str(dump)],
        check=True,
    )  # fmt: skip
    url = empty_database.render_as_string(hide_password=False)
    restored = create_app(app_config(url, DATA_KEYS=data_key))
    try:
        with restored.app_context():
            check = db.session.scalar(db.select(Check).where(Check.public_id == public_id))
            contact = db.session.scalars(
                db.select(ContactDetails).where(ContactDetails.check_id == check.id)
            ).one()
            assert contact.email == CONTACT["email"]
            assert contact.mobile_e164 == "+15145550123"
            assert check.verdict is not None
            db.session.remove()
        assert restored.test_client().get("/readyz").get_json()["checks"]["migrations"] == "ok"

        # Without the data key the restored database cannot be read (or the app refuses to
        # start with a key that does not open it).
        with pytest.raises((UndecryptableValue, RuntimeError)):
            stranger = create_app(app_config(url, DATA_KEYS=new_key()))
            with stranger.app_context():
                try:
                    db.session.scalars(db.select(ContactDetails)).one().email  # noqa: B018
                finally:
                    db.session.remove()
                    db.engine.dispose()
    finally:
        with restored.app_context():
            db.engine.dispose()
