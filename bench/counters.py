"""The link's byte counters sampled while the browser runs, to count each phase's own bytes.

Each side's TUN transmit counter is read every INTERVAL_S from /proc/<pid>/net/dev of a
placeholder process living in that side's namespace (no command started per sample), stamped
with the wall clock (time.time()): the page stamps its phases with performance.timeOrigin +
performance.now(), the same clock in milliseconds, so the two can be matched.
"""

import threading
import time
from pathlib import Path

from .figures import counter_between
from .link import TUN, Link
from .namespace import Background

INTERVAL_S = 0.05
ANCHOR_SECONDS = 5


class LinkCounters:
    """A thread sampling (wall time, client tx bytes, server tx bytes) until stopped.

    Used as a context manager around a browser run; `samples` holds what it read.
    """

    def __init__(self, link: Link, workdir: Path, interval_s: float = INTERVAL_S):
        self.link = link
        self.workdir = workdir
        self.interval_s = interval_s
        self.samples: list[tuple[float, int, int]] = []
        self._anchors: list[Background] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self):
        for ns in (self.link.client, self.link.server):
            log = self.workdir / f"anchor-{ns.name}.log"
            self._anchors.append(Background(ns.command("sleep", "3600"), log=log))
        self._files = [f"/proc/{anchor.process.pid}/net/dev" for anchor in self._anchors]
        # `ip netns exec` enters the namespace, then becomes sleep: until then its
        # /proc/<pid>/net is still the host's.
        deadline = time.monotonic() + ANCHOR_SECONDS
        while not all(f" {TUN}:" in Path(name).read_text() for name in self._files):
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {TUN} in the namespaces' /proc/net/dev")
            time.sleep(0.01)
        self._read()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        self._read()
        for anchor in self._anchors:
            anchor.stop(grace=1)

    def _poll(self):
        while not self._stop.wait(self.interval_s):
            self._read()

    def _read(self):
        client, server = (transmitted(Path(name).read_text()) for name in self._files)
        self.samples.append((time.time(), client, server))

    def between(self, side: str, start_s: float, end_s: float) -> int | None:
        """Bytes `side` ("client" or "server") sent from start_s to end_s (wall clock)."""
        column = 1 if side == "client" else 2
        return counter_between([(s[0], s[column]) for s in self.samples], start_s, end_s)


def transmitted(proc_net_dev: str) -> int:
    """The TUN device's transmit byte counter, from the text of /proc/net/dev."""
    for line in proc_net_dev.splitlines():
        name, _, counters = line.partition(":")
        if name.strip() == TUN:
            return int(counters.split()[8])
    raise RuntimeError(f"no {TUN} in /proc/net/dev")
