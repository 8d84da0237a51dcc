"""The two tables as text, and the copies kept in bench/results/."""

import json
from pathlib import Path

from .figures import (
    ACCURACY_PERCENT,
    BYTES_FACTOR,
    FAST_DIRECTION_SECONDS,
    FAST_FROM_MBIT,
    FAST_STEP_SECONDS,
    LATENCY_PHASE_SECONDS,
    LOSSY_ACCURACY_PERCENT,
    PAGE_P99_MS,
    SLOW_ACCURACY_PERCENT,
    SLOW_ACCURACY_UP_TO_MBIT,
    SLOW_DIRECTION_SECONDS,
    SLOW_STEP_SECONDS,
    STEP_BOUND_MAX_RTT_MS,
    accuracy_for,
    as_accurate_and_faster,
    bytes_ratio,
    direction_seconds_target,
    error_percent,
    goodput_ceiling,
    judging_reference,
    step_seconds_target,
)
from .server_load import LOAD_STREAMS, PAGE, PAGE_PACE_MS, SINGLE_STREAM_BYTES
from .shaped import (
    PARALLEL_STREAMS,
    PING_RTT_TOLERANCE_MS,
    REFERENCE_RUNS,
    REFERENCE_SECONDS,
    rows,
)

# From this round trip the test cannot settle in its time: it must say so, not read wrong.
FAIL_CLEARLY_FROM_MS = 600

PEERS = {"st": "speedtest-cli", "cf": "cloudflare"}
RESULTS = Path(__file__).resolve().parent / "results"


def mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "MISS")


