"""Table 1: the browser's figures against curl's on links shaped with tc tbf."""

import json
import tempfile
import time
from pathlib import Path

from . import curl
from .browser import chromium_in, number, phase_seconds, run_check
from .figures import bytes_for_seconds, error_percent
from .namespace import Namespace
from .server import (
    app_server,
    connection_results_after,
    create_database,
    last_connection_result_id,
)

MTU = 1500
REFERENCE_SECONDS = 8.5  # at the line rate; goodput is a little lower, so about 9 s
REFERENCE_RUNS = 2
REFERENCE_MAX_BYTES = 300_000_000
CHECK_TIMEOUT_S = 60
# The browser runs against the app as deployed: the probe's per-request cap is also the
# browser's largest request (maxRequestBytes), so only curl's server gets raised limits.
APP_WORKERS, APP_THREADS = 1, 16


def measure_rate(rate_mbit: float, runs: int, say) -> dict:
    """One fresh namespace shaped at rate_mbit: curl's references, then the check page."""
    with (
        Namespace(f"{rate_mbit:g}m", mtu=MTU, rate_mbit=rate_mbit) as ns,
        tempfile.TemporaryDirectory(prefix="rbench-") as tmp,
    ):
        workdir = Path(tmp)
        database = workdir / "bench.db"
        create_database(database)
        outcome = {"rate_mbit": rate_mbit, "burst_bytes": ns.burst, "tc": ns.tc_command()}
        outcome["reference"] = references(ns, workdir, database, rate_mbit, say)
        outcome["runs"] = browser_runs(ns, workdir, database, rate_mbit, runs, say)
        return outcome


def references(ns, workdir: Path, database: Path, rate_mbit: float, say) -> dict:
    size = bytes_for_seconds(rate_mbit, REFERENCE_SECONDS)
    timeout = REFERENCE_SECONDS * 3 + 10
    body = curl.random_file(workdir / "upload.bin", size)
    limits = {"PROBE_MAX_DOWNLOAD_BYTES": REFERENCE_MAX_BYTES,
              "PROBE_MAX_UPLOAD_BYTES": REFERENCE_MAX_BYTES}  # fmt: skip
    found = {"download": [], "upload": []}
    with app_server(ns, workdir, database, workers=APP_WORKERS, threads=APP_THREADS,
                    **limits) as url:  # fmt: skip
        for _ in range(REFERENCE_RUNS):
            found["download"].append(curl.download(ns, url, size, timeout))
            found["upload"].append(curl.upload(ns, url, body, timeout))
    body.unlink()
    best = {way: max(t["mbps"] for t in transfers) for way, transfers in found.items()}
    say(
        f"  {rate_mbit:g} Mbit/s: curl {size / 1e6:.1f} MB each way, "
        f"download {fmt_list(found['download'])}, upload {fmt_list(found['upload'])} Mbit/s"
    )
    return {"bytes": size, "transfers": found, "best_mbps": best}


def browser_runs(ns, workdir: Path, database: Path, rate_mbit: float, runs: int, say) -> list:
    results = []
    with (
        app_server(ns, workdir, database, workers=APP_WORKERS, threads=APP_THREADS) as url,
        chromium_in(ns, workdir) as browser,
    ):
        for run in range(1, runs + 1):
            last_id = last_connection_result_id(database)
            started = time.monotonic()
            try:
                page = run_check(browser, url, timeout_s=CHECK_TIMEOUT_S)
            except Exception as error:  # a run that breaks is a result too
                say(f"  run {run}: failed: {type(error).__name__}: {error}".splitlines()[0])
                results.append({"run": run, "error": f"{type(error).__name__}: {error}"[:300]})
                continue
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
                "seconds": samples.get("seconds", {}),
                "page_phase_seconds": phase_seconds(page["phases"], page["done_ms"]),
                "samples": samples,
            }
            say(
                f"  run {run}: download {result['download_mbps']}, upload "
                f"{result['upload_mbps']} Mbit/s, {result['seconds']} s, "
                f"phases {result['page_phase_seconds']}"
            )
            results.append(result)
    return results


def fmt_list(transfers: list[dict]) -> str:
    return "/".join(f"{t['mbps']:.2f}" for t in transfers)


def rows(outcome: dict) -> list[dict]:
    """One row per run and direction: reference, measured, error, duration."""
    table = []
    for run in outcome["runs"]:
        for way in ("download", "upload"):
            reference = outcome["reference"]["best_mbps"][way]
            measured = run.get(f"{way}_mbps")
            table.append(
                {
                    "rate_mbit": outcome["rate_mbit"],
                    "run": run["run"],
                    "direction": way,
                    "reference_mbps": reference,
                    "measured_mbps": measured,
                    "error_percent": error_percent(measured, reference) if measured else None,
                    "seconds": run.get("seconds", {}).get(way),
                    "failure": run.get("failure") or run.get("error"),
                }
            )
    return table
