"""Fixtures: the app on a real database, a client per role, and a real browser on a real server.

The database is a SQLite file unless READINESS_TEST_DATABASE_URL names another (CI points it at
a PostgreSQL server). The schema comes from the migrations, so they are tested too; every test
starts on empty tables.
"""

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from readiness import create_app
from readiness.extensions import db
from readiness.models import StaffUser
from readiness.passwords import hash_password

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-0123456789"
STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def database_url():
    url = os.environ.get("READINESS_TEST_DATABASE_URL")
    if url:
        yield url
        return
    # A folder of our own rather than pytest's numbered temporary folders: pytest deletes all
    # but the newest three of those, even while another session (another test run on the same
    # machine) still has its database there.
    folder = tempfile.mkdtemp(prefix="readiness-test-db-")
    yield "sqlite:///" + os.path.join(folder, "readiness-test.db")
    shutil.rmtree(folder, ignore_errors=True)


def test_config(database_url, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def schema(database_url):
    """Build the schema once, from an empty database, through the migrations."""
    # Whatever an interrupted run left, whichever data key it used: this database is rebuilt.
    app = create_app(test_config(database_url, DATA_KEY_CHECK=False))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            if inspect(connection).has_table("alembic_version"):
                connection.execute(text("DROP TABLE alembic_version"))
        upgrade()
        db.session.remove()
        db.engine.dispose()


def empty_tables():
    if db.engine.dialect.name == "postgresql":
        # The audit table refuses deletes outside a purge (migration secdata_hardening).
        db.session.execute(text("SET LOCAL readiness.audit_purge = 'on'"))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def make_app(database_url, schema):
    """Build an app with extra configuration; tables are emptied after the test."""
    built = []

    def build(**overrides):
        app = create_app(test_config(database_url, **overrides))
        built.append(app)
        return app

    yield build
    if built:
        with built[0].app_context():
            db.session.rollback()
            empty_tables()
            db.session.remove()
    # Each app has its own engine and pool: close them, or a long run holds a connection (and
    # SQLite's WAL files) open for every app it ever built.
    for app in built:
        with app.app_context():
            db.engine.dispose()
    for app in built:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app, with no context pushed: each request gets its own, as in production."""
    return make_app()


@pytest.fixture
def app_context(app):
    """For tests that read or write the database directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_staff(app):
    """Create a staff account; returns its id, email and role."""

    def make(role: str, email: str | None = None, **fields) -> SimpleNamespace:
        with app.app_context():
            user = StaffUser(
                email=email or f"{role}@example.org",
                role=role,
                password_hash=hash_password(STAFF_PASSWORD),
                **fields,
            )
            db.session.add(user)
            db.session.commit()
            return SimpleNamespace(id=user.id, email=user.email, role=user.role)

    return make


class StaffSignIn:
    """Signs a test client in as a staff member through the real sign-in form."""

    def __init__(self, app, make_staff):
        self.app = app
        self.make_staff = make_staff

    def client_for(self, role: str):
        user = self.make_staff(role, email=f"{role}-{os.urandom(3).hex()}@example.org")
        client = self.app.test_client()
        response = client.post(
            "/auth/login", data={"email": user.email, "password": STAFF_PASSWORD}
        )
        assert response.status_code == 302, response.data
        return client


@pytest.fixture
def sign_in(app, make_staff):
    return StaffSignIn(app, make_staff)


@pytest.fixture
def desk_client(sign_in):
    return sign_in.client_for("desk")


@pytest.fixture
def clinician_client(sign_in):
    return sign_in.client_for("clinician")


@pytest.fixture
def admin_client(sign_in):
    return sign_in.client_for("admin")


# The real server and the real browser.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    # The tests' own HTTPS servers carry a certificate the tests made: no authority signed it.
    context = ssl._create_unverified_context() if url.startswith("https:") else None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer at {url}")


def server_environment(database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env.update(
        READINESS_DATABASE_URL=database_url,
        READINESS_SECRET_KEY=TEST_SECRET,
        READINESS_RATELIMIT_ENABLED="false",
        # On loopback, latency and jitter are the busy machine's scheduling noise (tens of ms
        # when a suite runs beside other work), not a network: browser tests that expect a good
        # link to be ready must not fail on it. The thresholds are tested in test_verdict.py.
        READINESS_READY_LATENCY_MS="1000",
        READINESS_READY_JITTER_MS="1000",
        READINESS_BUSY_NETWORK_LIMITED_MS="2000",
        READINESS_BUSY_NETWORK_NOT_READY_MS="4000",
        # The media path adds seconds to every connection test; its own tests turn it on
        # (tests/browser/test_media_path.py).
        READINESS_MEDIA_CHECK_ENABLED="false",
        # The service's own messages are set up, so the pages that offer them show it; nothing
        # listens there and no deliverer runs beside the browser tests (tests/web/test_notify.py
        # sends to real receivers).
        READINESS_SMTP_URL="smtp://127.0.0.1:9",
        READINESS_MAIL_FROM="rendez-vous@example.org",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def start_gunicorn(
    database_url: str,
    port: int,
    host: str = "127.0.0.1",
    tls: tuple[Path, Path] | None = None,
    **extra_env: str,
) -> subprocess.Popen:
    certificate = ["--certfile", str(tls[0]), "--keyfile", str(tls[1])] if tls else []
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            "8",
            "--bind",
            f"{host}:{port}",
            *certificate,
            "wsgi:app",
        ],
        cwd=PROJECT_ROOT,
        env=server_environment(database_url, **extra_env),
    )


@pytest.fixture(scope="session")
def live_server(database_url, schema):
    """The app under gunicorn (threaded workers) on a free loopback port."""
    port = free_port()
    process = start_gunicorn(database_url, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url + "/en/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def https_live_server(database_url, schema, tmp_path_factory):
    """The same app under gunicorn over HTTPS (as `make run-lan` serves it), with a certificate
    the tests made: Flask-WTF checks the origin of secure requests more strictly."""
    from tests.support.certificate import make_certificate

    tls = make_certificate(tmp_path_factory.mktemp("tls"))
    port = free_port()
    process = start_gunicorn(database_url, port, tls=tls)
    url = f"https://127.0.0.1:{port}"
    try:
        wait_until_serving(url + "/en/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


CHROMIUM_ARGS = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's chromium is needed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_browser_page(chromium, live_server, make_app):
    """Open pages in fresh browser contexts (one per person in the test)."""
    make_app()  # so the tables are emptied after the test
    contexts = []

    def open_page(locale: str = "en-CA", **options):
        context = chromium.new_context(
            base_url=options.pop("base_url", live_server),
            locale=locale,
            permissions=options.pop("permissions", ["camera", "microphone"]),
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(new_browser_page):
    """One Chromium page (fake camera and microphone) on the app served by gunicorn."""
    return new_browser_page()
