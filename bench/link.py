"""An emulated link: a patient's namespace and the server's, joined by the delay line.

This kernel has no netem. The delay line (delayline.c, built here with gcc) holds each packet
for its direction's one-way delay and drops a share of them; tc tbf on each TUN device's
egress caps each direction's rate on its own, so links can be asymmetric:

    client ns: browser, curl          server ns: gunicorn
    tun (10.77.0.1) --tbf up--> [delay line] --> tun (10.77.0.2)
    tun (10.77.0.1) <-- [delay line] <--tbf down-- tun (10.77.0.2)
"""

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .figures import burst_bytes
from .namespace import TBF_LATENCY, Background, Namespace, run

SOURCE = Path(__file__).resolve().parent / "delayline.c"
CLIENT_ADDRESS, SERVER_ADDRESS = "10.77.0.1", "10.77.0.2"
TUN = "rbtun"
MTU = 1500
# TUN carries bare IP packets; tbf counts 14 more bytes per packet so that a rate here means
# what it means on Ethernet (the payload ceiling stays 1448/1514 of the rate).
LINK_HEADER = 14
READY_SECONDS = 10
RELAY_PRIORITY = 10


@dataclass(frozen=True)
class Shape:
    """One row's link: rate each way (None: not capped), one-way delays, loss shares."""

    down_mbit: float | None
    up_mbit: float | None
    rtt_ms: float = 0
    loss_percent: float = 0
    queue_ms: float | None = None  # what tbf's queue holds; None: TBF_LATENCY

    @property
    def tbf_latency(self) -> str:
        return f"{self.queue_ms:g}ms" if self.queue_ms else TBF_LATENCY

    @property
    def one_way_us(self) -> int:
        return round(self.rtt_ms * 1000 / 2)

    def name(self) -> str:
        rate = (
            f"{self.down_mbit:g}"
            if self.down_mbit == self.up_mbit
            else f"{self.down_mbit:g}/{self.up_mbit:g}"
        )
        text = f"{rate} Mbit/s, {self.rtt_ms:g} ms"
        text += f", {self.loss_percent:g} % loss" if self.loss_percent else ""
        return text + (f", queue {self.queue_ms:g} ms" if self.queue_ms else "")


def build_delay_line(directory: Path) -> Path:
    """Compile delayline.c into directory; gcc's errors if it does not build."""
    binary = directory / "delayline"
    run(["gcc", "-O2", "-Wall", "-o", str(binary), str(SOURCE)], timeout=60)
    return binary


def tbf_command(ns: Namespace, rate_mbit: float, latency: str = TBF_LATENCY) -> list[str]:
    return ns.command(
        "tc", "qdisc", "replace", "dev", TUN, "root", "tbf",
        "rate", f"{rate_mbit:g}mbit", "burst", str(burst_bytes(rate_mbit)),
        "latency", latency, "overhead", str(LINK_HEADER),
    )  # fmt: skip


class Link:
    """Two namespaces joined by the delay line, shaped as `shape`; everything removed on exit.

    `client` and `server` are the two Namespaces; the server is reached at SERVER_ADDRESS.
    """

    def __init__(self, suffix: str, shape: Shape, *, seed: int = 1, congestion: str | None = None):
        self.shape = shape
        self.seed = seed
        self.congestion = congestion
        self.client = Namespace(f"{suffix}-c")
        self.server = Namespace(f"{suffix}-s")
        self.relay: Background | None = None
        self._tmp = None

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="rbench-link-")
        try:
            self.client.__enter__()
            self.server.__enter__()
            self._start(Path(self._tmp.name))
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _start(self, workdir: Path):
        binary = build_delay_line(workdir)
        loss = self.shape.loss_percent / 100
        # Direction "ab" is client to server (upload), "ba" server to client (download).
        # Real-time priority: on a shared machine the line's few microseconds per packet must
        # not wait behind other work, or the delay grows by a scheduler's time slice.
        command = [
            "chrt", "-f", str(RELAY_PRIORITY), str(binary),
            f"/var/run/netns/{self.client.name}", TUN,
            f"/var/run/netns/{self.server.name}", TUN,
            str(self.shape.one_way_us), str(self.shape.one_way_us),
            f"{loss:g}", f"{loss:g}", str(self.seed),
        ]  # fmt: skip
        self.relay = Background(command, log=workdir / "delayline.log")
        self._wait_for_devices(workdir / "delayline.log")
        for ns, mine, peer, rate in (
            (self.client, CLIENT_ADDRESS, SERVER_ADDRESS, self.shape.up_mbit),
            (self.server, SERVER_ADDRESS, CLIENT_ADDRESS, self.shape.down_mbit),
        ):
            # One packet per skb: tbf adds its 14 bytes per skb, so a segmentation-offload skb
            # of several packets was charged one header, and the link carried up to 1448/1500
            # of its rate instead of 1448/1514 (a 25 Mbit/s link read 24.2 at curl).
            run(ns.command("ip", "link", "set", TUN, "mtu", str(MTU), "gso_max_segs", "1", "up"))
            run(ns.command("ip", "addr", "add", mine, "peer", peer, "dev", TUN))
            if rate:
                run(tbf_command(ns, rate, self.shape.tbf_latency))
            if self.congestion:
                set_congestion_control(ns, self.congestion)

    def _wait_for_devices(self, log: Path):
        import time

        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if "ready" in log.read_text(errors="replace"):
                return
            if not self.relay.running():
                raise RuntimeError(f"delay line stopped at start:\n{self.relay.tail()}")
            time.sleep(0.05)
        raise RuntimeError("delay line did not start")

    def tc_commands(self) -> list[str]:
        """The tc lines as run, for the report."""
        found = []
        for ns, rate in ((self.server, self.shape.down_mbit), (self.client, self.shape.up_mbit)):
            if rate:
                found.append(" ".join(tbf_command(ns, rate, self.shape.tbf_latency)[3:]))
        return found

    def transmitted_bytes(self) -> dict:
        """Bytes each side has sent into the link so far: download is the server's side."""
        return {"download": tun_bytes(self.server), "upload": tun_bytes(self.client)}

    def relay_counts(self) -> str:
        return self.relay.tail(2) if self.relay else ""

    def close(self):
        if self.relay:
            self.relay.stop(grace=2)
        self.server.close()
        self.client.close()
        if self._tmp:
            self._tmp.cleanup()
            self._tmp = None


