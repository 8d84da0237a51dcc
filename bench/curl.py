"""curl's goodput over the same link: the reference the browser's figures are compared with."""

import json
import os
import subprocess
import time
from pathlib import Path

from .figures import mbit_per_second

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


def timed_download(ns, base_url: str, size: int, timeout: float, ramp_s: float) -> dict:
    """One GET of size bytes, read through a pipe and counted as it arrives: the whole
    transfer's goodput, and the steady one from ramp_s after the first byte to the last."""
    command = ns.command("curl", "-sS", "--max-time", f"{timeout:g}", "-o", "-",
                         f"{base_url}/probe/download?bytes={size}")  # fmt: skip
    started = time.monotonic()
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
    if process.returncode or received != size:
        raise RuntimeError(f"download failed ({process.returncode}): {received} of {size} {error}")
    end = points[-1][0]
    opened = points[0][0] + ramp_s
    base = next(((t, n) for t, n in points if t >= opened), None)
    steady = (
        mbit_per_second(received - base[1], end - base[0]) if base and end - base[0] >= 1 else None
    )
    seconds = end - started
    return {"bytes": received, "seconds": seconds, "mbps": mbit_per_second(received, seconds),
            "steady_mbps": steady}  # fmt: skip
