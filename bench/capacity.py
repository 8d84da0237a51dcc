"""Table 6: how many honest 20 Mbit/s tests one server carries at once, each still accurate.

One server namespace runs the app as `make run` deploys it (gunicorn gthread, 2 workers x 64
threads, the probe's default limits; rate limits off, as in every table: the measuring browser
runs test after test from one address, more than any patient would). Each client has a
namespace of its own, joined to the server's by a veth pair with a tbf of 20 Mbit/s on each
end's egress, so each has its own address and its own 20 Mbit/s link, as patients do:

- client 0: headless Chromium running the real check page;
- clients 1..K (the load): one curl process each, doing tests one after the other (a download
  of LOAD_BYTES, then an upload of LOAD_BYTES, on one keep-alive connection), restarted when
  it ends, so that each load link is busy every moment, one way or the other; each client's
  first test is its warm-up, not counted.

curl's steady goodput on client 0's link with no load is the reference (as in table 1), for
the browser and for every load test (every link is shaped alike). K grows step by step; at
each step every load transfer's goodput and the browser's download and upload are compared
with it, until the load misses twice in a row or the time budget is spent. Two figures: the
largest K up to which every load test stayed within ±2 % (the server's capacity), and the
largest K up to which the browser's figures did (bounded by the check's own accuracy on this
link too). Everything, the clients included, runs on the
same machine's cores as the server, so the figure is a lower bound for a server with those
cores to itself.
"""

import contextlib
import os
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from . import curl
from .browser import chromium_in, number, run_check
from .figures import (
    ACCURACY_PERCENT,
    burst_bytes,
    bytes_for_seconds,
    error_percent,
    mbit_per_second,
)
from .namespace import TBF_LATENCY, Namespace, run
from .nginx import DEPLOYED_PORT, nginx_server
from .report import mark, table
from .server import PORT, app_server, create_database
from .shaped import steady_mbps

WORKERS, THREADS = 2, 64  # make run
RATE_MBIT = 20.0
LOAD_BYTES = 10_000_000  # about 4 s each way at 20 Mbit/s, as one direction of the check
LOAD_TESTS_PER_PROCESS = 20
WARM_UP_TRANSFERS = 2  # each load client's first test is not counted
DEFAULT_STEPS = (0, 4, 8, 16, 24, 32, 48, 64)
DEFAULT_BUDGET_S = 900
REFERENCE_SECONDS, REFERENCE_RAMP_S = 6, 1.0
SETTLE_S = 3  # the load's transfers under way before the browser starts
CHECK_TIMEOUT_S = 90
WRITE_OUT = "%{http_code} %{size_download} %{size_upload} %{time_total}\\n"
# Behind nginx (--capacity-nginx): the app nginx sits in front of, and the download size the
# browser asks (the one nginx sends itself); the load reads LOAD_BYTES of it with a Range.
ACCEL_PORT = PORT + 10
BROWSER_DOWNLOAD_BYTES = 32 * 1024 * 1024


def server_address(index: int) -> str:
    return f"10.80.{index}.1"


def client_address(index: int) -> str:
    return f"10.80.{index}.2"


