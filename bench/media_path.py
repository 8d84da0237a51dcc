"""Table 7: the media path against the emulated link: round trip and loss as imposed.

Each row is a fresh Link (bench/link.py: the delay line holds each packet for half the round
trip and drops the row's loss share each way). The app runs under gunicorn in the server's
namespace, its media peer offering only the link's address, and the patient's real check page
runs in Chromium in the client's namespace: the whole connection step, its speed test cut to a
few seconds a direction (what is measured here comes after it). Per run, the figures the page
shows and the row the app stored; against them, what the link imposes: ping's round trip, and
the loss share, judged with the binomial interval of the packets actually sent.
"""

import json
import secrets
import tempfile
from pathlib import Path

from readiness.config import DefaultConfig

from .browser import chromium_in, number, run_check
from .figures import (
    CONFIDENCE,
    MEDIA_RTT_MS,
    MEDIA_RTT_SHARE,
    chance_of_band,
    loss_band,
    loss_consistent,
    loss_interval,
    media_rtt_within,
    packets_to_tell_apart,
)
from .link import SERVER_ADDRESS, Link, Shape, dropped_percent, ping_rtt_ms
from .report import fraction, mark, num, table, tally
from .server import app_server, connection_results_after, create_database, last_connection_result_id

# Round trips 0-150 ms without loss; loss below, at and around the thresholds (5 % limits
# video, 10 % rules it out) at a usual 40 ms; and an asymmetric slow upload with loss, where the
# check's own packets (400 kbit/s) take a good share of a 1 Mbit/s link.
DEFAULT_MEDIA_ROWS = "10@0,10@60,10@150,10@40+1,10@40+3,10@40+6,10@40+12,10/1@60+3"
SPEED_TEST_SECONDS = 3
CHECK_TIMEOUT_S = 90
APP_WORKERS, APP_THREADS = 1, 16
MEDIA_REASONS = ("udp_blocked", "packet_loss_high", "media_blocked", "media_unreachable")

SENT_PER_DIRECTION = round(
    DefaultConfig.MEDIA_SECONDS_PER_DIRECTION * DefaultConfig.MEDIA_PACKETS_PER_SECOND
)
READY_LOSS = DefaultConfig.READY_PACKET_LOSS_PERCENT
LIMITED_LOSS = DefaultConfig.LIMITED_PACKET_LOSS_PERCENT


def measure_media_row(spec: str, shape: Shape, runs: int, say) -> dict:
    """One fresh link: ping's round trip, then `runs` checks in Chromium and what was stored."""
    # A seed of its own per row: with one fixed seed every link replays the same drops, and
    # rows (or repeated benches) of the same loss are not independent samples.
    seed = secrets.randbelow(2**31 - 1) + 1
    name = "m" + spec.replace("/", "-").replace("@", "r").replace("+", "l")[:7]
    with (
        Link(name, shape, seed=seed) as link,
        tempfile.TemporaryDirectory(prefix="rbench-media-") as tmp,
    ):
        workdir = Path(tmp)
        database = workdir / "bench.db"
        create_database(database)
        outcome = {"spec": spec, "shape": shape.__dict__, "ping": ping_rtt_ms(link), "runs": [],
                   "seed": seed}  # fmt: skip
        say(f"  {spec} ({shape.name()}, seed {seed}): ping avg {outcome['ping']['avg']:.1f} ms")
        settings = {
            "MEDIA_CHECK_ENABLED": "true",
            "MEDIA_HOST_ADDRESSES": SERVER_ADDRESS,
            "CONNECTION_TEST_MAX_SECONDS": SPEED_TEST_SECONDS,
            "CONNECTION_TEST_SLOW_MAX_SECONDS": SPEED_TEST_SECONDS,
        }
        with (
            app_server(link.server, workdir, database, workers=APP_WORKERS, threads=APP_THREADS,
                       host=SERVER_ADDRESS, **settings) as url,
            chromium_in(link.client, workdir) as browser,
        ):  # fmt: skip
            for run in range(1, runs + 1):
                outcome["runs"].append(one_run(run, browser, url, database, say))
        # The emulator's own count: what share of every packet each way it did not deliver.
        outcome["link_dropped"] = dropped_percent(link)
        say(f"    the link dropped {fmt_dropped(outcome['link_dropped'])}")
        return outcome


def fmt_dropped(found: dict) -> str:
    return ", ".join(
        f"{way} {found[way]:.2f} % of {found['packets'][way]}"
        for way in ("upload", "download")
        if found[way] is not None
    )


