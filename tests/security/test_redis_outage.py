"""Redis down: pages and the probe keep answering, limits fall back to each worker's memory with a
warning in the log, never a 500 (security review 3, F20; issue 23, item 6).

A real redis-server is started by the test and killed halfway, under gunicorn with 2 workers.
.ci/run installs redis-server; elsewhere the test is skipped when it is missing.
"""

import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.conftest import PROJECT_ROOT, free_port, server_environment, wait_until_serving

from .attacker import Browser
from .test_limits import wrong_code

REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
)


@pytest.fixture
def redis_server():
    if REDIS_SERVER is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is needed: .ci/run installs it")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    port = free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield process, client, f"redis://127.0.0.1:{port}/0"
    process.kill()
    process.wait(timeout=10)


@pytest.fixture
def server_with_log(database_url, make_app, tmp_path):
    """gunicorn with 2 workers, its log in a file the test reads."""
    make_app()  # the tables are emptied after the test
    started, files = [], []

    def start(**settings) -> tuple[str, object]:
        port = free_port()
        log = tmp_path / "gunicorn.log"
        log_file = log.open("wb")
        files.append(log_file)
        env = server_environment(
            database_url,
            READINESS_RATELIMIT_ENABLED="true",
            **{f"READINESS_{name}": str(value) for name, value in settings.items()},
        )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--worker-class",
                "gthread",
                "--workers",
                "2",
                "--threads",
                "8",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url + "/en/", process)
        return url, log

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=15)
    for file in files:
        file.close()


def test_with_redis_killed_pages_and_the_probe_answer_and_limits_fall_back(
    redis_server, server_with_log
):
    process, client, redis_url = redis_server
    url, log = server_with_log(RATELIMIT_STORAGE_URI=redis_url, CODE_RATE_LIMIT="10 per minute")
    patient = Browser(url)
    assert patient.get("/probe/ping").status == 200
    assert patient.post("/en/code", {"code": wrong_code("PQRS", 1)}).status == 400
    assert client.keys(), "the limits were not counted in Redis"

    process.kill()
    process.wait(timeout=10)

    for _ in range(6):  # both workers, several times
        assert patient.get("/probe/ping").status == 200
        assert patient.get("/probe/download?bytes=2000").status == 200
        assert patient.request("POST", "/probe/upload", body=b"x" * 5000).status == 200
        assert patient.get("/en/").status == 200
        assert patient.get("/fr/code").status == 200
        assert patient.get("/auth/login").status == 200
    assert patient.post("/en/check/new").status == 302
    assert patient.get("/en/check/connection").status == 200
    # The code limit still holds, counted in each worker's memory: at most 10 per worker.
    attacker = Browser(url)
    statuses = [
        attacker.post("/en/code", {"code": wrong_code("TUVW", n)}).status for n in range(40)
    ]
    assert 500 not in statuses
    assert statuses.count(400) <= 20 and statuses.count(429) >= 20
    staff = Browser(url)
    answer = staff.post("/auth/login", {"email": "nobody@example.org", "password": "wrong"})
    assert answer.status in (200, 400, 429)
    text = log.read_text()
    assert "Rate limit storage unreachable" in text
    assert "Traceback" not in text


def test_gunicorn_warns_when_limits_are_counted_in_memory_by_several_workers(server_with_log):
    url, log = server_with_log(RATELIMIT_STORAGE_URI="memory://")
    assert Browser(url).get("/en/").status == 200
    assert "memory:// with 2 workers: each worker counts apart" in log.read_text()
