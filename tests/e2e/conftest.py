"""The end-to-end suite as deployed: `make e2e` (and .ci/run) sets READINESS_E2E=1 and names a
PostgreSQL database (READINESS_TEST_DATABASE_URL) and a Redis (READINESS_TEST_REDIS_URL);
without them these tests skip, so `make test` stays as it is.

One stack for the whole suite: nginx from deploy/ over HTTPS in front of two gunicorn app
servers (2 workers each), PostgreSQL, Redis for the rate limits, the deliverer and a webhook
receiver over HTTPS.
"""

import os
import secrets
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from readiness import create_app
from readiness.data_keys import new_key
from readiness.extensions import db
from tests.conftest import TEST_SECRET, empty_tables, free_port
from tests.conftest import test_config as app_config
from tests.security.attacker import Browser, NoRedirect

from . import stack

E2E = os.environ.get("READINESS_E2E") == "1"
REDIS_URL = os.environ.get("READINESS_TEST_REDIS_URL", "")
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if E2E:
        return
    skip = pytest.mark.skip(reason="make e2e runs these (nginx, PostgreSQL, Redis)")
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(skip)


class SecureBrowser(Browser):
    """A browser without JavaScript over HTTPS, trusting the run's own certificate. It sends
    Origin with its forms, as every browser does."""

    def __init__(self, base_url: str):
        super().__init__(base_url)
        import http.cookiejar

        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=stack.insecure_context()),
            urllib.request.HTTPCookieProcessor(self.cookies),
            NoRedirect(),
        )

    def request(self, method, path, data=None, headers=None, body=None):
        headers = dict(headers or {})
        if method == "POST":
            headers.setdefault("Origin", self.base_url)
        return super().request(method, path, data=data, headers=headers, body=body)


@pytest.fixture(scope="session")
def deployed(database_url, schema, tmp_path_factory):
    if not database_url.startswith("postgresql"):
        pytest.fail("make e2e needs READINESS_TEST_DATABASE_URL naming a PostgreSQL database")
    if not REDIS_URL:
        pytest.fail("make e2e needs READINESS_TEST_REDIS_URL naming a Redis database")
    if not stack.have_nginx():
        pytest.fail("make e2e needs nginx (apt-get install nginx-light)")
    folder = tmp_path_factory.mktemp("deployed")
    cert, key = stack.make_certificate(folder)
    https, http, receiver_port = free_port(), free_port(), free_port()
    app_ports = (free_port(), free_port())
    receiver = stack.TLSReceiver(receiver_port, cert, key).start()
    webhook_secret = secrets.token_urlsafe(48)
    settings = {
        "ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "DATA_KEYS": new_key(),
        "PROXY_COUNT": "1",
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "LOGIN_RATE_LIMIT": "10 per minute",
        "SCHEDULING_WEBHOOK_URL": receiver.url,
        "SCHEDULING_WEBHOOK_SECRET": webhook_secret,
        "HANDOFF_LOOP_INTERVAL_SECONDS": "1",
        "HANDOFF_RETRY_BASE_SECONDS": "1",
        "PROBE_ACCEL_REDIRECT": "/_probe_bytes/",
    }
    # The test's own view of the same database, with the same data key.
    app = create_app(app_config(database_url, DATA_KEYS=settings["DATA_KEYS"]))
    servers = {
        port: stack.start_app_server(database_url, port, settings, folder) for port in app_ports
    }
    site = stack.site_for_run(
        folder, https, http, cert, key, app_ports, probe_bytes=stack.probe_bytes_folder()
    )
    main = stack.nginx_config(folder, site)
    checked = stack.nginx_test(main, folder)
    assert checked.returncode == 0, checked.stderr
    nginx = stack.start_nginx(main, folder)
    deliverer = None
    try:
        for port, process in servers.items():
            stack.wait_for(f"http://127.0.0.1:{port}/readyz", process, seconds=60)
        base = f"https://127.0.0.1:{https}"
        stack.wait_for(base + "/healthz", nginx)
        deliverer = stack.start_deliverer(database_url, settings, cert)
        yield SimpleNamespace(
            app=app,
            base=base,
            http_port=http,
            servers=servers,
            settings=settings,
            receiver=receiver,
            webhook_secret=webhook_secret,
            folder=folder,
            database_url=database_url,
            cert=cert,
        )
    finally:
        stack.stop(deliverer)
        stack.stop(nginx)
        stack.remove_probe_bytes()
        for process in servers.values():
            stack.stop(process)
        receiver.stop()
        with app.app_context():
            empty_tables()
            db.session.remove()
            db.engine.dispose()
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def secure_browser(deployed):
    return lambda: SecureBrowser(deployed.base)


@pytest.fixture
def deployed_page(chromium, deployed):
    """Chromium pages on the deployment, over HTTPS with the run's certificate."""
    contexts = []

    def open_page(locale: str = "en-CA"):
        context = chromium.new_context(
            base_url=deployed.base,
            locale=locale,
            ignore_https_errors=True,
            permissions=["camera", "microphone"],
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
