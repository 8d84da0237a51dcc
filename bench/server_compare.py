"""Table 5: the probe against nginx on unshaped loopback, one stream and 20 streams.

Three servers: the app alone ("probe"); the app behind nginx as deploy/nginx deploys it
("deployed": the browser's download answered by X-Accel-Redirect and sent by nginx, the upload
passed on unbuffered to the app); and nginx alone ("nginx"). The target: deployed at least 90 %
of nginx. The app runs under gunicorn as `make run` deploys it (gthread, 2 workers x 64 threads,
gunicorn.conf.py, the probe's default limits) behind a pretend proxy, so that each stream has
an address of its own in X-Forwarded-For, as patients do; nginx (bench/nginx.py) runs beside it
in the same namespace with as many worker processes. Each stream is one curl process making
its transfers one after the other on one keep-alive connection; the figure is all the bytes
over the wall time, from the first curl started to the last one done. After a warm-up run
each (not counted), the servers take turns, round after round, and each cell is the median of
its rounds.
"""

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from . import curl
from .figures import mbit_per_second
from .namespace import Namespace
from .nginx import DEPLOYED_PORT, PROXIED_UPLOAD, has_nginx, nginx_server
from .nginx import PORT as NGINX_PORT
from .report import mark, table
from .server import PORT, app_server, create_database

WORKERS, THREADS = 2, 64  # make run
# The probe's default limits both ways (32 MiB): the size the browser asks for each download,
# the one nginx sends for the app once deployed.
TRANSFER_BYTES = 32 * 1024 * 1024
# (streams, transfers per stream): 2.7 GB and 5.4 GB, half a second or more per run
CASES = ((1, 80), (20, 8))
ROUNDS = 5
SERVERS = ("probe", "deployed", "nginx", "proxied")
# "proxied", uploads only: nginx's own upload behind the deployed upload location (nginx in
# front of nginx), the ceiling for any app behind it.
WAYS = {"download": SERVERS[:3], "upload": SERVERS}
ACCEL_PORT = PORT + 10  # the app nginx sits in front of (X-Accel-Redirect on)
TARGET_RATIO = 0.9
TIMEOUT_S = 120


def curl_command(ns, url: str, way: str, transfers: int, body: Path, stream: int) -> list[str]:
    """One curl process: `transfers` GETs or POSTs of body to url on one connection."""
    command = ["curl", "-sS", "--max-time", str(TIMEOUT_S),
               "-w", "%{http_code} %{size_download} %{size_upload}\n",
               "-H", f"X-Forwarded-For: 198.51.100.{stream + 1}"]  # fmt: skip
    if way == "upload":
        command += ["-X", "POST", "-H", "Expect:", "-H", "Content-Type: application/octet-stream"]
    for _ in range(transfers):
        if way == "upload":
            command += ["-T", str(body)]
        command += ["-o", "/dev/null", url]
    return ns.command(*command)


def transferred(way: str, output: str, size: int) -> int:
    """The bytes of the transfers curl reports as complete: HTTP 200 and every byte."""
    total = 0
    for line in output.splitlines():
        status, down, up = line.split()
        moved = int(up if way == "upload" else down)
        if status == "200" and moved == size:
            total += moved
    return total


