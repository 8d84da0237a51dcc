"""The app under gunicorn inside a namespace, on a fresh SQLite database."""

import os
import secrets
import sqlite3
import subprocess
import time
from contextlib import closing, contextmanager
from pathlib import Path

from .namespace import Background, Namespace, run

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PORT = 8000
RECEIVER_PORT = 8001  # bench/receiver.py, the upload reference's server-side count
READY_SECONDS = 30


def app_environment(database: Path, **settings) -> dict:
    """The environment for the app: this database, rate limits off, settings as given."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("READINESS_")}
    env.update(
        READINESS_DATABASE_URL=f"sqlite:///{database}",
        READINESS_RATELIMIT_ENABLED="false",
        READINESS_SECRET_KEY=secrets.token_urlsafe(48),
    )
    env.update({f"READINESS_{key}": str(value) for key, value in settings.items()})
    return env


def create_database(database: Path):
    """A fresh database with the current schema."""
    run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        timeout=120,
        cwd=ROOT,
        env=app_environment(database),
    )


@contextmanager
def app_server(
    ns: Namespace,
    workdir: Path,
    database: Path,
    *,
    workers: int,
    threads: int,
    host: str = "127.0.0.1",
    port: int = PORT,
    **settings,
):
    """gunicorn serving the app on host:port (8000) inside ns until the block ends."""
    command = ns.command(
        str(BIN / "gunicorn"),
        "--worker-class", "gthread",
        "--workers", str(workers),
        "--threads", str(threads),
        "--bind", f"{host}:{port}",
        "wsgi:app",
    )  # fmt: skip
    log = workdir / f"gunicorn-{time.monotonic_ns()}.log"
    server = Background(command, log=log, cwd=ROOT, env=app_environment(database, **settings))
    try:
        wait_until_ready(ns, server, host, port=port)
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@contextmanager
def upload_receiver(ns: Namespace, workdir: Path, host: str):
    """bench/receiver.py on host:RECEIVER_PORT inside ns until the block ends; its base URL."""
    command = ns.command(str(BIN / "python"), "-m", "bench.receiver", host, str(RECEIVER_PORT))
    log = workdir / f"receiver-{time.monotonic_ns()}.log"
    server = Background(command, log=log, cwd=ROOT)
    try:
        wait_until_ready(ns, server, host, port=RECEIVER_PORT, path="/ping")
        yield f"http://{host}:{RECEIVER_PORT}"
    finally:
        server.stop()


def wait_until_ready(ns: Namespace, server: Background, host: str, *, port: int = PORT,
                     path: str = "/probe/ping"):  # fmt: skip
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if not server.running():
            raise RuntimeError(f"server stopped at start:\n{server.tail()}")
        probe = subprocess.run(
            ns.command("curl", "-sf", "-o", "/dev/null", "--max-time", "2",
                       f"http://{host}:{port}{path}"),
            capture_output=True,
            timeout=10,
        )  # fmt: skip
        if probe.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {READY_SECONDS} s:\n{server.tail()}")


def connection_results_after(database: Path, last_id: int) -> list[dict]:
    """The connection test's stored results with an id above last_id, oldest first."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            "SELECT * FROM connection_result WHERE id > ? ORDER BY id", (last_id,)
        ).fetchall()
    return [dict(row) for row in rows]


def last_connection_result_id(database: Path) -> int:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)) as db:
        (value,) = db.execute("SELECT COALESCE(MAX(id), 0) FROM connection_result").fetchone()
    return value
