"""The two tables as text, and the copies kept in bench/results/."""

import json
from pathlib import Path

from .figures import (
    ACCURACY_PERCENT,
    LATENCY_PHASE_SECONDS,
    PAGE_P99_MS,
    direction_seconds_target,
    goodput_ceiling,
    within_accuracy,
)
from .server_load import LOAD_STREAMS, PAGE, PAGE_PACE_MS, SINGLE_STREAM_BYTES
from .shaped import REFERENCE_RUNS, REFERENCE_SECONDS, rows

RESULTS = Path(__file__).resolve().parent / "results"


def mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "MISS")


def table(header: list[str], lines: list[list[str]], *, numbers: bool = True) -> str:
    """Columns padded to their widest cell; figures right-aligned, the first column left."""
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]

    def line(row):
        cells = [str(c).ljust(w) if i == 0 or not numbers else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]  # fmt: skip
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in lines)])


def num(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def shaped_table(outcomes: list[dict]) -> str:
    header = ["link Mbit/s", "burst B", "run", "dir", "curl Mbit/s", "browser Mbit/s", "error %",
              f"±{ACCURACY_PERCENT:g}%", "dir s", "≤ s", "time", "latency ms", "jitter ms",
              "lat. phase s", f"≤{LATENCY_PHASE_SECONDS:g}s", "total s", "MB used",
              "verdict"]  # fmt: skip
    lines, counts = [], {"accuracy": [0, 0], "time": [0, 0], "latency": [0, 0]}
    notes = []
    for outcome in outcomes:
        rate = outcome["rate_mbit"]
        if "error" in outcome:
            notes.append(f"{rate:g} Mbit/s: not measured: {outcome['error']}")
            continue
        runs = {run["run"]: run for run in outcome["runs"]}
        for row in rows(outcome):
            run = runs[row["run"]]
            limit = direction_seconds_target(rate)
            accurate = (within_accuracy(row["measured_mbps"], row["reference_mbps"])
                        if row["measured_mbps"] else False)  # fmt: skip
            quick = row["seconds"] <= limit if row["seconds"] is not None else False
            tally(counts["accuracy"], accurate)
            tally(counts["time"], quick)
            first = row["direction"] == "download"
            run_cells = ["", "", "", "", "", "", ""]
            if first:
                phase = run.get("page_phase_seconds", {}).get("latency")
                latency_ok = phase <= LATENCY_PHASE_SECONDS if phase is not None else False
                tally(counts["latency"], latency_ok)
                used = run.get("bytes_used")
                run_cells = [
                    num(run.get("latency_ms"), 1),
                    num(run.get("jitter_ms"), 1),
                    num(phase),
                    mark(latency_ok),
                    num(run["duration_ms"] / 1000 if run.get("duration_ms") else None, 1),
                    num(used / 1e6 if used else None, 1),
                    run.get("verdict") or "failed",
                ]
            ceiling = goodput_ceiling(rate)
            if row["measured_mbps"] and row["measured_mbps"] > ceiling:
                notes.append(
                    f"{rate:g} Mbit/s run {row['run']} {row['direction']}: the browser's "
                    f"{row['measured_mbps']:.2f} Mbit/s is above the link's payload ceiling, "
                    f"{ceiling:.3f}."
                )
            if row["failure"] and first:
                notes.append(f"{rate:g} Mbit/s run {row['run']}: {row['failure']}")
            lines.append(
                [
                    f"{rate:g}",
                    str(outcome["burst_bytes"]) if first else "",
                    str(row["run"]) if first else "",
                    "down" if first else "up",
                    num(row["reference_mbps"]),
                    num(row["measured_mbps"]),
                    num(row["error_percent"], 1) if row["error_percent"] is not None else "-",
                    mark(accurate),
                    num(row["seconds"], 1),
                    f"{limit:g}",
                    mark(quick),
                    *run_cells,
                ]
            )
    summary = (
        f"Targets met: accuracy within ±{ACCURACY_PERCENT:g} % of curl "
        f"{fraction(counts['accuracy'])} rows; direction time (≤ 8 s from 10 Mbit/s, ≤ 12 s "
        f"below) {fraction(counts['time'])} rows; latency phase ≤ {LATENCY_PHASE_SECONDS:g} s "
        f"{fraction(counts['latency'])} runs."
    )
    return "\n".join([table(header, lines), "", summary, *notes])


def tally(count: list[int], ok: bool):
    count[0] += bool(ok)
    count[1] += 1


def fraction(count: list[int]) -> str:
    return f"{count[0]}/{count[1]}"


SHAPED_NOTES = f"""\
Link: a fresh network namespace per rate, loopback MTU 1500, shaped with
  tc qdisc replace dev lo root tbf rate <R>mbit burst <B> latency 50ms,
  B = max(15000 bytes, 10 ms at R); a fresh SQLite database and gunicorn (gthread, 1 worker,
  16 threads) inside it, rate limits off.
curl: one stream each way, about {REFERENCE_SECONDS:g} s at the line rate (GET /probe/download,
  streamed POST /probe/upload), goodput = bytes / curl's time_total; best of {REFERENCE_RUNS} runs.
  curl's server alone has the probe's size caps raised; the browser runs against the app's
  defaults, since the cap on one probe request is also the browser's largest request.
browser: the check page (/en/, start the check) in headless Chromium inside the namespace;
  every run is reported. Figures from the result element (data-*); each direction's seconds
  from the stored result (samples.seconds); the latency phase from the page's phase line
  (a MutationObserver stamps each change: step 1 shown until step 2 shown); total s is
  data-duration-ms (the whole test); MB used is both directions.
ceiling: no goodput can exceed 1448/1514 = 95.6 % of R (full-size segments, the link header
  counted by the qdisc); browser figures above it are listed under the table."""


def shaped_section(outcomes: list[dict]) -> str:
    return "\n".join(["1. Accuracy on shaped links", "", SHAPED_NOTES, "", shaped_table(outcomes)])


def server_section(outcome: dict) -> str:
    if "error" in outcome:
        return f"2. Server\n\nnot measured: {outcome['error']}"
    header = ["measure", "result", "target"]
    size = f"{SINGLE_STREAM_BYTES / 1e6:g} MB"
    lines = [
        [f"single-stream download (curl GET, {size})", transfer(outcome["download"]), ""],
        [f"single-stream upload (curl POST, {size})", transfer(outcome["upload"]), ""],
    ]
    for key, what in (
        ("page_idle", "idle"),
        ("page_unthrottled", f"{LOAD_STREAMS} downloads unthrottled"),
        ("page_patients", f"{LOAD_STREAMS} downloads at 50 Mbit/s each"),
    ):
        found = outcome[key]
        result = (
            f"p50 {found['p50_ms']:.1f} ms, p99 {found['p99_ms']:.1f} ms, "
            f"max {found['max_ms']:.1f} ms (n={found['n']} in {found['seconds']:g} s)"
        )
        if "load_mbps" in found:
            result += f"; loopback carried {found['load_mbps']:.0f} Mbit/s"
            if found["load_failures"]:
                result += f", {found['load_failures']} downloads failed"
        target = "" if key == "page_idle" else f"p99 < {PAGE_P99_MS:g} ms: "
        target += "" if key == "page_idle" else mark(found["p99_ms"] < PAGE_P99_MS)
        statuses = ", ".join(f"{k}×{v}" for k, v in found["statuses"].items())
        lines.append([f"GET {PAGE}, {what}", result + f" [HTTP {statuses}]", target])
    notes = (
        f"Unshaped loopback in a namespace of its own; gunicorn gthread, {outcome['workers']} "
        f"workers × {outcome['threads']} threads, fresh SQLite, rate limits off.\n"
        f"Page latency: sequential GETs on one keep-alive connection (http.client), one "
        f"started at most every {PAGE_PACE_MS} ms, request sent to last byte read, 5 warm-up "
        f"requests dropped; percentiles interpolated.\n"
        f"Load: {LOAD_STREAMS} curl processes each downloading 1 GB from /probe/download, "
        f"restarted when done, started 2 s before the page requests; the loopback figure is "
        f"the namespace's lo transmit counter over the page requests."
    )
    return "\n".join(["2. Server", "", notes, "", table(header, lines, numbers=False)])


def transfer(found: dict) -> str:
    return f"{found['mbps']:.0f} Mbit/s ({found['seconds']:.2f} s)"


def save(stamp: str, text: str, data: dict) -> tuple[Path, Path]:
    RESULTS.mkdir(exist_ok=True)
    text_path = RESULTS / f"bench-{stamp}.txt"
    json_path = RESULTS / f"bench-{stamp}.json"
    text_path.write_text(text + "\n")
    json_path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return text_path, json_path


def starvation_section(outcome: dict) -> str:
    if "error" in outcome:
        return f"3. Never-read downloads beside honest tests: failed: {outcome['error']}"
    lines = []
    for found in outcome["rounds"]:
        downs = [result["down_mbps"] for result in found["honest"]]
        ups = [result["up_mbps"] for result in found["honest"]]
        lines.append(
            [
                str(found["attack"]),
                f"{found['p50_ms']:.1f}",
                f"{found['p99_ms']:.1f}",
                f"{found['pages']} {found['statuses']}",
                f"{found['honest_complete']}/{len(found['honest'])}",
                f"{min(downs, default=0):.0f}-{max(downs, default=0):.0f}",
                f"{min(ups, default=0):.0f}-{max(ups, default=0):.0f}",
                mark(found["ok"]),
            ]
        )
    header = [
        "never-read",
        "/en/ p50 ms",
        "/en/ p99 ms",
        "pages (statuses)",
        "honest done",
        "down Mbit/s",
        "up Mbit/s",
        "target",
    ]
    return (
        "3. Never-read downloads from one client beside 16 honest tests (4 streams each) and\n"
        "/en/, on loopback; gunicorn gthread 2 x 64 (make run's defaults). Target: /en/ p99 under\n"
        "300 ms and every honest test complete with every byte counted.\n\n"
        + table(header, lines, numbers=False)
    )
