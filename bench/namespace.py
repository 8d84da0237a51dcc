"""Network namespaces the bench creates, shapes, and always deletes, with what runs in them."""

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from .figures import burst_bytes

PREFIX = "rbench-"
TBF_LATENCY = "50ms"


class Namespace:
    """A fresh network namespace with its loopback up; optionally MTU 1500 and a tbf cap.

    Used as a context manager: on the way out every process still inside is killed and the
    namespace is deleted, whatever happened (exceptions and Ctrl+C included).
    """

    def __init__(self, suffix: str, *, mtu: int | None = None, rate_mbit: float | None = None):
        self.name = f"{PREFIX}{os.getpid()}-{suffix}"
        self.mtu = mtu
        self.rate_mbit = rate_mbit
        self.burst = burst_bytes(rate_mbit) if rate_mbit else None
        self.created = False

    def __enter__(self):
        run(["ip", "netns", "add", self.name])
        self.created = True
        try:
            run(self.command("ip", "link", "set", "lo", "up"))
            if self.mtu:
                run(self.command("ip", "link", "set", "lo", "mtu", str(self.mtu)))
            if self.rate_mbit:
                run(self.command(*self.tc_command()))
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def tc_command(self) -> list[str]:
        rate = f"{self.rate_mbit:g}mbit"
        return ["tc", "qdisc", "replace", "dev", "lo", "root", "tbf", "rate", rate,
                "burst", str(self.burst), "latency", TBF_LATENCY]  # fmt: skip

    def command(self, *args: str) -> list[str]:
        """args, run inside the namespace."""
        return ["ip", "netns", "exec", self.name, *args]

    def loopback_bytes(self) -> int:
        """Bytes sent on the namespace's loopback so far (all traffic inside it)."""
        text = run(self.command("cat", "/proc/net/dev")).stdout
        for line in text.splitlines():
            name, _, counters = line.partition(":")
            if name.strip() == "lo":
                return int(counters.split()[8])  # transmit bytes
        raise RuntimeError("no loopback in /proc/net/dev")

    def close(self):
        if not self.created:
            return
        # Whatever is left inside is ours: the namespace was made by this process.
        for _ in range(3):
            listed = subprocess.run(
                ["ip", "netns", "pids", self.name], capture_output=True, text=True, timeout=10
            )
            pids = [int(pid) for pid in listed.stdout.split()]
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.3)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True, timeout=10)
        self.created = False


def run(command: list[str], timeout: float = 30, **options) -> subprocess.CompletedProcess:
    """Run a short command, fail loudly with its error output."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **options)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return done


class Background:
    """A long-running process in its own process group, stopped with the whole group."""

    def __init__(self, command: list[str], *, log: Path, **options):
        self.log = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                **options,
            )

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace: float = 5):
        """SIGTERM to the group, SIGKILL after grace; the group id stays ours until reaped.

        Anything a leader leaves behind in a namespace is killed when the namespace closes.
        """
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
