"""Cloudflare's open-source engine (@cloudflare/speedtest) on the same emulated link as ours.

The engine runs in the bench's Chromium in the patient's namespace, served by
bench/cloudflare_endpoint.py in the server's namespace, which also answers its __down and __up
requests: the same link, the same tbf, the same delay line as the check and curl. Per run: its
download and upload figures, its idle and loaded latencies, the seconds it spent on each
direction (the spans between its changes of measurement type) and the bytes each direction's
sender put on the link during them (the TUN counters, as for the check).
"""

import contextlib
import time
from pathlib import Path

from .browser import chromium_in
from .counters import LinkCounters
from .figures import phase_spans, spans_seconds
from .link import SERVER_ADDRESS, Link
from .namespace import Background
from .server import BIN, ROOT, wait_until_ready

ENDPOINT_PORT = 8090
ENGINE = ROOT / "bench" / "cloudflare" / "node_modules" / "@cloudflare" / "speedtest"
TIMEOUT_S = 420  # at 1 Mbit/s its default measurements take about 3 minutes
MBIT = 1_000_000


def available() -> bool:
    return (ENGINE / "dist" / "speedtest.js").exists()


@contextlib.contextmanager
def endpoint(link: Link, workdir: Path):
    command = link.server.command(str(BIN / "python"), "-m", "bench.cloudflare_endpoint",
                                  SERVER_ADDRESS, str(ENDPOINT_PORT))  # fmt: skip
    server = Background(command, log=workdir / f"cloudflare-{time.monotonic_ns()}.log", cwd=ROOT)
    try:
        wait_until_ready(link.server, server, SERVER_ADDRESS, port=ENDPOINT_PORT, path="/ping")
        yield f"http://{SERVER_ADDRESS}:{ENDPOINT_PORT}"
    finally:
        server.stop()


def measure(link: Link, workdir: Path, say) -> dict:
    """One run of Cloudflare's engine on the link; its figures, times and bytes."""
    if not available():
        say("    cloudflare: not installed (make bench-tools installs it with npm)")
        return {"error": "@cloudflare/speedtest not installed"}
    started = time.monotonic()
    try:
        with (
            endpoint(link, workdir) as url,
            chromium_in(link.client, workdir) as browser,
            LinkCounters(link, workdir) as counters,
        ):
            context = browser.new_context()
            try:
                page = context.new_page()
                page.goto(url + "/")
                page.wait_for_function("window.__cf !== undefined", timeout=TIMEOUT_S * 1000)
                found = page.evaluate("window.__cf")
            finally:
                context.close()
    except Exception as error:
        say(f"    cloudflare: failed: {type(error).__name__}: {error}".splitlines()[0])
        return {"error": f"{type(error).__name__}: {error}"[:300]}
    outcome = summarise(found, counters)
    outcome["wall_seconds"] = round(time.monotonic() - started, 1)
    say(
        f"    cloudflare: download {fmt(outcome['download_mbps'])}, upload "
        f"{fmt(outcome['upload_mbps'])} Mbit/s, {outcome['seconds']} s, "
        f"loaded latency {outcome['loaded_latency_ms']} ms"
        + (f", errors {outcome['errors']}" if outcome["errors"] else "")
    )
    return outcome


def summarise(found: dict, counters: LinkCounters | None) -> dict:
    """The engine's summary in the bench's units, with each direction's time and bytes."""
    summary = found.get("summary") or {}
    spans = phase_spans(found.get("marks") or [], found["done_epoch_ms"])
    outcome = {
        "download_mbps": mbps(summary.get("download")),
        "upload_mbps": mbps(summary.get("upload")),
        "latency_ms": summary.get("latency"),
        "loaded_latency_ms": {
            "download": summary.get("downLoadedLatency"),
            "upload": summary.get("upLoadedLatency"),
        },  # fmt: skip
        "seconds": {
            way: round(spans_seconds(spans.get(way, [])), 1)
            for way in ("download", "upload", "latency")
        },  # fmt: skip
        "total_seconds": round((found["done_epoch_ms"] - found["began_epoch_ms"]) / 1000, 1),
        "errors": found.get("errors") or [],
    }
    if counters is not None:
        outcome["phase_link_bytes"] = {
            way: sum((counters.between(side, a / 1000, b / 1000) or 0)
                     for a, b in spans.get(way, []))
            for way, side in (("download", "server"), ("upload", "client"))
        }  # fmt: skip
    return outcome


def mbps(bps) -> float | None:
    return round(bps / MBIT, 3) if bps else None


def fmt(value) -> str:
    return "-" if value is None else f"{value:.2f}"