def step_cell(seconds: float | None, link_mbit: float, rtt_ms: float = 0.0) -> str:
    """The whole step, Start -> result shown, against its target (figures.step_seconds_target),
    n/a where the link's round trip has none."""
    if seconds is None:
        return "-"
    limit = step_seconds_target(link_mbit, rtt_ms)
    return f"{seconds:.1f} {mark(None if limit is None else seconds <= limit)}"


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
    header = ["link", "ping ms", "run", "dir", "curl", "curl×4", "ceiling", "measured",
              "error %", "acc.", "err×4 %", "dir s", "≤ s", "time", "phase/(R·s)", "≤1.2",
              "run/(R·s)", "lat. ms", "lat. phase s", f"≤{LATENCY_PHASE_SECONDS:g}s", "total s",
              "verdict"]  # fmt: skip
    lines, notes = [], []
    counts = {key: [0, 0] for key in ("accuracy", "time", "bytes", "latency", "peer", "cf")}
    for outcome in outcomes:
        spec = outcome["spec"]
        if "error" in outcome:
            notes.append(f"{spec}: not measured: {outcome['error']}")
            continue
        shape = outcome["shape"]
        ping = outcome["ping"]
        ping_cell = f"{ping['avg']:.1f} {mark(ping['ok'])}"
        if not ping["ok"]:
            notes.append(f"{spec}: the link's own round trip is off: ping {ping}.")
        hopeless = shape["rtt_ms"] >= FAIL_CLEARLY_FROM_MS
        runs = {run["run"]: run for run in outcome.get("runs", [])}
        first_line = True
        for row in rows(outcome):
            way, run = row["direction"], runs.get(row["run"], {})
            rate = shape["down_mbit"] if way == "download" else shape["up_mbit"]
            peer = row["run"] in ("st", "cf")
            measured, reference = row["measured_mbps"], row["reference_mbps"]
            parallel = row["parallel_reference_mbps"]
            judged = judging_reference(reference, parallel, shape["loss_percent"])
            allowed = accuracy_for(rate, shape["loss_percent"])
            accurate = (abs(error_percent(measured, judged)) <= allowed
                        if measured and judged else False)  # fmt: skip
            if hopeless:  # must fail clearly rather than read wrong
                accurate = accurate or bool(row["failure"])
            # The guidance is in goodput: a 10 Mbit/s link carries 9.56, below a guidance of 10.
            limit = direction_seconds_target(goodput_ceiling(rate))
            quick = row["seconds"] <= limit if row["seconds"] is not None else None
            ratio = (bytes_ratio(row["link_bytes"], rate, row["seconds"])
                     if row["link_bytes"] is not None else None)  # fmt: skip
            whole_run = (bytes_ratio(row["run_link_bytes"], rate, row["seconds"])
                         if row["run_link_bytes"] is not None else None)  # fmt: skip
            frugal = ratio <= BYTES_FACTOR if ratio is not None else None
            tally(counts[{"st": "peer", "cf": "cf"}.get(row["run"], "accuracy")], accurate)
            if not peer:
                tally(counts["time"], quick)
                tally(counts["bytes"], frugal)
            ceiling = goodput_ceiling(rate)
            if measured and round(measured, 2) > round(ceiling, 2):  # as the table shows them
                who = PEERS.get(row["run"], f"run {row['run']}")
                notes.append(f"{spec} {who} {way}: {measured:.2f} Mbit/s is ABOVE the link's "
                             f"payload ceiling, {ceiling:.2f}.")  # fmt: skip
            run_cells = [""] * 5
            if way == "download" and not peer:
                phase = run.get("page_phase_seconds", {}).get("latency")
                latency_ok = phase <= LATENCY_PHASE_SECONDS if phase is not None else False
                tally(counts["latency"], latency_ok)
                run_cells = [
                    num(run.get("latency_ms"), 1),
                    num(phase),
                    mark(latency_ok),
                    step_cell(run.get("step_seconds"), shape["down_mbit"], shape["rtt_ms"]),
                    run.get("verdict") or "failed",
                ]
                if row["failure"]:
                    notes.append(f"{spec} run {row['run']}: {row['failure']}")
            if peer and way == "download" and row["failure"]:
                who = PEERS[row["run"]]
                notes.append(f"{spec} {who}: {row['failure']}")
            lines.append(
                [
                    spec if first_line else "",
                    ping_cell if first_line else "",
                    str(row["run"]) if way == "download" else "",
                    "down" if way == "download" else "up",
                    num(reference),
                    num(parallel),
                    num(ceiling),
                    num(measured),
                    num(row["error_percent"], 1) if row["error_percent"] is not None else "-",
                    mark(accurate),
                    num(error_percent(measured, parallel), 1) if measured and parallel else "",
                    num(row["seconds"], 1),
                    "" if peer else f"{limit:g}",
                    "" if peer else mark(quick),
                    num(ratio),
                    "" if peer else mark(frugal),
                    num(whole_run),
                    *run_cells,
                ]
            )
            first_line = False
    summary = (
        f"Targets met (browser): accuracy (±{ACCURACY_PERCENT:g} % of curl, "
        f"±{SLOW_ACCURACY_PERCENT:g} % at {SLOW_ACCURACY_UP_TO_MBIT:g} Mbit/s and below, "
        f"±{LOSSY_ACCURACY_PERCENT:g} % with loss; a {FAIL_CLEARLY_FROM_MS:g} ms row passes by "
        f"failing clearly) {fraction(counts['accuracy'])} rows; direction time (≤ "
        f"{FAST_DIRECTION_SECONDS:g} s when the link carries {FAST_FROM_MBIT:g} Mbit/s of "
        f"goodput, ≤ {SLOW_DIRECTION_SECONDS:g} s below) {fraction(counts['time'])}; "
        f"bytes ≤ {BYTES_FACTOR:g} × R × s "
        f"{fraction(counts['bytes'])}; latency phase ≤ {LATENCY_PHASE_SECONDS:g} s "
        f"{fraction(counts['latency'])} runs.\n"
        f"speedtest-cli against the same targets: accuracy {fraction(counts['peer'])} rows; "
        f"Cloudflare's engine (run cf): {fraction(counts['cf'])} rows."
    )
    lines_out = [table(header, lines), "", summary, step_line(outcomes), congestion_line(outcomes)]
    return "\n".join([*lines_out, *notes])