def run_streams(ns, url: str, way: str, streams: int, transfers: int, body: Path) -> dict:
    """streams curl processes at once; their bytes over the wall time, and any failures."""
    size = body.stat().st_size
    commands = [curl_command(ns, url, way, transfers, body, i) for i in range(streams)]
    started = time.monotonic()
    processes = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in commands]  # fmt: skip
    outputs = []
    try:
        for process in processes:
            outputs.append(process.communicate(timeout=TIMEOUT_S + 10))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    seconds = time.monotonic() - started
    moved = sum(transferred(way, out, size) for out, _ in outputs)
    expected = streams * transfers * size
    return {"bytes": moved, "seconds": round(seconds, 3), "mbps": mbit_per_second(moved, seconds),
            "failed": (expected - moved) // size}  # fmt: skip


def measure_against_nginx(say) -> dict:
    """Both servers, each case and direction, ROUNDS rounds taking turns."""
    if not has_nginx():
        raise RuntimeError("nginx with its echo module is missing: apt-get install nginx-light")
    with (
        Namespace("nginx") as ns,
        tempfile.TemporaryDirectory(prefix="rbench-") as tmp,
    ):
        workdir = Path(tmp)
        database = workdir / "bench.db"
        create_database(database)
        body = curl.random_file(workdir / "body.bin", TRANSFER_BYTES)
        outcome = {"workers": WORKERS, "threads": THREADS, "transfer_bytes": TRANSFER_BYTES,
                   "rounds": ROUNDS, "cases": []}  # fmt: skip
        with (
            app_server(ns, workdir, database, workers=WORKERS, threads=THREADS,
                       PROXY_COUNT=1) as app,
            app_server(ns, workdir, database, workers=WORKERS, threads=THREADS,
                       port=ACCEL_PORT, PROXY_COUNT=1,
                       PROBE_ACCEL_REDIRECT="/_probe_bytes/") as accelerated,
            nginx_server(ns, workdir, body, workers=WORKERS,
                         app=accelerated.removeprefix("http://")) as nginx,
        ):  # fmt: skip
            deployed = nginx.replace(f":{NGINX_PORT}", f":{DEPLOYED_PORT}")
            urls = {
                "probe": {"download": f"{app}/probe/download?bytes={TRANSFER_BYTES}",
                          "upload": f"{app}/probe/upload"},
                "deployed": {"download": f"{deployed}/probe/download?bytes={TRANSFER_BYTES}",
                             "upload": f"{deployed}/probe/upload"},
                "nginx": {"download": f"{nginx}/download.bin", "upload": f"{nginx}/upload"},
                "proxied": {"upload": f"{deployed}{PROXIED_UPLOAD}"},
            }  # fmt: skip
            for streams, transfers in CASES:
                for way in ("download", "upload"):
                    runs = {server: [] for server in WAYS[way]}
                    for server in WAYS[way]:  # warm-up: caches, each worker's bytes
                        run_streams(ns, urls[server][way], way, streams, 2, body)
                    for _ in range(ROUNDS):
                        for server in WAYS[way]:
                            runs[server].append(run_streams(
                                ns, urls[server][way], way, streams, transfers, body))  # fmt: skip
                    case = summarize(streams, transfers, way, runs)
                    outcome["cases"].append(case)
                    say(f"  {streams} stream(s) {way}: probe {case['probe_mbps']:.0f}, deployed "
                        f"{case['deployed_mbps']:.0f}, nginx {case['nginx_mbps']:.0f}, nginx "
                        f"proxied {num0(case['proxied_mbps'])} Mbit/s, deployed/nginx "
                        f"{case['ratio']:.2f}, deployed/proxied "
                        f"{num2(case['proxied_ratio'])}")  # fmt: skip
        return outcome


def summarize(streams: int, transfers: int, way: str, runs: dict) -> dict:
    medians = {server: statistics.median(r["mbps"] for r in found)
               for server, found in runs.items()}  # fmt: skip
    nginx = medians["nginx"]
    return {
        "streams": streams,
        "transfers": transfers,
        "direction": way,
        "probe_mbps": medians["probe"],
        "deployed_mbps": medians.get("deployed"),
        "nginx_mbps": nginx,
        "proxied_mbps": medians.get("proxied"),
        # Uploads: the app behind nginx against nginx behind the same location.
        "proxied_ratio": medians["deployed"] / medians["proxied"]
        if medians.get("proxied")
        else None,
        # The target: the app as deployed (behind nginx) against nginx alone.
        "ratio": medians["deployed"] / nginx if nginx and "deployed" in medians else None,
        "probe_ratio": medians["probe"] / nginx if nginx else None,
        "failed": {server: sum(r["failed"] for r in found) for server, found in runs.items()},
        "runs": runs,
    }


def num0(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def num2(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def section(outcome: dict) -> str:
    title = "5. The probe against nginx (unshaped loopback)"
    if "error" in outcome:
        return f"{title}\n\nnot measured: {outcome['error']}"
    header = ["streams", "dir", "probe Mbit/s", "deployed Mbit/s", "nginx Mbit/s",
              "nginx proxied Mbit/s", "probe/nginx", "deployed/nginx", f"≥{TARGET_RATIO:.0%}",
              "deployed/proxied", "failed"]  # fmt: skip
    lines = []
    for case in outcome["cases"]:
        ratio = case["ratio"]
        failed = sum(case["failed"].values())
        lines.append([
            f"{case['streams']} × {case['transfers']}", case["direction"],
            f"{case['probe_mbps']:.0f}", num0(case.get("deployed_mbps")),
            f"{case['nginx_mbps']:.0f}", num0(case.get("proxied_mbps")),
            num2(case.get("probe_ratio")), num2(ratio),
            mark(ratio is not None and ratio >= TARGET_RATIO and not failed),
            num2(case.get("proxied_ratio")),
            "/".join(str(case["failed"].get(server, "-")) for server in SERVERS),
        ])  # fmt: skip
    size = outcome["transfer_bytes"] / 1e6
    notes = (
        f"gunicorn gthread {outcome['workers']} workers × {outcome['threads']} threads as make "
        f"run deploys it (default probe limits, READINESS_PROXY_COUNT=1, one X-Forwarded-For "
        f"per stream) and nginx ({outcome['workers']} workers, sendfile on) in one namespace.\n"
        f"Each stream: one curl process, its transfers of {size:g} MB one after the other on "
        f"one keep-alive connection (streams × transfers); figure: all bytes over the wall "
        f"time; median of {outcome['rounds']} rounds after a warm-up, the servers taking turns.\n"
        f"nginx download: a file of the same random bytes; upload: echo_read_request_body "
        f"(the whole body read into memory before the answer).\n"
        f"deployed: nginx in front of a second app server (READINESS_PROBE_ACCEL_REDIRECT), "
        f"with the probe's locations from deploy/nginx/readiness.conf: each download checked "
        f"by the app and sent by nginx (X-Accel-Redirect), each upload passed on unbuffered.\n"
        f"nginx proxied (uploads): the deployed upload location in front of nginx's own upload "
        f"instead of the app; each byte crosses one more socket pair, as behind any proxy.\n"
        f"Target: deployed ≥ {TARGET_RATIO:.0%} of nginx. failed: probe/deployed/nginx/proxied "
        f"transfers not 200 or short."
    )
    return "\n".join([title, "", notes, "", table(header, lines)])
