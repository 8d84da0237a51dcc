"""Table 1: the browser's figures against curl's, and speedtest-cli's, on emulated links.

Each row is a fresh Link (two namespaces, the delay line, tbf each way): the link checked first
(ping's round trip), then curl's references, the check page in Chromium, and speedtest-cli.
"""

import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from . import cloudflare, curl
from .browser import chromium_in, number, phase_bounds, phase_seconds, run_check, step_seconds
from .counters import LinkCounters
from .figures import bytes_for_seconds, error_percent, mbit_per_second, spread_percent
from .link import SERVER_ADDRESS, Link, Shape, congestion_control, ping_rtt_ms
from .server import (
    BIN,
    ROOT,
    app_environment,
    app_server,
    connection_results_after,
    create_database,
    last_connection_result_id,
    upload_receiver,
)

REFERENCE_SECONDS = 6  # each transfer's steady part at the line rate, after its ramp
# curl's one stream opens more slowly than the check's four: a longer ramp before its steady part.
REFERENCE_RAMP_S, REFERENCE_RAMP_ROUND_TRIPS = 1.5, 12
REFERENCE_RUNS = 2
PARALLEL_STREAMS = 4  # as many as the check opens at once
REFERENCE_MAX_BYTES = 300_000_000
CHECK_TIMEOUT_S = 60
SPEEDTEST_TIMEOUT_S = 120
PING_RTT_TOLERANCE_MS = 2.0
# The browser runs against the app as deployed: the probe's per-request cap is also the
# browser's largest request (maxRequestBytes), so only curl's server gets raised limits.
APP_WORKERS, APP_THREADS = 1, 16


def measure_row(
    spec: str,
    shape: Shape,
    runs: int,
    say,
    *,
    browser: bool = True,
    reference_runs: int = REFERENCE_RUNS,
    congestion: str | None = None,
    with_cloudflare: bool = True,
) -> dict:
    """One fresh link shaped as `shape`: its own check, curl's references, the page, peers."""
    with (
        Link(
            spec.replace("/", "-").replace("@", "r").replace("+", "l")[:8],
            shape,
            congestion=congestion,
        ) as link,
        tempfile.TemporaryDirectory(prefix="rbench-") as tmp,
    ):
        workdir = Path(tmp)
        database = workdir / "bench.db"
        create_database(database)
        outcome = {"spec": spec, "shape": shape.__dict__, "tc": link.tc_commands()}
        # Both sides get the same: the host's default, or --congestion.
        outcome["congestion"] = congestion_control(link.client)
        outcome["ping"] = ping_rtt_ms(link)
        outcome["ping"]["ok"] = abs(outcome["ping"]["avg"] - shape.rtt_ms) <= PING_RTT_TOLERANCE_MS
        say(
            f"  {spec} ({shape.name()}): ping min/avg/max {outcome['ping']['min']:.1f}/"
            f"{outcome['ping']['avg']:.1f}/{outcome['ping']['max']:.1f} ms"
        )
        # Without the browser (--self-check), the old upload reference too, for comparison.
        outcome["reference"] = references(link, workdir, database, say, runs=reference_runs,
                                          compare=not browser)  # fmt: skip
        if browser:
            outcome["runs"] = browser_runs(link, workdir, database, runs, say)
            outcome["speedtest"] = speedtest(link, workdir, database, say)
            if with_cloudflare:
                outcome["cloudflare"] = cloudflare.measure(link, workdir, say)
        outcome["relay"] = link.relay_counts()
        return outcome


