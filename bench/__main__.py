"""make bench (python -m bench): the connection test on emulated links, then the server.

Needs root: network namespaces (ip netns) and traffic control (tc). Every namespace is named
rbench-<pid>-..., every process is stopped and every namespace deleted on the way out,
Ctrl+C included.
"""

import argparse
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

from . import capacity, loaded, media_path, report, server_compare
from .rows import DEFAULT_ROWS, QUICK_ROWS, parse_rows
from .server import ROOT
from .server_load import measure_server
from .shaped import REFERENCE_RUNS, measure_row
from .starvation import measure_starvation

# Table names, for --only; each has its --skip-<name>.
TABLES = ("shaped", "server", "loaded", "starvation", "nginx", "capacity", "media")


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rows",
        default="all",
        help="links to measure, DOWN[/UP]@RTT[+LOSS%%] separated by commas (10@20, 25/3@40, "
        f"20@40+2), or all ({', '.join(DEFAULT_ROWS)}) or quick ({', '.join(QUICK_ROWS)})",
    )
    parser.add_argument("--runs", type=int, default=2, help="browser runs per row")
    parser.add_argument(
        "--reference-runs",
        type=int,
        default=REFERENCE_RUNS,
        help="curl's reference transfers per row and direction (their mean is the reference)",
    )
    parser.add_argument(
        "--congestion",
        choices=["bbr", "cubic", "reno"],
        help="TCP congestion control in both namespaces of each link (default: the host's)",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check the link emulator only: ping and curl on each row, no browser",
    )
    parser.add_argument("--skip-shaped", action="store_true", help="leave out table 1")
    parser.add_argument("--skip-cloudflare", action="store_true",
                        help="table 1 without Cloudflare's engine")  # fmt: skip
    parser.add_argument("--skip-server", action="store_true", help="leave out table 2")
    parser.add_argument("--skip-loaded", action="store_true", help="leave out table 3")
    parser.add_argument("--loaded-rate", type=float, default=10.0,
                        help="table 3: the link's rate in Mbit/s")  # fmt: skip
    parser.add_argument("--queues", default="200,2",
                        help="table 3: tbf latency (queue) values in ms")  # fmt: skip
    parser.add_argument("--loaded-runs", type=int, default=2, help="table 3: runs per queue")
    parser.add_argument("--skip-starvation", action="store_true", help="leave out table 4")
    parser.add_argument("--skip-nginx", action="store_true", help="leave out table 5")
    parser.add_argument("--skip-capacity", action="store_true", help="leave out table 6")
    parser.add_argument("--capacity-steps", default=",".join(map(str, capacity.DEFAULT_STEPS)),
                        help="table 6: the numbers of load clients to try, in order")  # fmt: skip
    parser.add_argument("--capacity-runs", type=int, default=2,
                        help="table 6: browser runs per number of load clients")  # fmt: skip
    parser.add_argument("--capacity-budget", type=float, default=capacity.DEFAULT_BUDGET_S,
                        help="table 6: seconds after which no further step starts")  # fmt: skip
    parser.add_argument("--capacity-nginx", action="store_true",
                        help="table 6: the app behind nginx, as deploy/nginx")  # fmt: skip
    parser.add_argument("--skip-media", action="store_true", help="leave out table 7")
    parser.add_argument(
        "--media-rows",
        default=media_path.DEFAULT_MEDIA_ROWS,
        help=f"table 7: links for the media path (default {media_path.DEFAULT_MEDIA_ROWS})",
    )
    parser.add_argument("--media-runs", type=int, default=3, help="table 7: checks per row")
    parser.add_argument(
        "--only",
        help=f"run only these tables, by name, separated by commas: {', '.join(TABLES)}",
    )
    options = parser.parse_args(argv)
    try:
        options.rows = parse_rows(options.rows)
        options.media_rows = parse_rows(options.media_rows)
        options.capacity_steps = [int(k) for k in options.capacity_steps.split(",") if k.strip()]
        if options.only:
            chosen = {name.strip() for name in options.only.split(",") if name.strip()}
            if unknown := chosen - set(TABLES):
                raise ValueError(f"no table named {', '.join(sorted(unknown))}")
            for name in TABLES:
                setattr(options, f"skip_{name}", name not in chosen)
        options.queues = [float(ms) for ms in options.queues.split(",") if ms.strip()]
    except ValueError as error:
        parser.error(str(error))
    if not options.rows or min(options.runs, options.reference_runs, options.media_runs) < 1:
        parser.error("name at least one row, and --runs, --reference-runs, --media-runs at least 1")
    return options


def say(text: str):
    print(text, flush=True)


