"""Table 3: one client's never-read probe downloads beside honest tests and the pages.

On plain loopback (no namespace needed), gunicorn with make run's defaults (gthread, 2 workers x
64 threads, gunicorn.conf.py) behind a pretend proxy (READINESS_PROXY_COUNT=1), so that each
client has an address of its own in X-Forwarded-For. For each attack (64, then 256, then 64
held 25 s, past the 10 s stall timeout): 4 clients open that many 32 MiB downloads between
them and never read them; 16 honest clients run a test
each (4 parallel streams: 2 x 5 MB down, then 2 x 2.5 MB up, waiting 1 s after a 503 as the
browser does); meanwhile /en/ is timed (sequential, one every 25 ms). Target: /en/ p99 under
300 ms and every honest test complete with every byte counted.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from .figures import percentile
from .page_latency import timings

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
# (never-read downloads, client addresses they come from, seconds held). The last round holds
# them past the stall timeout (10 s), when each stalled connection is closed: gunicorn's
# graceful close of each once blocked its worker's main thread for 2 s (review 3, F1).
ATTACKS = ((64, 4, 0), (256, 4, 0), (64, 4, 25))
ATTACKER_ADDRESSES = [f"203.0.113.{66 + n}" for n in range(16)]
HONEST = 16
STREAMS = 4
DOWNLOADS = (5_000_000, 5_000_000)
UPLOADS = (2_500_000, 2_500_000)
UPLOAD_BODY = os.urandom(UPLOADS[0])
P99_TARGET_MS = 300
HONEST_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir: str, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env.update(
        READINESS_DATABASE_URL=f"sqlite:///{workdir}/bench.db",
        READINESS_SECRET_KEY=secrets.token_urlsafe(48),
        READINESS_RATELIMIT_ENABLED="false",
        READINESS_PROXY_COUNT="1",
    )
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    log = open(Path(workdir) / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--worker-class", "gthread", "--workers", "2",
         "--threads", "64", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(1)
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def stalled_downloads(port: int, count: int, addresses: int = 1) -> list[socket.socket]:
    """count downloads of 32 MiB from that many clients in turn, never read."""
    opened = []
    for n in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        address = ATTACKER_ADDRESSES[n % addresses]
        sock.sendall(
            b"GET /probe/download?bytes=33554432 HTTP/1.1\r\nHost: bench\r\n"
            + f"X-Forwarded-For: {address}\r\n\r\n".encode()
        )
        opened.append(sock)
    return opened


def transfer(port: int, address: str, method: str, size: int, deadline: float) -> int:
    """One request of the honest test, again after each 503 (1 s later); bytes counted."""
    headers = {"X-Forwarded-For": address}
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            if method == "GET":
                connection.request("GET", f"/probe/download?bytes={size}", headers=headers)
            else:
                headers["Content-Type"] = "application/octet-stream"
                connection.request(
                    "POST", "/probe/upload", body=UPLOAD_BODY[:size], headers=headers
                )
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status == 503:
            time.sleep(1)
            continue
        if response.status != 200:
            return 0
        return len(body) if method == "GET" else size
    return 0


def honest_test(port: int, number: int, results: list) -> None:
    address = f"198.51.100.{number + 1}"
    deadline = time.monotonic() + HONEST_TIMEOUT_S
    counted = {"down": 0, "up": 0}
    lock = threading.Lock()
    seconds = {}
    for direction, method, sizes in (("down", "GET", DOWNLOADS), ("up", "POST", UPLOADS)):
        started = time.perf_counter()

        def stream(method=method, sizes=sizes, direction=direction):
            for size in sizes:
                got = transfer(port, address, method, size, deadline)
                with lock:
                    counted[direction] += got

        threads = [threading.Thread(target=stream) for _ in range(STREAMS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds[direction] = time.perf_counter() - started
    expected = {"down": STREAMS * sum(DOWNLOADS), "up": STREAMS * sum(UPLOADS)}
    results.append(
        {
            "complete": counted == expected,
            "down_mbps": counted["down"] * 8 / seconds["down"] / 1e6,
            "up_mbps": counted["up"] * 8 / seconds["up"] / 1e6,
            "seconds": seconds["down"] + seconds["up"],
        }
    )


def new_visitor_pages(port: int, count: int, max_seconds: float, pace_ms: float) -> dict:
    """/en/ on a fresh connection each time (a new visitor), one started at most every
    pace_ms: a request that fails counts with the time it waited (keep-alive timings drop
    those, and a frozen worker's pages fail rather than wait)."""
    latencies, statuses = [], {}
    deadline = time.monotonic() + max_seconds
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", "/en/", headers={"X-Forwarded-For": "198.51.100.200"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (http.client.HTTPException, OSError):
            status = 0
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        latencies.append(elapsed * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        time.sleep(max(0.0, pace_ms / 1000 - elapsed))
    return {"latencies_ms": latencies, "statuses": statuses}


def one_round(port: int, attack: int, addresses: int = 1, hold_s: float = 0) -> dict:
    sockets = stalled_downloads(port, attack, addresses)
    try:
        time.sleep(1)
        results: list[dict] = []
        honest = [
            threading.Thread(target=honest_test, args=(port, n, results)) for n in range(HONEST)
        ]
        for thread in honest:
            thread.start()
        # Held rounds: pages by new visitors the whole time, past the stall timeout.
        if hold_s:
            pages = new_visitor_pages(port, int(hold_s * 1000 / 25), hold_s + 5, 25)
        else:
            pages = timings(f"http://127.0.0.1:{port}/en/", 400, 30, 25)
        for thread in honest:
            thread.join()
    finally:
        for sock in sockets:
            sock.close()
    latencies = pages["latencies_ms"]
    return {
        "attack": attack,
        "addresses": addresses,
        "held_s": hold_s,
        "max_ms": max(latencies, default=0),
        "over_1s": sum(latency > 1000 for latency in latencies),
        "pages": len(latencies),
        "statuses": pages["statuses"],
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "honest_complete": sum(result["complete"] for result in results),
        "honest": results,
        "ok": percentile(latencies, 99) < P99_TARGET_MS
        and (not hold_s or max(latencies, default=0) < 1000)  # a freeze is a few pages only
        and all(result["complete"] for result in results)
        and len(results) == HONEST,
    }


def measure_starvation(say) -> dict:
    rounds = []
    with tempfile.TemporaryDirectory(prefix="rbench-starve-") as workdir:
        port = free_port()
        server = start_server(workdir, port)
        try:
            for attack, addresses, hold_s in ATTACKS:
                held = f", held {hold_s:g} s" if hold_s else ""
                say(
                    f"  {attack} never-read downloads from {addresses} addresses{held} + "
                    f"{HONEST} honest tests + /en/ ..."
                )
                rounds.append(one_round(port, attack, addresses, hold_s))
                time.sleep(12)  # the stalled downloads' slots come back (stall timeout 10 s)
        finally:
            stop(server)
    return {"rounds": rounds}