def references(link: Link, workdir: Path, database: Path, say, *, runs: int = REFERENCE_RUNS,
               compare: bool = False) -> dict:  # fmt: skip
    """curl's goodput each way, whole and steady (without slow start or tbf's first bucket).

    Download: bytes counted as they come out of curl, from the ramp's end to the last one; and
    the same over PARALLEL_STREAMS streams at once, summed while they all run.
    Upload: bytes counted as they reach bench/receiver.py in the server's namespace, from the
    ramp's end to the last one. With compare, also the old upload figure: streamed POSTs of
    half and full size to the probe and the goodput of the difference (curl's time_total).
    """
    shape = link.shape
    ramp_s = reference_ramp_s(shape.rtt_ms)
    sizes = {
        "download": bytes_for_seconds(shape.down_mbit, REFERENCE_SECONDS + ramp_s),
        "upload": bytes_for_seconds(shape.up_mbit, REFERENCE_SECONDS + ramp_s),
    }
    old_full = bytes_for_seconds(shape.up_mbit, REFERENCE_SECONDS)
    # Slow start at a long round trip and lost packets stretch a transfer; give it room.
    timeout = (REFERENCE_SECONDS + ramp_s) * 3 + 10 + shape.rtt_ms / 10
    body_sizes = {sizes["upload"]} | ({old_full // 2, old_full} if compare else set())
    bodies = {size: curl.random_file(workdir / f"upload-{size}.bin", size) for size in body_sizes}
    limits = {"PROBE_MAX_DOWNLOAD_BYTES": REFERENCE_MAX_BYTES,
              "PROBE_MAX_UPLOAD_BYTES": REFERENCE_MAX_BYTES}  # fmt: skip
    ways = ("download", "download_parallel", "upload") + (("upload_difference",) if compare else ())
    found = {way: [] for way in ways}

    def attempt(way, measure, *args):
        try:
            found[way].append(measure(link.client, *args, timeout))
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            say(f"    curl {way} failed: {error}")

    with (
        app_server(link.server, workdir, database, workers=APP_WORKERS, threads=APP_THREADS,
                   host=SERVER_ADDRESS, **limits) as url,
        upload_receiver(link.server, workdir, SERVER_ADDRESS) as receiver,
    ):  # fmt: skip
        download = (url, sizes["download"])
        for _ in range(runs):
            attempt("download", timed_download, *download, ramp_s)
            attempt("download_parallel", parallel_download, *download, ramp_s)
            attempt("upload", counted_upload, receiver, bodies[sizes["upload"]], ramp_s)
            if compare:
                attempt("upload_difference", upload_difference, url, bodies[old_full // 2],
                        bodies[old_full])  # fmt: skip
    for body in bodies.values():
        body.unlink()
    steady = {way: [t["steady_mbps"] for t in transfers] for way, transfers in found.items()}
    best = {way: max((t["mbps"] for t in transfers), default=None)
            for way, transfers in found.items()}  # fmt: skip
    # The mean of the runs, each way.
    steady_mean = {way: statistics.fmean(v) if (v := [x for x in values if x]) else None
                   for way, values in steady.items()}  # fmt: skip
    say(
        "    curl steady: "
        + ", ".join(f"{way} {fmt_values(steady[way])}" for way in ways)
        + f" Mbit/s (ramp {ramp_s:g} s)"
    )
    return {"bytes": sizes, "ramp_s": ramp_s, "transfers": found, "whole_mbps": best,
            "steady": steady, "best_mbps": steady_mean,
            "spread_percent": {way: spread_percent(v) for way, v in steady.items()}}  # fmt: skip


def reference_ramp_s(rtt_ms: float) -> float:
    """What curl's steady figures leave out from the first byte: a single stream opens more
    slowly than the check's four, so a longer ramp than the check's own."""
    return max(REFERENCE_RAMP_S, REFERENCE_RAMP_ROUND_TRIPS * rtt_ms / 1000)


def timed_download(ns, url: str, size: int, ramp_s: float, timeout: float) -> dict:
    return curl.timed_download(ns, url, size, timeout, ramp_s)


def parallel_download(ns, url: str, size: int, ramp_s: float, timeout: float) -> dict:
    return curl.parallel_download(ns, url, size, PARALLEL_STREAMS, timeout, ramp_s)


def counted_upload(ns, receiver: str, body: Path, ramp_s: float, timeout: float) -> dict:
    return curl.counted_upload(ns, receiver, body, timeout, ramp_s)


def upload_difference(ns, url: str, half: Path, full: Path, timeout: float) -> dict:
    """The previous upload reference: POSTs of half and full size to the probe, and the goodput
    of the bytes the full one moved beyond the half one in the extra time (curl's time_total)."""
    pair = [curl.upload(ns, url, body, timeout) for body in (half, full)]
    return {**pair[-1], "steady_mbps": steady_mbps(*pair)}


def steady_mbps(half: dict, full: dict) -> float | None:
    """Goodput of the bytes the full transfer moved beyond the half one, in the extra time."""
    extra = full["seconds"] - half["seconds"]
    return mbit_per_second(full["bytes"] - half["bytes"], extra) if extra > 0 else None


def fmt_values(values: list) -> str:
    return "/".join(f"{v:.2f}" for v in values if v) or "-"


def browser_runs(link: Link, workdir: Path, database: Path, runs: int, say) -> list:
    results = []
    with (
        app_server(link.server, workdir, database, workers=APP_WORKERS, threads=APP_THREADS,
                   host=SERVER_ADDRESS) as url,
        chromium_in(link.client, workdir) as browser,
    ):  # fmt: skip
        for run in range(1, runs + 1):
            last_id = last_connection_result_id(database)
            before = link.transmitted_bytes()
            started = time.monotonic()
            try:
                with LinkCounters(link, workdir) as counters:
                    page = run_check(browser, url, timeout_s=CHECK_TIMEOUT_S)
            except Exception as error:  # a run that breaks is a result too
                say(f"    run {run}: failed: {type(error).__name__}: {error}".splitlines()[0])
                results.append({"run": run, "error": f"{type(error).__name__}: {error}"[:300]})
                continue
            after = link.transmitted_bytes()
            stored = connection_results_after(database, last_id)
            row = stored[-1] if stored else {}
            samples = json.loads(row.get("samples") or "{}")
            figures = page["figures"]
            result = {
                "run": run,
                "wall_seconds": round(time.monotonic() - started, 1),
                "download_mbps": number(figures["download-mbps"]),
                "upload_mbps": number(figures["upload-mbps"]),
                "latency_ms": number(figures["latency-ms"]),
                "jitter_ms": number(figures["jitter-ms"]),
                "verdict": figures["verdict"],
                "failure": figures["failure"] or None,
                "bytes_used": number(figures["bytes-used"]),
                "duration_ms": number(figures["duration-ms"]),
                "loaded_latency_ms": {
                    "download": number(figures["loaded-latency-down-ms"]),
                    "upload": number(figures["loaded-latency-up-ms"]),
                },
                "link_bytes": {way: after[way] - before[way] for way in after},
                "phase_link_bytes": phase_link_bytes(page, counters),
                "seconds": samples.get("seconds", {}),
                "page_phase_seconds": phase_seconds(page["phases"], page["done_ms"]),
                "step_seconds": step_seconds(page),
                "samples": samples,
            }
            say(
                f"    run {run}: download {result['download_mbps']}, upload "
                f"{result['upload_mbps']} Mbit/s, {result['seconds']} s, "
                f"phases {result['page_phase_seconds']}"
                + (f", failure {result['failure']}" if result["failure"] else "")
            )
            results.append(result)
    return results


def phase_link_bytes(page: dict, counters: LinkCounters) -> dict:
    """Bytes each direction's sender put on the link during that direction's own phase only:
    the server's during the download phase, the client's during the upload phase (the page's
    phase lines on the wall clock, the TUN counters sampled every 50 ms). The page's own load,
    the latency and media phases, and the other direction's ACKs are left out."""
    bounds = phase_bounds(page["phases"], page.get("done_epoch_ms"), key="epoch_ms")
    found = {}
    for way, side in (("download", "server"), ("upload", "client")):
        if way in bounds:
            start_ms, end_ms = bounds[way]
            found[way] = counters.between(side, start_ms / 1000, end_ms / 1000)
    return found


def speedtest(link: Link, workdir: Path, database: Path, say) -> dict:
    """speedtest-cli (flask probe speedtest) from the client side against the app as deployed."""
    with app_server(link.server, workdir, database, workers=APP_WORKERS, threads=APP_THREADS,
                    host=SERVER_ADDRESS) as url:  # fmt: skip
        command = link.client.command(
            str(BIN / "flask"), "--app", "wsgi", "probe", "speedtest", "--server", url, "--json",
            "--timeout", "30",
        )  # fmt: skip
        started = time.monotonic()
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=SPEEDTEST_TIMEOUT_S, cwd=ROOT,
                env=app_environment(database),
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            say(f"    speedtest-cli: no answer within {SPEEDTEST_TIMEOUT_S} s")
            return {"error": f"timeout after {SPEEDTEST_TIMEOUT_S} s"}
        seconds = round(time.monotonic() - started, 1)
    if done.returncode:
        error = (done.stderr.strip().splitlines() or ["failed"])[-1][:200]
        say(f"    speedtest-cli: {error}")
        return {"error": error, "seconds": seconds}
    found = json.loads(done.stdout.strip().splitlines()[-1])
    found["seconds"] = seconds
    say(
        f"    speedtest-cli: download {found['download_mbps']:.2f}, upload "
        f"{found['upload_mbps']:.2f} Mbit/s, {seconds} s"
    )
    return found


def fmt_list(transfers: list[dict]) -> str:
    return "/".join(f"{t['mbps']:.2f}" for t in transfers) or "-"


def rows(outcome: dict) -> list[dict]:
    """One row per run and direction, then speedtest-cli's: reference, measured, error, time."""
    table = []
    runs = [*outcome.get("runs", [])]
    found = outcome.get("speedtest")
    if found:
        runs.append(
            {
                "run": "st",
                "download_mbps": found.get("download_mbps"),
                "upload_mbps": found.get("upload_mbps"),
                "error": found.get("error"),
            }
        )
    found = outcome.get("cloudflare")
    if found:
        runs.append({**found, "run": "cf"})
    for run in runs:
        for way in ("download", "upload"):
            reference = outcome["reference"]["best_mbps"][way]
            parallel = outcome["reference"]["best_mbps"].get(f"{way}_parallel")
            measured = run.get(f"{way}_mbps")
            table.append(
                {
                    "run": run["run"],
                    "direction": way,
                    "reference_mbps": reference,
                    "parallel_reference_mbps": parallel,
                    "measured_mbps": measured,
                    "error_percent": (
                        error_percent(measured, reference) if measured and reference else None
                    ),
                    "seconds": run.get("seconds", {}).get(way),
                    # This direction's phase only; the whole run's counter (both phases, the
                    # page's load, the other direction's ACKs) for comparison.
                    "link_bytes": run.get("phase_link_bytes", {}).get(way),
                    "run_link_bytes": run.get("link_bytes", {}).get(way),
                    "failure": run.get("failure") or run.get("error"),
                }
            )
    return table