def step_line(outcomes: list[dict]) -> str:
    """How many runs showed their result within the whole step's time (Start -> result)."""
    count = [0, 0]
    for outcome in outcomes:
        for run in outcome.get("runs", []) if "error" not in outcome else []:
            seconds = run.get("step_seconds")
            limit = step_seconds_target(outcome["shape"]["down_mbit"], outcome["shape"]["rtt_ms"])
            if limit is not None:
                tally(count, seconds <= limit if seconds is not None else False)
    return (
        f"Whole connection step, Start -> result shown (total s; the media path comes after it): "
        f"≤ {FAST_STEP_SECONDS:g} s at {FAST_FROM_MBIT:g} Mbit/s and more, "
        f"≤ {SLOW_STEP_SECONDS:g} s below, on round trips up to {STEP_BOUND_MAX_RTT_MS:g} ms: "
        f"{fraction(count)} runs."
    )


def congestion_line(outcomes: list[dict]) -> str:
    """Which TCP congestion control the rows ran with: BBR keeps one stream near the rate on a
    lossy link where CUBIC or Reno fall far below it (see --congestion)."""
    found = sorted({o["congestion"] for o in outcomes if o.get("congestion")})
    return f"TCP congestion control in both namespaces: {', '.join(found) or 'not recorded'}."


def tally(count: list[int], ok: bool | None):
    if ok is None:
        return
    count[0] += bool(ok)
    count[1] += 1


def fraction(count: list[int]) -> str:
    return f"{count[0]}/{count[1]}"


SHAPED_NOTES = f"""\
Link: per row, two fresh namespaces (client: Chromium, curl, speedtest-cli; server: gunicorn
  gthread 1 worker x 16 threads, fresh SQLite, rate limits off) joined by TUN devices (MTU 1500)
  and the delay line (bench/delayline.c, real-time priority): it holds each packet for half the
  round trip each way and drops the row's loss share each way. Rate: on each TUN device's egress
  tc qdisc replace dev rbtun root tbf rate <R>mbit burst <B> latency 50ms overhead 14
  (B = max(15000 bytes, 10 ms at R); overhead 14 counts an Ethernet header, as on a real link;
  a row ending qQUEUE has latency QUEUE ms instead: q200 is a home router's deep queue).
  Row spec DOWN[/UP]@RTT[+LOSS%][qQUEUE]. "ping ms": the link's own check, mean of 10 pings
  against the row's RTT (±{PING_RTT_TOLERANCE_MS:g} ms).
curl: "curl" is one stream's steady goodput each way, as the check's own ramp-up is left out:
  transfers of (ramp + {REFERENCE_SECONDS:g} s) at the line rate, the ramp max(1.5 s, 12 RTT)
  from the first byte. Download: GET /probe/download, bytes counted as they leave curl's stdout,
  from the ramp's end to the last byte. Upload: a streamed POST to bench/receiver.py in the
  server's namespace, which stamps each read as the bytes arrive and counts from the ramp's end
  to the last byte (the server sees when bytes cross; curl's time_total does not).
  "curl×4": {PARALLEL_STREAMS} downloads at once (as the check opens them), summed from the ramp's
  end until the first one ends; "err×4 %" the measured figure against it. "acc." judges
  against "curl", or against "curl×4" on a lossy row (what one stream gets there depends on
  TCP's congestion control; see the line below the table). Mean of the runs
  (--reference-runs, {REFERENCE_RUNS} by default). curl's server alone has the probe's size caps
  raised.
browser: the check page (/en/, start the check) in headless Chromium; every run reported. dir s
  from the stored result (samples.seconds); the latency phase from the page's phase line.
  phase/(R·s): bytes the sending side put on the link during that direction's phase only (its
  TUN counter sampled every 50 ms, matched to the page's phase lines on the wall clock) over the
  rate times the direction's seconds; run/(R·s): the same with the whole run's counter (the
  page's load, every phase, the other direction's ACKs). st: speedtest-cli (flask probe
  speedtest --json) against the app's /probe/mini/ on the same link; its time is the whole
  command, both directions. cf: Cloudflare's engine (see the table below this one).
ceiling: no goodput can exceed 1448/1514 = 95.6 % of R; figures above it are flagged below."""


