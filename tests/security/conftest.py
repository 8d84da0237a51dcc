"""The attacks run over HTTP against gunicorn with 2 workers, with the limits on (the defaults
of `make run`: counters in the app's database), and once more against a real Redis when
READINESS_TEST_REDIS_URL names one (.ci/run starts redis-server for it)."""

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT, free_port, server_environment, wait_until_serving

from .attacker import Browser

REDIS_URL = os.environ.get("READINESS_TEST_REDIS_URL")
STORAGES = ["database"] + (["redis"] if REDIS_URL else [])


def start_two_workers(
    database_url: str, port: int, threads: int = 8, **extra_env: str
) -> subprocess.Popen:
    env = server_environment(database_url, READINESS_RATELIMIT_ENABLED="true", **extra_env)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            "2",
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=PROJECT_ROOT,
        env=env,
    )


@pytest.fixture
def serve(database_url, make_app):
    """Start the app under gunicorn (2 workers) with extra READINESS_* settings; stopped after
    the test. Returns the base URL."""
    app = make_app()  # so the tables (rate limit counters included) are emptied after the test
    processes = []

    def start(threads: int = 8, **settings) -> str:
        port = free_port()
        env = {f"READINESS_{name}": str(value) for name, value in settings.items()}
        process = start_two_workers(database_url, port, threads, **env)
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url + "/en/", process)
        return url

    start.app = app
    start.processes = processes
    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=15)
    if REDIS_URL:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture(params=STORAGES)
def limited_server(request, serve):
    """The app with its limits on, counted in the database (make run) or in Redis."""
    settings = {}
    if request.param == "redis":
        settings["RATELIMIT_STORAGE_URI"] = REDIS_URL

    def start(**more) -> str:
        return serve(**settings, **more)

    start.app = serve.app
    return start


@pytest.fixture
def browser_for():
    return Browser
