"""make load: N patients at once through the whole check, against gunicorn on loopback.

    .venv/bin/python -m load [--users 50] [--max-seconds 240] [--database-url URL] [--servers N]

Starts gunicorn with make run's defaults (gthread, 2 workers x 64 threads, gunicorn.conf.py) on
a fresh SQLite database (or the PostgreSQL database given, whose tables it fills), runs Locust
headless with every patient at once, each through the check once, and prints errors and
percentiles per page, then one PASS or FAIL line: every journey done and no error. Bounded in
users (at most 300), time (--max-seconds) and requests (one journey per user). Rate limits are
off, and each simulated patient has an address of its own (X-Forwarded-For behind a pretend
proxy), so that probe transfers are counted per patient as on the internet.

--servers N (2 or more): N app servers behind nginx from deploy/ (over HTTPS and HTTP/2, its
per-address limits on), as deployed; each patient connects from a loopback address of its own.
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import gevent
from locust.env import Environment

from bench.starvation import stop

from .journey import Patient

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MAX_USERS = 300
# One per run, the same on every app server (a session signed by one is read by the others).
RUN_SECRET = secrets.token_urlsafe(48)


def arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m load", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--max-seconds", type=float, default=240)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--servers", type=int, default=1)
    found = parser.parse_args(argv)
    if not 1 <= found.users <= MAX_USERS:
        parser.error(f"--users must be from 1 to {MAX_USERS}")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env.update(
        READINESS_DATABASE_URL=database_url,
        READINESS_SECRET_KEY=RUN_SECRET,
        READINESS_RATELIMIT_ENABLED="false",
        # Each simulated patient sends X-Forwarded-For with an address of its own.
        READINESS_PROXY_COUNT="1",
    )
    return env


def start_server(args, database_url: str, port: int, log) -> subprocess.Popen:
    env = environment(database_url)
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--worker-class", "gthread", "--workers", str(args.workers),
         "--threads", str(args.threads), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/probe/ping", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError("gunicorn did not answer within 30 s")


class Proxy:
    """nginx from deploy/nginx/readiness.conf in front of the app servers, for the run."""

    def __init__(self, folder: Path, app_ports: list[int]):
        import urllib3

        from tests.e2e import stack

        urllib3.disable_warnings()  # the run's own certificate, not verified
        folder.mkdir(parents=True, exist_ok=True)
        self.stack = stack
        self.port = free_port()
        cert, key = stack.make_certificate(folder)
        site = stack.site_for_run(folder, self.port, free_port(), cert, key, app_ports[:2])
        # More than two app servers: the site's upstream takes the others too.
        extra = "".join(
            f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in app_ports[2:]
        )
        site = site.replace("    keepalive 16;", extra + "    keepalive 16;", 1)
        self.main = stack.nginx_config(folder, site)
        self.folder = folder
        self.process = None

    def start(self) -> str:
        self.process = self.stack.start_nginx(self.main, self.folder)
        url = f"https://127.0.0.1:{self.port}"
        self.stack.wait_for(url + "/healthz", self.process)
        return url

    def stop(self) -> None:
        self.stack.stop(self.process)


def run_patients(host: str, users: int, max_seconds: float) -> tuple[Environment, float]:
    env = Environment(user_classes=[Patient], host=host)
    env.journeys_done = 0
    env.busy_waits = 0
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=users)
    gevent.sleep(1)
    while runner.user_count > 0 and time.monotonic() - started < max_seconds:
        gevent.sleep(0.5)
    elapsed = time.monotonic() - started
    runner.quit()
    return env, elapsed


def report(env: Environment, users: int, elapsed: float, header: str) -> bool:
    rows = sorted(env.stats.entries.values(), key=lambda entry: (entry.method, entry.name))
    lines = [header, ""]
    lines.append(
        f"{'request':44} {'count':>6} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    for entry in rows:
        lines.append(
            f"{entry.method + ' ' + entry.name:44} {entry.num_requests:6d} "
            f"{entry.num_failures:6d} {entry.get_response_time_percentile(0.5):6.0f} "
            f"{entry.get_response_time_percentile(0.99):6.0f} {entry.max_response_time:6.0f}"
        )
    total = env.stats.total
    for error in env.stats.errors.values():
        lines.append(f"error: {error.method} {error.name}: {error.error} (x{error.occurrences})")
    done = env.journeys_done
    passed = total.num_failures == 0 and done == users
    lines.append("")
    lines.append(
        f"{'PASS' if passed else 'FAIL'}: {done}/{users} journeys done in {elapsed:.0f} s, "
        f"{total.num_requests} requests, {total.num_failures} errors, {env.busy_waits} probe "
        "transfers asked again after a 503 (target: every journey done, 0 errors)"
    )
    print("\n".join(lines))
    return passed


def main(argv) -> int:
    args = arguments(argv)
    ports = [free_port() for _ in range(max(1, args.servers))]
    host = f"http://127.0.0.1:{ports[0]}"  # loopback only
    with tempfile.TemporaryDirectory(prefix="readiness-load-") as workdir:
        database_url = args.database_url or f"sqlite:///{workdir}/load.db"
        kind = database_url.split(":", 1)[0]
        header = (
            f"make load: {args.users} patients at once, one whole check each, "
            + (
                f"nginx (HTTPS) in front of {args.servers} app servers, "
                if args.servers > 1
                else ""
            )
            + f"gunicorn gthread {args.workers}x{args.threads} on 127.0.0.1, {kind}; load average "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores\n"
            f"reproduce: .venv/bin/python -m load --users {args.users} "
            f"--max-seconds {args.max_seconds:g}"
            + (f" --servers {args.servers}" if args.servers > 1 else "")
            + (" --database-url <URL>" if args.database_url else "")
        )
        with open(Path(workdir) / "gunicorn.log", "w") as log:
            servers, proxy = [], None
            try:
                for port in ports:
                    servers.append(start_server(args, database_url, port, log))
                if args.servers > 1:
                    proxy = Proxy(Path(workdir) / "nginx", ports)
                    host = proxy.start()
                    Patient.through_proxy = True
                env, elapsed = run_patients(host, args.users, args.max_seconds)
            finally:
                if proxy is not None:
                    proxy.stop()
                for server in servers:
                    stop(server)
        failures = [
            line
            for line in (Path(workdir) / "gunicorn.log").read_text().splitlines()
            if "failed:" in line
        ]
        passed = report(env, args.users, elapsed, header)
        for line in failures[:5]:
            print("server:", line.strip())
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