class Clients:
    """Client namespaces, each on its own shaped veth to the server; all removed on exit."""

    def __init__(self, server: Namespace):
        self.server = server
        self.namespaces: list[Namespace] = []
        self.tag = os.getpid() % 10000

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for ns in reversed(self.namespaces):
            with contextlib.suppress(Exception):
                ns.close()

    def device(self, index: int, side: str) -> str:
        return f"rk{self.tag}{side}{index}"

    def add(self) -> Namespace:
        """One more client: its namespace, its veth, 20 Mbit/s each way."""
        index = len(self.namespaces)
        if index > 250:
            raise RuntimeError("at most 250 clients (one /24 each under 10.80.0.0/16)")
        ns = Namespace(f"k{index}")
        ns.__enter__()
        self.namespaces.append(ns)
        server_end, client_end = self.device(index, "s"), self.device(index, "c")
        run(["ip", "link", "add", server_end, "netns", self.server.name, "type", "veth",
             "peer", "name", client_end, "netns", ns.name])  # fmt: skip
        for side, device, address in (
            (self.server, server_end, server_address(index)),
            (ns, client_end, client_address(index)),
        ):
            run(side.command("ip", "addr", "add", f"{address}/24", "dev", device))
            run(side.command("ip", "link", "set", device, "up"))
            if index == 0:
                # The measuring browser's link: one packet per skb, as table 1's links
                # (bench/link.py); with segmentation offload, 2 of 6 idle runs read the download
                # above the payload ceiling. Not the load's: per-packet skbs on 50 links cost
                # more CPU than these 2 cores have (load 30 at K=49).
                run(side.command("ip", "link", "set", device, "gso_max_segs", "1"))
            run(side.command(*tbf(device)))
        return ns

    def grow_to(self, count: int):
        while len(self.namespaces) < count:
            self.add()

    def server_bytes(self) -> int:
        """Bytes the server's ends of every veth sent and received so far."""
        text = run(self.server.command("cat", "/proc/net/dev")).stdout
        total = 0
        for line in text.splitlines():
            name, _, counters = line.partition(":")
            if name.strip().startswith(f"rk{self.tag}s"):
                fields = counters.split()
                total += int(fields[0]) + int(fields[8])
        return total


def tbf(device: str) -> list[str]:
    return ["tc", "qdisc", "replace", "dev", device, "root", "tbf", "rate", f"{RATE_MBIT:g}mbit",
            "burst", str(burst_bytes(RATE_MBIT)), "latency", TBF_LATENCY]  # fmt: skip


class LoadClient:
    """One load client: curl doing download+upload tests back to back until stopped."""

    def __init__(self, ns: Namespace, url: str, body: Path, *, ranged: bool = False):
        self.ns, self.url, self.body, self.ranged = ns, url, body, ranged
        self.transfers: list[tuple[float, str, int, int, float]] = []  # (ended, status, ...)
        self.stop_event = threading.Event()
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.keep_testing, daemon=True)

    def command(self) -> list[str]:
        """One curl process: LOAD_TESTS_PER_PROCESS tests, each a GET then a POST."""
        each = ["-sS", "--retry", "3", "--max-time", "60", "-w", WRITE_OUT, "-o", "/dev/null"]
        download = [*each, f"{self.url}/probe/download?bytes={LOAD_BYTES}"]
        if self.ranged:  # the browser's size, which nginx sends: LOAD_BYTES of it
            download = [*each, "-r", f"0-{LOAD_BYTES - 1}",
                        f"{self.url}/probe/download?bytes={BROWSER_DOWNLOAD_BYTES}"]  # fmt: skip
        upload = [*each, "-X", "POST", "-H", "Expect:",
                  "-H", "Content-Type: application/octet-stream",
                  "-T", str(self.body), f"{self.url}/probe/upload"]  # fmt: skip
        args = ["stdbuf", "-oL", "curl"]  # each transfer's line as it ends, not at exit
        for test in range(LOAD_TESTS_PER_PROCESS):
            args += [*(["--next"] if test else []), *download, "--next", *upload]
        return self.ns.command(*args)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_event.set()
        with self.lock:
            if self.process and self.process.poll() is None:
                self.process.kill()
        self.thread.join(timeout=15)

    def keep_testing(self):
        command = self.command()
        while not self.stop_event.is_set():
            with self.lock:
                if self.stop_event.is_set():
                    return
                self.process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                                stderr=subprocess.DEVNULL, text=True)  # fmt: skip
            for line in self.process.stdout:
                with contextlib.suppress(ValueError):
                    status, down, up, seconds = line.split()
                    self.transfers.append((time.monotonic(), status, int(down), int(up),
                                           float(seconds)))  # fmt: skip
            self.process.wait()
            self.process.stdout.close()

    def goodputs(self, since: float, until: float) -> dict:
        """Each direction's whole-transfer goodput for transfers that ended in [since, until],
        after this client's first test (its warm-up: a new connection, a new thread)."""
        found = {"download": [], "upload": [], "failed": 0}
        for ended, status, down, up, seconds in list(self.transfers)[WARM_UP_TRANSFERS:]:
            if not since <= ended <= until:
                continue
            if status not in ("200", "206") or max(down, up) != LOAD_BYTES or seconds <= 0:
                found["failed"] += 1
                continue
            way = "upload" if up else "download"
            found[way].append(mbit_per_second(LOAD_BYTES, seconds))
        return found