def stop_on_sigterm(*_):
    raise KeyboardInterrupt


def header(argv: list[str]) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return "\n".join(
        [
            "Reproduce: sudo .venv/bin/python -m bench " + shlex.join(argv)
            if argv
            else "Reproduce: sudo make bench   (= .venv/bin/python -m bench)",
            f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, commit {commit}, "
            f"{platform.node()}, Linux {platform.release()}, {os.cpu_count()} cores, "
            f"load average {load} at start (other work shares these cores)",
        ]
    )


def main(argv: list[str]) -> int:
    options = arguments(argv)
    if os.geteuid() != 0:
        say("make bench needs root: it creates network namespaces and shapes them with tc.")
        return 2
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    started = time.monotonic()
    top = header(argv)
    say(top)
    sections, data = [top], {"argv": argv, "shaped": [], "server": None}
    if not options.skip_shaped:
        say("\nEmulated links (progress):")
        for spec, shape in options.rows:
            try:
                data["shaped"].append(
                    measure_row(
                        spec,
                        shape,
                        options.runs,
                        say,
                        browser=not options.self_check,
                        reference_runs=options.reference_runs,
                        congestion=options.congestion,
                        with_cloudflare=not options.skip_cloudflare,
                    )  # fmt: skip
                )
            except Exception as error:
                say(f"  {spec} failed: {type(error).__name__}: {error}")
                data["shaped"].append({"spec": spec, "error": f"{error}"[:500]})
        if options.self_check:
            sections.append(report.self_check_section(data["shaped"]))
        else:
            sections.append(report.shaped_section(data["shaped"]))
    if not options.skip_server and not options.self_check:
        say("\nServer (progress):")
        try:
            data["server"] = measure_server(say)
        except Exception as error:
            say(f"  failed: {type(error).__name__}: {error}")
            data["server"] = {"error": f"{error}"[:500]}
        sections.append(report.server_section(data["server"]))
    if not options.skip_loaded and not options.self_check:
        say("\nLatency under load (progress):")
        data["loaded"] = []
        for queue_ms in options.queues:
            try:
                data["loaded"].append(
                    loaded.measure_queue(options.loaded_rate, queue_ms, options.loaded_runs, say)
                )
            except Exception as error:
                say(f"  queue {queue_ms:g} ms failed: {type(error).__name__}: {error}")
                data["loaded"].append(
                    {"rate_mbit": options.loaded_rate, "queue_ms": queue_ms, "error": str(error)}
                )
        sections.append(loaded.section(data["loaded"]))
    if not options.skip_starvation:
        say("\nNever-read downloads (progress):")
        try:
            data["starvation"] = measure_starvation(say)
        except Exception as error:
            say(f"  failed: {type(error).__name__}: {error}")
            data["starvation"] = {"error": f"{error}"[:500]}
        sections.append(report.starvation_section(data["starvation"]))
    if not options.skip_nginx and not options.self_check:
        say("\nThe probe against nginx (progress):")
        try:
            data["nginx"] = server_compare.measure_against_nginx(say)
        except Exception as error:
            say(f"  failed: {type(error).__name__}: {error}")
            data["nginx"] = {"error": f"{error}"[:500]}
        sections.append(server_compare.section(data["nginx"]))
    if not options.skip_capacity and not options.self_check:
        say("\nCapacity (progress):")
        try:
            data["capacity"] = capacity.measure_capacity(
                say,
                options.capacity_steps,
                options.capacity_runs,
                options.capacity_budget,
                behind_nginx=options.capacity_nginx,
            )
        except Exception as error:
            say(f"  failed: {type(error).__name__}: {error}")
            data["capacity"] = {"error": f"{error}"[:500]}
        sections.append(capacity.section(data["capacity"]))
    if not options.skip_media and not options.self_check:
        say("\nThe media path (progress):")
        data["media"] = []
        for spec, shape in options.media_rows:
            try:
                data["media"].append(
                    media_path.measure_media_row(spec, shape, options.media_runs, say)
                )
            except Exception as error:
                say(f"  {spec} failed: {type(error).__name__}: {error}")
                data["media"].append({"spec": spec, "error": f"{error}"[:500]})
        sections.append(media_path.section(data["media"]))
    sections.append(f"Bench time: {time.monotonic() - started:.0f} s.")
    text = "\n\n".join(sections)
    say("\n" + "\n\n".join(sections[1:]))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text_path, json_path = report.save(stamp, text, data)
    say(f"\nSaved: {text_path.relative_to(ROOT)}, {json_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("\nStopped; every namespace and process the bench started was cleaned up.")
        sys.exit(130)
