"""Table 3: latency under load on a tbf link whose queue delay is known.

A home link has one queue each way: the router's upload queue and the provider's download
queue. The bench builds that: two namespaces joined by a veth pair, a tbf on each side's egress
(the server's egress is the download direction, the patient's the upload direction). With
``tbf ... latency 200ms`` a saturated direction holds up to 200 ms in its queue, and a probe
crossing it waits that long, while the other direction carries only acknowledgements. So the
loaded latency the browser reports should sit about the queue's delay above the idle latency;
with a short queue it should stay close to the idle latency.

The cap is not what a saturated link holds, though: TCP's congestion control backs off at the
first drops and keeps a standing queue below the cap (curl's own probes beside curl's transfers
showed about 90 ms on a 200 ms tbf). So the reference is the queue itself: every 100 ms the
bench reads the tbf's backlog (bytes) on each side from `tc -s qdisc`, and backlog / rate is the
delay a packet joining the queue waits. Its median while the direction is busy is the queue's
delay the browser's figure is compared with.

Targets (issue 15): long queue, increase within 20 % or 20 ms (whichever is wider) of the
queue's delay; short queue, loaded latency within 10 ms of idle.
"""

import contextlib
import os
import re
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from .browser import chromium_in, number, run_check
from .figures import burst_bytes
from .namespace import PREFIX, Background, run
from .server import BIN, PORT, ROOT, app_environment, create_database

SERVER_ADDRESS, CLIENT_ADDRESS = "10.77.0.1", "10.77.0.2"
CHECK_TIMEOUT_S = 90


BUSY_BACKLOG_BYTES = 3000  # two full packets waiting: the direction is busy


class QueueWatch:
    """Reads a tbf's backlog every 100 ms in a thread; the waiting delay while busy."""

    def __init__(self, side: "Side", device: str, rate_mbit: float):
        self.side, self.device, self.rate = side, device, rate_mbit * 1_000_000 / 8
        self.samples: list[float] = []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self):
        command = self.side.command("tc", "-s", "qdisc", "show", "dev", self.device)
        while not self.stop_event.wait(0.1):
            text = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout
            found = re.search(r"backlog (\d+)b", text)
            if found and int(found.group(1)) >= BUSY_BACKLOG_BYTES:
                self.samples.append(int(found.group(1)) / self.rate * 1000)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(timeout=15)

    def take(self) -> float | None:
        """The median waiting delay (ms) while busy since the last take, then start afresh."""
        found, self.samples = self.samples, []
        return round(statistics.median(found), 1) if found else None


class Side:
    """One end of the link: a namespace the bench made, removed with everything inside."""

    def __init__(self, name: str):
        self.name = name

    def command(self, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.name, *args]

    def close(self):
        listed = run(["ip", "netns", "pids", self.name], timeout=10).stdout.split()
        for pid in listed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), 9)
        time.sleep(0.2)
        run(["ip", "netns", "del", self.name], timeout=10)


@contextlib.contextmanager
def shaped_link(rate_mbit: float, queue_ms: float):
    """(server side, client side, tc commands, devices), joined by veth, a tbf each way."""
    tag = f"{PREFIX}{os.getpid()}-q{queue_ms:g}"
    server, client = Side(f"{tag}-srv"), Side(f"{tag}-cli")
    made = []
    try:
        for side in (server, client):
            run(["ip", "netns", "add", side.name])
            made.append(side)
            run(side.command("ip", "link", "set", "lo", "up"))
        veth_server, veth_client = f"rbs{os.getpid() % 100000}", f"rbc{os.getpid() % 100000}"
        run(["ip", "link", "add", veth_server, "netns", server.name, "type", "veth",
             "peer", "name", veth_client, "netns", client.name])  # fmt: skip
        commands = []
        for side, device, address in (
            (server, veth_server, SERVER_ADDRESS),
            (client, veth_client, CLIENT_ADDRESS),
        ):
            run(side.command("ip", "addr", "add", f"{address}/24", "dev", device))
            run(side.command("ip", "link", "set", device, "up"))
            tc = ["tc", "qdisc", "replace", "dev", device, "root", "tbf",
                  "rate", f"{rate_mbit:g}mbit", "burst", str(burst_bytes(rate_mbit)),
                  "latency", f"{queue_ms:g}ms"]  # fmt: skip
            run(side.command(*tc))
            commands.append(" ".join(tc))
        yield server, client, commands, (veth_server, veth_client)
    finally:
        for side in made:
            with contextlib.suppress(Exception):
                side.close()


@contextlib.contextmanager
def server_on(side: Side, workdir: Path, database: Path):
    """gunicorn on the server side, listening on the link's address."""
    command = side.command(str(BIN / "gunicorn"), "--worker-class", "gthread", "--workers", "1",
                           "--threads", "16", "--bind", f"0.0.0.0:{PORT}", "wsgi:app")  # fmt: skip
    server = Background(command, log=workdir / "gunicorn.log", cwd=ROOT,
                        env=app_environment(database))  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            probe = run(side.command("sh", "-c", f"curl -sf -o /dev/null --max-time 2 "
                                     f"http://127.0.0.1:{PORT}/probe/ping; echo $?"))  # fmt: skip
            if probe.stdout.strip() == "0":
                break
            if not server.running():
                raise RuntimeError(f"gunicorn stopped:\n{server.tail()}")
            time.sleep(0.2)
        yield f"http://{SERVER_ADDRESS}:{PORT}"
    finally:
        server.stop()