def one_run(run: int, browser, url: str, database: Path, say) -> dict:
    last_id = last_connection_result_id(database)
    try:
        page = run_check(browser, url, timeout_s=CHECK_TIMEOUT_S, media=True)
    except Exception as error:  # a run that breaks is a result too
        say(f"    run {run}: failed: {type(error).__name__}: {error}".splitlines()[0])
        return {"run": run, "error": f"{type(error).__name__}: {error}"[:300]}
    stored = connection_results_after(database, last_id)
    row = stored[-1] if stored else {}
    figures = page["figures"]
    result = {
        "run": run,
        "page": {
            "route": figures.get("media-route"),
            "loss_percent": number(figures.get("packet-loss-percent")),
            "rtt_ms": number(figures.get("media-rtt-ms")),
        },
        "failure": figures.get("failure") or None,
        "route": row.get("media_route"),
        "candidate": row.get("media_candidate_type"),
        "connect_ms": row.get("media_connect_ms"),
        "rtt_ms": row.get("media_rtt_ms"),
        "jitter_ms": row.get("media_jitter_ms"),
        "loss_up_percent": row.get("media_loss_up_percent"),
        "loss_down_percent": row.get("media_loss_down_percent"),
        "verdict": row.get("verdict"),
        "reasons": json.loads(row.get("reasons") or "[]"),
    }
    say(
        f"    run {run}: route {result['route']}, rtt {result['rtt_ms']} ms, loss up/down "
        f"{result['loss_up_percent']}/{result['loss_down_percent']} %, connect "
        f"{result['connect_ms']} ms, jitter {result['jitter_ms']} ms, {result['verdict']} "
        f"{result['reasons']}" + (f", failure {result['failure']}" if result["failure"] else "")
    )
    return result


def lost_packets(percent: float | None, sent: int = SENT_PER_DIRECTION) -> int | None:
    """The packets a stored loss share stands for (the browser sent `sent` each way)."""
    return None if percent is None else round(percent * sent / 100)


def media_verdict_of(reasons: list[str]) -> str:
    found = [reason for reason in reasons if reason in MEDIA_REASONS]
    return ",".join(found) or "-"


def expected_reasons(loss_percent: float) -> str:
    band = loss_band(loss_percent, READY_LOSS, LIMITED_LOSS)
    return "-" if band == "ready" else "packet_loss_high"


def loss_cell(percent: float | None, imposed: float) -> tuple[str, bool | None]:
    lost = lost_packets(percent)
    if lost is None:
        return "-", None
    low, high = loss_interval(lost, SENT_PER_DIRECTION)
    ok = loss_consistent(imposed, lost, SENT_PER_DIRECTION)
    return f"{lost}/{SENT_PER_DIRECTION} [{low:.1f}-{high:.1f}] {mark(ok)}", ok


def band_of_run(run: dict) -> str | None:
    found = (run.get("loss_up_percent"), run.get("loss_down_percent"))
    losses = [value for value in found if value is not None]
    return loss_band(max(losses), READY_LOSS, LIMITED_LOSS) if losses else None


def section(outcomes: list[dict]) -> str:
    header = ["link", "ping ms", "run", "route", "RTT ms", "±", "loss up", "loss down",
              "connect ms", "jitter ms", "app verdict", "media reason", "imposed implies",
              "ok"]  # fmt: skip
    lines, notes = [], []
    counts = {key: [0, 0] for key in ("rtt", "loss", "verdict", "consistent")}
    for outcome in outcomes:
        spec = outcome["spec"]
        if "error" in outcome:
            notes.append(f"{spec}: not measured: {outcome['error']}")
            continue
        shape, ping = outcome["shape"], outcome["ping"]
        imposed_rtt, imposed_loss = shape["rtt_ms"], shape["loss_percent"]
        expected = expected_reasons(imposed_loss)
        chance = chance_of_band(imposed_loss, SENT_PER_DIRECTION, READY_LOSS, LIMITED_LOSS)
        first = True
        for run in outcome["runs"]:
            if "error" in run or run.get("route") is None:
                why = run.get("error") or run.get("failure") or "no media figures stored"
                notes.append(f"{spec} run {run['run']}: {why}")
                for key in ("rtt", "loss", "loss", "verdict"):
                    tally(counts[key], False)
                lines.append([spec if first else "", f"{ping['avg']:.1f}" if first else "",
                              str(run["run"]), "failed", *[""] * 10])  # fmt: skip
                first = False
                continue
            rtt_ok = media_rtt_within(run["rtt_ms"], imposed_rtt) if run["rtt_ms"] else False
            up, up_ok = loss_cell(run["loss_up_percent"], imposed_loss)
            down, down_ok = loss_cell(run["loss_down_percent"], imposed_loss)
            stored_reason = media_verdict_of(run["reasons"])
            verdict_ok = stored_reason == expected
            # The app's own arithmetic: what it stored is what its thresholds give the figures.
            consistent = (stored_reason == "packet_loss_high") == (band_of_run(run) != "ready")
            tally(counts["rtt"], rtt_ok)
            tally(counts["loss"], up_ok)
            tally(counts["loss"], down_ok)
            tally(counts["verdict"], verdict_ok)
            tally(counts["consistent"], consistent)
            if not consistent:
                notes.append(f"{spec} run {run['run']}: stored {run['reasons']} does not follow "
                             f"from the stored loss {run['loss_up_percent']}/"
                             f"{run['loss_down_percent']} %")  # fmt: skip
            lines.append(
                [
                    spec if first else "",
                    f"{ping['avg']:.1f}" if first else "",
                    str(run["run"]),
                    run["route"],
                    num(run["rtt_ms"], 1),
                    mark(rtt_ok),
                    up,
                    down,
                    num(run["connect_ms"], 0),
                    num(run["jitter_ms"], 1),
                    run["verdict"] or "-",
                    stored_reason,
                    f"{expected} (P={chance:.2f})",
                    mark(verdict_ok),
                ]
            )
            first = False
        pooled = pooled_cells(outcome["runs"], imposed_loss)
        if pooled:
            lines.append(["", "", "all", "", "", "", *pooled, *[""] * 6])
        dropped = outcome.get("link_dropped")
        if dropped:
            notes.append(f"{spec}: the delay line (seed {outcome.get('seed')}) dropped "
                         f"{fmt_dropped(dropped)} packets (the whole row, speed tests "
                         f"included).")  # fmt: skip
        need = needed_packets(imposed_loss)
        if need:
            notes.append(f"{spec}: {need}")
    summary = (
        f"Targets met: RTT within ±{MEDIA_RTT_MS:g} ms or ±{MEDIA_RTT_SHARE * 100:g} % of the "
        f"link's {fraction(counts['rtt'])} runs; imposed loss inside the measured figure's "
        f"{CONFIDENCE * 100:g} % interval {fraction(counts['loss'])} directions; media reason "
        f"the imposed loss implies {fraction(counts['verdict'])} runs (chance P given "
        f"{SENT_PER_DIRECTION} packets each way); stored reason follows from the stored loss "
        f"{fraction(counts['consistent'])} runs."
    )
    return "\n".join(["7. The media path against the emulated link", "", NOTES, "",
                      table(header, lines, numbers=False), "", summary, *notes])  # fmt: skip