def self_check_section(outcomes: list[dict]) -> str:
    """The emulator's own check: ping's round trip, and curl's references each way with their
    spread over the runs (the old upload reference beside the receiver's count)."""
    header = ["link", "RTT ms", "ping min/avg/max ms", f"±{PING_RTT_TOLERANCE_MS:g}",
              "down 1 stream", "of ceil.", "spread", "down ×4", "of ceil.", "spread",
              "up (receiver)", "of ceil.", "spread", "up (half/full)", "spread"]  # fmt: skip
    lines, notes = [], []
    for outcome in outcomes:
        if "error" in outcome:
            notes.append(f"{outcome['spec']}: not measured: {outcome['error']}")
            continue
        shape, ping, reference = outcome["shape"], outcome["ping"], outcome["reference"]
        cells = []
        for way, rate, share in (("download", shape["down_mbit"], True),
                                 ("download_parallel", shape["down_mbit"], True),
                                 ("upload", shape["up_mbit"], True),
                                 ("upload_difference", shape["up_mbit"], False)):  # fmt: skip
            values = reference["steady"].get(way, [])
            mbps = reference["best_mbps"].get(way)
            cells.append(f"{num(mbps)} ({fmt_runs(values)})")
            if share:
                cells.append(f"{mbps / goodput_ceiling(rate) * 100:.1f} %" if mbps else "-")
            spread = reference.get("spread_percent", {}).get(way)
            cells.append(f"{spread:.3f} %" if spread is not None else "-")
        lines.append([outcome["spec"], f"{shape['rtt_ms']:g}",
                      f"{ping['min']:.2f}/{ping['avg']:.2f}/{ping['max']:.2f}", mark(ping["ok"]),
                      *cells])  # fmt: skip
    text = (
        "1. The link emulator's own check (no browser)\n\n" + SHAPED_NOTES.split("curl:")[0]
        + "curl: steady goodput, mean (each run); see table 1's notes. 'of ceil.' is the mean\n"
        "  over R x 1448/1514; spread is (largest - smallest) / mean over the runs.\n"
        "  'up (half/full)' is the previous upload reference, (full - half bytes) /\n"
        "  (full - half time_total) from curl's side, measured in the same runs to compare.\n\n"
        + table(header, lines)
    )  # fmt: skip
    return "\n".join([text, "", congestion_line(outcomes), *notes])


def fmt_runs(values: list, digits: int = 2) -> str:
    return "/".join(f"{v:.{digits}f}" if v is not None else "-" for v in values) or "-"


def shaped_section(outcomes: list[dict]) -> str:
    return "\n".join(["1. Accuracy on emulated links", "", SHAPED_NOTES, "",
                      shaped_table(outcomes), "", peers_table(outcomes)])  # fmt: skip


def hopeless(outcome: dict, runs: list[dict]) -> bool:
    """A row too far to measure (FAIL_CLEARLY_FROM_MS) on which every run failed clearly."""
    return (outcome["shape"]["rtt_ms"] >= FAIL_CLEARLY_FROM_MS and bool(runs)
            and all(run.get("failure") and run.get("duration_ms") for run in runs))  # fmt: skip