def reference(ns: Namespace, url: str, workdir: Path, say) -> dict:
    """curl's steady goodput each way on client 0's link with no load: the reference for the
    browser and for every load test (every link is shaped alike)."""
    size = bytes_for_seconds(RATE_MBIT, REFERENCE_SECONDS)
    half = curl.random_file(workdir / "half.bin", size // 2)
    full = curl.random_file(workdir / "full.bin", size)
    timeout = REFERENCE_SECONDS * 3 + 10
    down = curl.timed_download(ns, url, bytes_for_seconds(RATE_MBIT, REFERENCE_SECONDS +
                               REFERENCE_RAMP_S), timeout, REFERENCE_RAMP_S)  # fmt: skip
    up = steady_mbps(curl.upload(ns, url, half, timeout), curl.upload(ns, url, full, timeout))
    found = {"download": down["steady_mbps"], "upload": up}
    say(f"  reference on an idle server: curl steady {found['download']:.2f} down, "
        f"{found['upload']:.2f} up Mbit/s")  # fmt: skip
    return found


def browser_run(browser, url: str, refer: dict) -> dict:
    page = run_check(browser, url, timeout_s=CHECK_TIMEOUT_S)
    figures = page["figures"]
    found = {"download_mbps": number(figures["download-mbps"]),
             "upload_mbps": number(figures["upload-mbps"]),
             "failure": figures["failure"] or None}  # fmt: skip
    for way in ("download", "upload"):
        measured = found[f"{way}_mbps"]
        found[f"{way}_error"] = error_percent(measured, refer[way]) if measured else None
    found["held"] = held(found)
    return found


def held(found: dict) -> bool:
    """Both directions within ±2 % of the reference."""
    errors = (found.get("download_error"), found.get("upload_error"))
    return all(e is not None and abs(e) <= ACCURACY_PERCENT for e in errors)


def largest_held(steps: list[dict], key: str = "held") -> int | None:
    """The largest K such that it and every smaller K measured held; None if the first did not."""
    best = None
    for step in sorted(steps, key=lambda s: s["k"]):
        if not step[key]:
            break
        best = step["k"]
    return best


@contextlib.contextmanager
def served(server: Namespace, workdir: Path, database: Path, behind_nginx: bool):
    """The app as `make run` deploys it on every address; or, behind_nginx, the app on
    loopback behind nginx with the probe's locations from deploy/nginx. The port to use."""
    if not behind_nginx:
        with app_server(server, workdir, database, workers=WORKERS, threads=THREADS,
                        host="0.0.0.0"):  # fmt: skip
            yield PORT
        return
    payload = curl.random_file(workdir / "probe-bytes.bin", BROWSER_DOWNLOAD_BYTES)
    with (
        app_server(server, workdir, database, workers=WORKERS, threads=THREADS, port=ACCEL_PORT,
                   PROXY_COUNT=1, PROBE_ACCEL_REDIRECT="/_probe_bytes/"),
        nginx_server(server, workdir, payload, workers=WORKERS, host="0.0.0.0",
                     app=f"127.0.0.1:{ACCEL_PORT}"),
    ):  # fmt: skip
        yield DEPLOYED_PORT


def measure_capacity(say, steps=DEFAULT_STEPS, runs: int = 2, budget_s: float = DEFAULT_BUDGET_S,
                     behind_nginx: bool = False) -> dict:  # fmt: skip
    """K load clients beside one browser, K growing until two steps in a row miss or time is
    up; the figure is the largest K below the first miss."""
    started = time.monotonic()
    outcome = {"workers": WORKERS, "threads": THREADS, "rate_mbit": RATE_MBIT,
               "load_bytes": LOAD_BYTES, "runs": runs, "budget_s": budget_s,
               "behind_nginx": behind_nginx, "steps": []}  # fmt: skip
    with (
        Namespace("cap-s") as server,
        Clients(server) as clients,
        tempfile.TemporaryDirectory(prefix="rbench-") as tmp,
    ):
        workdir = Path(tmp)
        database = workdir / "bench.db"
        create_database(database)
        body = curl.random_file(workdir / "load.bin", LOAD_BYTES)
        clients.grow_to(1)
        loads: list[LoadClient] = []
        with served(server, workdir, database, behind_nginx) as port:
            url0 = f"http://{server_address(0)}:{port}"
            outcome["reference"] = refer = reference(clients.namespaces[0], url0, workdir, say)
            try:
                with chromium_in(clients.namespaces[0], workdir) as browser:
                    for k in steps:
                        if time.monotonic() - started > budget_s:
                            outcome["stopped"] = f"time budget ({budget_s:g} s) spent"
                            break
                        clients.grow_to(k + 1)
                        while len(loads) < k:
                            index = len(loads) + 1
                            url = f"http://{server_address(index)}:{port}"
                            loads.append(LoadClient(clients.namespaces[index], url, body,
                                                    ranged=behind_nginx))  # fmt: skip
                            loads[-1].start()
                        step = measure_step(k, loads, clients, browser, url0, refer, runs)
                        outcome["steps"].append(step)
                        say(step_line(step))
                        # One miss may be noise: stop at the second in a row.
                        last_two = outcome["steps"][-2:]
                        if len(last_two) == 2 and not any(s["load_held"] for s in last_two):
                            outcome["stopped"] = f"the load missed twice in a row, up to K={k}"
                            break
            finally:
                for load in loads:
                    load.stop()
    outcome["largest_k"] = largest_held(outcome["steps"], "load_held")
    outcome["largest_k_browser"] = largest_held(outcome["steps"], "held")
    outcome["seconds"] = round(time.monotonic() - started)
    return outcome


def measure_step(k, loads, clients, browser, url, refer, runs) -> dict:
    time.sleep(SETTLE_S if k else 0)
    begin, bytes_before = time.monotonic(), clients.server_bytes()
    found = {"k": k, "runs": [], "load_avg": os.getloadavg()[0]}
    for _ in range(runs):
        try:
            found["runs"].append(browser_run(browser, url, refer))
        except Exception as error:  # a run that breaks is a miss
            found["runs"].append({"error": f"{type(error).__name__}: {error}"[:300],
                                  "held": False})  # fmt: skip
    end = time.monotonic()
    found["server_mbps"] = mbit_per_second(clients.server_bytes() - bytes_before, end - begin)
    found["load_avg"] = max(found["load_avg"], os.getloadavg()[0])
    goodputs = {"download": [], "upload": [], "failed": 0}
    for load in loads:
        for key, values in load.goodputs(begin, end).items():
            goodputs[key] += values
    load_held = goodputs["failed"] == 0
    for way in ("download", "upload"):
        errors = [error_percent(value, refer[way]) for value in goodputs[way]]
        found[f"load_{way}_count"] = len(errors)
        found[f"load_{way}_median"] = statistics.median(errors) if errors else None
        found[f"load_{way}_worst"] = max(errors, key=abs) if errors else None
        load_held = load_held and all(abs(e) <= ACCURACY_PERCENT for e in errors)
        load_held = load_held and (bool(errors) or not k)
    found["load_failed"] = goodputs["failed"]
    found["load_held"] = load_held
    found["held"] = bool(found["runs"]) and all(r["held"] for r in found["runs"])
    return found


def step_line(step: dict) -> str:
    runs = "; ".join(
        f"failed: {r['error']}" if "error" in r else
        f"down {r['download_mbps']} ({pct(r['download_error'])}), up {r['upload_mbps']} "
        f"({pct(r['upload_error'])})"
        for r in step["runs"]
    )  # fmt: skip
    return (f"  K={step['k']}: browser {runs}; load tests (median/worst) down "
            f"{pct(step['load_download_median'])}/{pct(step['load_download_worst'])} "
            f"(n={step['load_download_count']}), up {pct(step['load_upload_median'])}/"
            f"{pct(step['load_upload_worst'])} (n={step['load_upload_count']}), "
            f"{step['load_failed']} failed; server carried {step['server_mbps']:.0f} Mbit/s; "
            f"load average {step['load_avg']:.1f}")  # fmt: skip


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f} %"