def measure_queue(rate_mbit: float, queue_ms: float, runs: int, say) -> dict:
    """Browser runs on one shaped link; each run's idle and loaded latency."""
    outcome = {"rate_mbit": rate_mbit, "queue_ms": queue_ms, "runs": []}
    with (
        shaped_link(rate_mbit, queue_ms) as (server, client, commands, devices),
        tempfile.TemporaryDirectory(prefix="rbench-") as tmp,
    ):
        outcome["tc"] = commands
        workdir = Path(tmp)
        database = workdir / "bench.db"
        create_database(database)
        with (
            server_on(server, workdir, database) as url,
            chromium_in(client, workdir) as browser,
            QueueWatch(server, devices[0], rate_mbit) as down_queue,
            QueueWatch(client, devices[1], rate_mbit) as up_queue,
        ):
            for number_ in range(1, runs + 1):
                down_queue.take(), up_queue.take()
                try:
                    page = run_check(browser, url, timeout_s=CHECK_TIMEOUT_S)
                except Exception as error:  # a run that breaks is a result too
                    say(f"  run {number_}: failed: {type(error).__name__}: {error}".splitlines()[0])
                    outcome["runs"].append({"error": str(error)[:300]})
                    continue
                figures = page["figures"]
                found = {
                    "idle_ms": number(figures["latency-ms"]),
                    "loaded_down_ms": number(figures["loaded-latency-down-ms"]),
                    "loaded_up_ms": number(figures["loaded-latency-up-ms"]),
                    "download_mbps": number(figures["download-mbps"]),
                    "upload_mbps": number(figures["upload-mbps"]),
                    "verdict": figures["verdict"],
                    "queue_down_ms": down_queue.take(),
                    "queue_up_ms": up_queue.take(),
                }
                found.update(judge(found, queue_ms))
                say(f"  {rate_mbit:g} Mbit/s, queue {queue_ms:g} ms, run {number_}: {found}")
                outcome["runs"].append(found)
    return outcome


def judge(found: dict, queue_ms: float) -> dict:
    """Each direction's increase over idle, and whether it meets the target: for a long queue,
    within max(20 %, 20 ms) of the delay the queue really held; for a short one, within 10 ms."""
    verdicts = {}
    for way in ("down", "up"):
        loaded, idle = found.get(f"loaded_{way}_ms"), found.get("idle_ms")
        held = found.get(f"queue_{way}_ms")
        if loaded is None or idle is None:
            verdicts[f"{way}_ok"] = False
            continue
        increase = loaded - idle
        verdicts[f"increase_{way}_ms"] = round(increase, 1)
        if queue_ms >= 50:
            reference = held if held is not None else queue_ms
            tolerance = max(0.2 * reference, 20)
            verdicts[f"{way}_ok"] = abs(increase - reference) <= tolerance
        else:
            verdicts[f"{way}_ok"] = abs(increase) <= 10
    return verdicts


def section(outcomes: list[dict]) -> str:
    lines = [
        "Latency under load on a tbf link (veth, a tbf each way; queue = the tbf's backlog / rate, "
        "median while busy; target: long queue, increase within max(20 %, 20 ms) of the queue; "
        "short queue, within 10 ms of idle)",
        "rate Mbit/s | tbf latency ms | idle ms | loaded down ms (+increase; queue) | loaded up ms "
        "(+increase; queue) | download/upload Mbit/s | target met",
    ]
    for outcome in outcomes:
        if "error" in outcome:
            lines.append(f"{outcome.get('rate_mbit')} | {outcome.get('queue_ms')} | failed: "
                         f"{outcome['error']}")  # fmt: skip
            continue
        for run_ in outcome["runs"]:
            if "error" in run_:
                lines.append(f"{outcome['rate_mbit']:g} | {outcome['queue_ms']:g} | run failed")
                continue
            lines.append(
                f"{outcome['rate_mbit']:g} | {outcome['queue_ms']:g} | {run_['idle_ms']} | "
                f"{run_['loaded_down_ms']} (+{run_.get('increase_down_ms')}; "
                f"{run_.get('queue_down_ms')}) | "
                f"{run_['loaded_up_ms']} (+{run_.get('increase_up_ms')}; "
                f"{run_.get('queue_up_ms')}) | "
                f"{run_['download_mbps']}/{run_['upload_mbps']} | "
                f"{'yes' if run_['down_ok'] and run_['up_ok'] else 'NO'}"
            )
        lines.append("  tc: " + " ; ".join(outcome["tc"]))
    return "\n".join(lines)