def peers_table(outcomes: list[dict]) -> str:
    """Ours beside Cloudflare's engine, row by row and direction by direction: error against
    curl, seconds, bytes on the link and loaded latency; and whether ours is at least as
    accurate and faster (issue 29)."""
    header = ["link", "dir", "curl", "ours", "err %", "cf", "cf err %", "ours s", "cf s",
              "ours MB", "cf MB", "ours load. ms", "cf load. ms", "≥ acc.", "faster"]  # fmt: skip
    lines, misses, totals = [], [], []
    for outcome in outcomes:
        found = outcome.get("cloudflare")
        if "error" in outcome or not found:
            continue
        runs = [run for run in outcome.get("runs", []) if "error" not in run]
        if "error" in found:
            misses.append(f"{outcome['spec']}: Cloudflare's engine failed: {found['error']}")
            continue
        ours_total = [run["duration_ms"] / 1000 for run in runs if run.get("duration_ms")]
        totals.append(f"{outcome['spec']} ours {fmt_runs(ours_total)} s, "
                      f"cf {found.get('total_seconds')} s")  # fmt: skip
        for way in ("download", "upload"):
            reference = outcome["reference"]["best_mbps"][way]
            measured = [run.get(f"{way}_mbps") for run in runs]
            errors = [error_percent(m, reference) for m in measured if m and reference]
            seconds = [run["seconds"][way] for run in runs if run.get("seconds", {}).get(way)]
            cf = found.get(f"{way}_mbps")
            cf_error = error_percent(cf, reference) if cf and reference else None
            cf_seconds = found.get("seconds", {}).get(way)
            verdict = as_accurate_and_faster(errors, seconds, cf_error, cf_seconds)
            if hopeless(outcome, runs):
                # Every run failed clearly, as a row this far must, where Cloudflare's engine
                # gave figures: no figure beats a wrong one; faster if it said so sooner.
                verdict = {
                    "accurate": True,
                    "faster": all(t < (found.get("total_seconds") or 0) for t in ours_total),
                }
            for name, ok in verdict.items():
                if not ok:
                    misses.append(f"{outcome['spec']} {way}: ours is not "
                                  f"{'at least as accurate' if name == 'accurate' else 'faster'}"
                                  " than Cloudflare's engine.")  # fmt: skip
            ours_bytes = [run.get("phase_link_bytes", {}).get(way) for run in runs]
            ours_loaded = [run.get("loaded_latency_ms", {}).get(way) for run in runs]
            lines.append([
                outcome["spec"] if way == "download" else "",
                "down" if way == "download" else "up",
                num(reference),
                fmt_runs(measured),
                fmt_runs(errors, 1),
                num(cf),
                num(cf_error, 1),
                fmt_runs(seconds, 1),
                num(cf_seconds, 1),
                fmt_runs([b / 1e6 for b in ours_bytes if b], 1),
                num((found.get("phase_link_bytes", {}).get(way) or 0) / 1e6, 1),
                fmt_runs(ours_loaded, 0),
                num(found.get("loaded_latency_ms", {}).get(way), 0),
                mark(verdict["accurate"]),
                mark(verdict["faster"]),
            ])  # fmt: skip
    if not lines and not misses:
        return ""
    notes = (
        "Ours beside Cloudflare's engine (@cloudflare/speedtest, its default measurements less "
        "packet loss,\n  in the same Chromium, against bench/cloudflare_endpoint.py on the same "
        "link): error against curl,\n  seconds per direction (cf: the time between its changes "
        "of measurement type), bytes the sender put\n  on the link in that time, loaded latency. "
        "Ours: every run (a/b). ≥ acc.: every run's error no larger\n  than Cloudflare's; "
        "faster: every run's direction shorter. On a row too far to measure,\n  where ours must "
        "fail clearly, no figure counts as at least as accurate, and faster is the whole run.\n"
        "Whole run: " + "; ".join(totals) + "."
    )
    return "\n".join([notes, "", table(header, lines), *misses])


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
        held = f", {found['held_s']:g} s" if found.get("held_s") else ""
        lines.append(
            [
                f"{found['attack']} / {found.get('addresses', 1)}{held}",
                f"{found['p50_ms']:.1f}",
                f"{found['p99_ms']:.1f}",
                f"{found.get('max_ms', 0):.0f}",
                f"{found['pages']} {found['statuses']}",
                f"{found['honest_complete']}/{len(found['honest'])}",
                f"{min(downs, default=0):.0f}-{max(downs, default=0):.0f}",
                f"{min(ups, default=0):.0f}-{max(ups, default=0):.0f}",
                mark(found["ok"]),
            ]
        )
    header = [
        "never-read / addresses, held",
        "/en/ p50 ms",
        "/en/ p99 ms",
        "max ms",
        "pages (statuses)",
        "honest done",
        "down Mbit/s",
        "up Mbit/s",
        "target",
    ]
    return (
        "3. Never-read downloads from several clients beside 16 honest tests (4 streams each)\n"
        "and /en/, on loopback; gunicorn gthread 2 x 64 (make run's defaults). A held round keeps\n"
        "them open past the 10 s stall timeout, /en/ timed throughout. Target: /en/ p99 under\n"
        "300 ms and every honest test complete with every byte counted.\n\n"
        + table(header, lines, numbers=False)
    )