def pooled_cells(runs: list[dict], imposed: float) -> list[str] | None:
    """Every run's packets together, each way: a bias too small to show in one run shows here."""
    cells = []
    for key in ("loss_up_percent", "loss_down_percent"):
        lost = [lost_packets(run.get(key)) for run in runs if "error" not in run]
        lost = [value for value in lost if value is not None]
        if len(lost) < 2:
            return None
        sent = SENT_PER_DIRECTION * len(lost)
        low, high = loss_interval(sum(lost), sent)
        ok = loss_consistent(imposed, sum(lost), sent)
        cells.append(f"{sum(lost)}/{sent} [{low:.1f}-{high:.1f}] {mark(ok)}")
    return cells


def needed_packets(imposed_loss: float) -> str:
    """For a row near a threshold: how many packets would place it on its side with 95 %."""
    if not imposed_loss:
        return ""
    nearest = min((READY_LOSS, LIMITED_LOSS), key=lambda t: abs(t - imposed_loss))
    need = packets_to_tell_apart(imposed_loss, nearest)
    if need is None or need <= SENT_PER_DIRECTION:
        return ""
    return (f"telling {imposed_loss:g} % from the {nearest:g} % threshold with 95 % confidence "
            f"takes about {need} packets a direction ({need / 50:.0f} s at 50 a second); the "
            f"check sends {SENT_PER_DIRECTION}.")  # fmt: skip


NOTES = f"""\
Link: per row, a fresh bench/link.py link (two namespaces, TUN devices, the delay line holding
  each packet for half the round trip and dropping the loss share each way; tbf at the rate).
  App: gunicorn gthread {APP_WORKERS} x {APP_THREADS} in the server's namespace, fresh SQLite,
  READINESS_MEDIA_HOST_ADDRESSES={SERVER_ADDRESS} (the media peer offers only the link's address),
  speed test cut to {SPEED_TEST_SECONDS} s a direction. Browser: the check page (/en/, start the
  check) in headless Chromium in the client's namespace, the whole connection step; figures from
  the row the app stored (connection_result), whose reasons are the app's own verdict.
Check: {SENT_PER_DIRECTION} packets of {DefaultConfig.MEDIA_PACKET_BYTES} bytes each way
  ({DefaultConfig.MEDIA_PACKETS_PER_SECOND}/s, unordered, no retransmission). "ping ms": mean of
  10 pings on the same link. RTT: the media check's median echo round trip, ok within
  ±{MEDIA_RTT_MS:g} ms or ±{MEDIA_RTT_SHARE * 100:g} % (the wider) of the imposed RTT.
  loss: packets lost / sent [{CONFIDENCE * 100:g} % Clopper-Pearson interval, %], ok when the
  imposed loss lies inside it (so 5 % of cells miss by chance alone).
  "imposed implies": the media reason the thresholds (>{READY_LOSS:g} % limits video,
  >{LIMITED_LOSS:g} % not ready, on the worse direction) give the imposed loss, and P, the chance
  that {SENT_PER_DIRECTION} packets each way land in that band."""