def section(outcome: dict) -> str:
    title = f"6. Capacity: honest {RATE_MBIT:g} Mbit/s tests one server carries at once"
    if "error" in outcome:
        return f"{title}\n\nnot measured: {outcome['error']}"
    refer = outcome["reference"]
    header = ["K", "load down med/worst (n)", "load up med/worst (n)", "failed",
              f"load ±{ACCURACY_PERCENT:g}%", "browser down", "err %", "browser up", "err %",
              f"±{ACCURACY_PERCENT:g}%", "server Mbit/s", "load avg"]  # fmt: skip
    lines = []
    for step in outcome["steps"]:
        load_cells = [
            str(step["k"]),
            f"{pct(step['load_download_median'])} / {pct(step['load_download_worst'])} "
            f"({step['load_download_count']})",
            f"{pct(step['load_upload_median'])} / {pct(step['load_upload_worst'])} "
            f"({step['load_upload_count']})",
            str(step["load_failed"]), mark(step["load_held"]) if step["k"] else "n/a",
        ]  # fmt: skip
        tail = [f"{step['server_mbps']:.0f}", f"{step['load_avg']:.1f}"]
        for i, r in enumerate(step["runs"]):
            first = [*load_cells] if i == 0 else [""] * len(load_cells)
            ends = tail if i == 0 else ["", ""]
            if "error" in r:
                lines.append([*first, "failed", "", "", "", "MISS", *ends])
                continue
            lines.append([*first, num(r["download_mbps"]), pct(r["download_error"]),
                          num(r["upload_mbps"]), pct(r["upload_error"]), mark(r["held"]),
                          *ends])  # fmt: skip
    figures = [
        figure("every load test", outcome["largest_k"]),
        figure("the browser's figures", outcome["largest_k_browser"]),
    ]
    notes = (
        f"Server: gunicorn gthread {outcome['workers']} workers × {outcome['threads']} threads as "
        f"make run deploys it (default probe limits, rate limits off). Each client: a namespace "
        f"of its own, a veth to the server's, tbf {RATE_MBIT:g} Mbit/s on each end.\n"
        f"Reference (curl's steady goodput on client 0's link, idle server): "
        f"{refer['download']:.2f} down, {refer['upload']:.2f} up. Load: K curl clients, each "
        f"{outcome['load_bytes'] / 1e6:g} MB down then up, back to back; each transfer's "
        f"goodput (curl's size / time_total, request included; each client's first test not "
        f"counted) against the reference.\n"
        f"{outcome['runs']} browser run(s) per K. The load holds at a step when every load test "
        f"that ended during it is within ±{ACCURACY_PERCENT:g} % both ways, none failed; the "
        f"browser, when every run is. The clients (K curl processes, Chromium) share the "
        f"server's 2 cores: the figures are lower bounds.\n"
        f"Stopped: {outcome.get('stopped', 'every step measured')}; {outcome['seconds']} s."
    )
    return "\n".join([title, "", notes, "", table(header, lines), "", *figures])


def figure(what: str, largest: int | None) -> str:
    if largest is None:
        return f"Largest K with {what} within ±{ACCURACY_PERCENT:g} %: none (the first step missed)"
    return (f"Largest K with {what} within ±{ACCURACY_PERCENT:g} %: {largest} load tests beside "
            f"the measuring browser ({largest + 1} tests at once).")  # fmt: skip


def num(value) -> str:
    return "-" if value is None else f"{value:.2f}"