def tun_bytes(ns: Namespace) -> int:
    text = run(ns.command("cat", "/proc/net/dev")).stdout
    for line in text.splitlines():
        name, _, counters = line.partition(":")
        if name.strip() == TUN:
            return int(counters.split()[8])  # transmit bytes
    raise RuntimeError(f"no {TUN} in /proc/net/dev")


def tun_packets(ns: Namespace) -> tuple[int, int]:
    """Packets received and sent on the namespace's TUN device so far."""
    text = run(ns.command("cat", "/proc/net/dev")).stdout
    for line in text.splitlines():
        name, _, counters = line.partition(":")
        if name.strip() == TUN:
            fields = counters.split()
            return int(fields[1]), int(fields[9])
    raise RuntimeError(f"no {TUN} in /proc/net/dev")


def dropped_percent(link: "Link") -> dict:
    """The share of packets the delay line did not deliver, each way, since the link began."""
    client_in, client_out = tun_packets(link.client)
    server_in, server_out = tun_packets(link.server)
    return {
        "download": (1 - client_in / server_out) * 100 if server_out else None,
        "upload": (1 - server_in / client_out) * 100 if client_out else None,
        "packets": {"download": server_out, "upload": client_out},
    }


def ping_rtt_ms(link: Link, count: int = 10) -> dict:
    """ping from the client to the server: min / avg / max round trip, in ms."""
    done = run(
        link.client.command("ping", "-n", "-q", "-c", str(count), "-i", "0.1", SERVER_ADDRESS),
        timeout=count + 30,
    )
    # rtt min/avg/max/mdev = 20.112/20.201/20.334/0.061 ms
    figures = done.stdout.strip().splitlines()[-1].split("=")[1].split()[0].split("/")
    low, mean, high, _ = (float(f) for f in figures)
    return {"min": low, "avg": mean, "max": high}


def congestion_control(ns: Namespace) -> str:
    """The TCP congestion control new connections use in ns (bbr, cubic, ...)."""
    return run(ns.command("sysctl", "-n", "net.ipv4.tcp_congestion_control")).stdout.strip()


def set_congestion_control(ns: Namespace, name: str):
    """TCP's congestion control for new connections in ns. Outside the host's namespace the
    kernel allows only those in the host's net.ipv4.tcp_allowed_congestion_control."""
    key = "net.ipv4.tcp_congestion_control"
    done = subprocess.run(ns.command("sysctl", "-q", "-w", f"{key}={name}"), capture_output=True)
    if done.returncode:
        allowed = run(["sysctl", "-n", "net.ipv4.tcp_allowed_congestion_control"]).stdout.strip()
        raise RuntimeError(
            f"{name} is not allowed in a namespace on this host (allowed: {allowed}); add it to "
            "net.ipv4.tcp_allowed_congestion_control first"
        )


def has_ping() -> bool:
    return subprocess.run(["which", "ping"], capture_output=True).returncode == 0
