"""curl's goodput over the same link: the reference the browser's figures are compared with."""

import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .figures import mbit_per_second, parallel_steady_goodput, steady_goodput

CURL_OUT_OF_TIME = 28  # curl's exit status when --max-time ran out
WRITE_OUT = "\n%{http_code} %{size_download} %{size_upload} %{time_total}"


def random_file(path: Path, size: int) -> Path:
    """size incompressible bytes, for upload bodies."""
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as output:
        left = size
        while left > 0:
            output.write(block[: min(left, len(block))])
            left -= len(block)
    return path


def _curl(ns, args: list[str], timeout: float) -> tuple[str, int, int, int, float]:
    command = ns.command("curl", "-sS", "--max-time", f"{timeout:g}", "-w", WRITE_OUT, *args)
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout + 10)
    body, _, tail = done.stdout.rpartition("\n")
    if done.returncode or not tail:
        raise RuntimeError(f"curl failed ({done.returncode}): {done.stderr.strip()}")
    status, downloaded, uploaded, seconds = tail.split()
    return body, int(status), int(downloaded), int(uploaded), float(seconds)


def download(ns, base_url: str, size: int, timeout: float) -> dict:
    """One GET of size bytes from the probe; goodput over curl's whole transfer time."""
    _, status, received, _, seconds = _curl(
        ns, ["-o", "/dev/null", f"{base_url}/probe/download?bytes={size}"], timeout
    )
    if status != 200 or received != size:
        raise RuntimeError(f"download: HTTP {status}, {received} of {size} bytes")
    return {"bytes": received, "seconds": seconds, "mbps": mbit_per_second(received, seconds)}


def upload(ns, base_url: str, body: Path, timeout: float) -> dict:
    """One streamed POST of the file to the probe; counts what the server says it received."""
    size = body.stat().st_size
    answer, status, _, sent, seconds = _curl(
        ns,
        [
            "-X", "POST", "-T", str(body),
            "-H", "Content-Type: application/octet-stream",
            "-H", "Expect:",  # no 100-continue round trip before the body
            f"{base_url}/probe/upload",
        ],
        timeout,
    )  # fmt: skip
    received = json.loads(answer or "{}").get("bytes") if status == 200 else None
    if received != size:
        raise RuntimeError(f"upload: HTTP {status}, server received {received} of {size} bytes")
    return {"bytes": received, "seconds": seconds, "mbps": mbit_per_second(received, seconds)}


def counted_upload(ns, receiver_url: str, body: Path, timeout: float, ramp_s: float) -> dict:
    """One streamed POST of the file to bench/receiver.py, which stamps each read as the bytes
    arrive: the whole transfer's goodput (curl's time) and the steady one the receiver saw from
    ramp_s after the first byte to the last."""
    size = body.stat().st_size
    answer, status, _, _, seconds = _curl(
        ns,
        [
            "-X", "POST", "-T", str(body),
            "-H", "Content-Type: application/octet-stream",
            "-H", "Expect:",
            f"{receiver_url}/upload?ramp_s={ramp_s:g}",
        ],
        timeout,
    )  # fmt: skip
    found = json.loads(answer or "{}") if status == 200 else {}
    if found.get("bytes") != size:
        raise RuntimeError(f"upload: HTTP {status}, receiver got {found.get('bytes')} of {size}")
    return {"bytes": size, "seconds": seconds, "mbps": mbit_per_second(size, seconds),
            "steady_mbps": found["steady_mbps"], "server_seconds": found["seconds"]}  # fmt: skip


def timed_download(ns, base_url: str, size: int, timeout: float, ramp_s: float) -> dict:
    """One GET of size bytes, read through a pipe and counted as it arrives: the whole
    transfer's goodput, and the steady one from ramp_s after the first byte to the last."""
    started = time.monotonic()
    points = arrivals(ns, base_url, size, timeout)
    seconds, received = points[-1][0] - started, points[-1][1]
    return {"bytes": received, "complete": received == size, "seconds": seconds,
            "mbps": mbit_per_second(received, seconds),
            "steady_mbps": steady_goodput(points, ramp_s)}  # fmt: skip


def parallel_download(ns, base_url: str, size: int, streams: int, timeout: float,
                      ramp_s: float) -> dict:  # fmt: skip
    """`streams` GETs of size // streams bytes at once, as the check opens them: their summed
    steady goodput from ramp_s after the first byte until the first stream ends (while every
    stream still runs; one stream alone at the end cannot fill a lossy link)."""
    each = size // streams
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=streams) as pool:
        found = list(pool.map(lambda _: arrivals(ns, base_url, each, timeout), range(streams)))
    seconds = max(points[-1][0] for points in found) - started
    received = sum(points[-1][1] for points in found)
    return {"bytes": received, "complete": received == each * streams, "streams": streams,
            "seconds": seconds, "mbps": mbit_per_second(received, seconds),
            "steady_mbps": parallel_steady_goodput(found, ramp_s)}  # fmt: skip


def arrivals(ns, base_url: str, size: int, timeout: float) -> list[tuple[float, int]]:
    """GET size bytes through curl's stdout: (monotonic time, bytes so far) at each read."""
    command = ns.command("curl", "-sS", "--max-time", f"{timeout:g}", "-o", "-",
                         f"{base_url}/probe/download?bytes={size}")  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    points, received = [], 0
    try:
        while chunk := os.read(process.stdout.fileno(), 1 << 16):
            received += len(chunk)
            points.append((time.monotonic(), received))
        process.wait(timeout=timeout + 10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        error = process.stderr.read().decode(errors="replace").strip()
        process.stderr.close()
    # Out of time (curl's 28) with bytes in: a stream far slower than the line rate (one CUBIC
    # stream on a lossy link); what arrived still gives its steady goodput.
    if process.returncode == CURL_OUT_OF_TIME and points:
        return points
    if process.returncode or received != size:
        raise RuntimeError(f"download failed ({process.returncode}): {received} of {size} {error}")
    return points
