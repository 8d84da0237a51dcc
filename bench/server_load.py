"""Table 2: the server on unshaped loopback: single-stream throughput, page latency under load."""

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import curl
from .figures import mbit_per_second, percentile
from .namespace import Namespace
from .server import ROOT, app_server, create_database

WORKERS, THREADS = 2, 32
SINGLE_STREAM_BYTES = 200_000_000
LOAD_BODY_BYTES = 1_000_000_000
LOAD_STREAMS = 20
PATIENT_LIMIT_RATE = "6250k"  # curl's bytes per second: 50 Mbit/s
PAGE = "/en/"
PAGE_REQUESTS = 400
PAGE_PACE_MS = 25  # 400 requests over at least 10 s
PAGE_MAX_SECONDS = 120
RAMP_SECONDS = 2


class LoadStreams:
    """count curl downloads kept streaming in ns (each restarted when it ends) until stopped."""

    def __init__(self, ns, url: str, count: int, limit_rate: str | None):
        self.ns, self.url, self.count, self.limit_rate = ns, url, count, limit_rate
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.processes: set[subprocess.Popen] = set()
        self.threads = [threading.Thread(target=self.keep_streaming, daemon=True)
                        for _ in range(count)]  # fmt: skip
        self.failures = 0

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        with self.lock:
            for process in self.processes:
                process.kill()
        for thread in self.threads:
            thread.join(timeout=15)

    def keep_streaming(self):
        limit = ["--limit-rate", self.limit_rate] if self.limit_rate else []
        command = self.ns.command(
            "curl", "-sS", "-o", "/dev/null", "--max-time", "120", *limit,
            f"{self.url}/probe/download?bytes={LOAD_BODY_BYTES}",
        )  # fmt: skip
        while not self.stop_event.is_set():
            with self.lock:
                if self.stop_event.is_set():
                    return
                process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)  # fmt: skip
                self.processes.add(process)
            try:
                process.wait(timeout=130)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with self.lock:
                self.processes.discard(process)
            if process.returncode and not self.stop_event.is_set():
                self.failures += 1
                time.sleep(0.5)


def page_latency(ns, url: str) -> dict:
    """The start page's timings from a client inside the namespace."""
    command = ns.command(
        sys.executable, "-m", "bench.page_latency", f"{url}{PAGE}", str(PAGE_REQUESTS),
        str(PAGE_MAX_SECONDS), str(PAGE_PACE_MS),
    )  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=PAGE_MAX_SECONDS + 60, cwd=ROOT
    )
    if done.returncode:
        raise RuntimeError(f"page latency client failed: {done.stderr.strip()[-500:]}")
    found = json.loads(done.stdout)
    values = found["latencies_ms"]
    found["n"] = len(values)
    found["p50_ms"] = percentile(values, 50)
    found["p99_ms"] = percentile(values, 99)
    found["max_ms"] = max(values)
    return found


def page_under_load(ns, url: str, limit_rate: str | None, say) -> dict:
    with LoadStreams(ns, url, LOAD_STREAMS, limit_rate) as load:
        time.sleep(RAMP_SECONDS)
        sent_before, started = ns.loopback_bytes(), time.monotonic()
        found = page_latency(ns, url)
        sent = ns.loopback_bytes() - sent_before
        found["load_mbps"] = mbit_per_second(sent, time.monotonic() - started)
        found["load_failures"] = load.failures
    say(f"  page under {LOAD_STREAMS} downloads ({limit_rate or 'unthrottled'}): {summary(found)}")
    return found


def summary(found: dict) -> str:
    return (f"p50 {found['p50_ms']:.1f} ms, p99 {found['p99_ms']:.1f} ms over {found['n']} "
            f"requests in {found['seconds']:g} s")  # fmt: skip


def measure_server(say) -> dict:
    with (
        Namespace("server") as ns,
        tempfile.TemporaryDirectory(prefix="rbench-") as tmp,
    ):
        workdir = Path(tmp)
        database = workdir / "bench.db"
        create_database(database)
        # Above the largest body: under gunicorn a body of exactly the limit is refused (413).
        limits = {"PROBE_MAX_DOWNLOAD_BYTES": LOAD_BODY_BYTES,
                  "PROBE_MAX_UPLOAD_BYTES": 2 * SINGLE_STREAM_BYTES}  # fmt: skip
        outcome = {"workers": WORKERS, "threads": THREADS}
        with app_server(ns, workdir, database, workers=WORKERS, threads=THREADS, **limits) as url:
            outcome["download"] = curl.download(ns, url, SINGLE_STREAM_BYTES, timeout=120)
            say(f"  single-stream download: {outcome['download']['mbps']:.0f} Mbit/s")
            body = curl.random_file(workdir / "upload.bin", SINGLE_STREAM_BYTES)
            outcome["upload"] = curl.upload(ns, url, body, timeout=120)
            body.unlink()
            say(f"  single-stream upload: {outcome['upload']['mbps']:.0f} Mbit/s")
            outcome["page_idle"] = page_latency(ns, url)
            say(f"  page idle: {summary(outcome['page_idle'])}")
            outcome["page_unthrottled"] = page_under_load(ns, url, None, say)
            outcome["page_patients"] = page_under_load(ns, url, PATIENT_LIMIT_RATE, say)
        return outcome
