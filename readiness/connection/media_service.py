"""The server side of the media-path check: a WebRTC peer (aiortc) that counts and echoes.

Pure of Flask: the probe's view hands it the browser's offer and gets the answer back. The
peers live in one asyncio loop on a thread of its own, started on first use in each worker,
so `make run` (gunicorn) starts it with everything else.

What travels between the browser and this peer (nothing from a camera or microphone):
- "media", unordered and unreliable like a call's packets: the browser's packets ("U", counted
  and echoed back as "E" so the browser can time the round trip) and ours ("D", counted by
  the browser);
- "control", ordered and reliable: the browser asks for the counts and for our packets.
"""

import asyncio
import json
import logging
import re
import struct
import threading
import time

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from ..ops.metrics import MEDIA_PEERS

log = logging.getLogger(__name__)

# kind (1 byte), sequence number, sender's clock in milliseconds; then padding.
HEADER = struct.Struct("!cId")
MAX_PACKETS = 1000  # per direction and peer: 20 s at 50 a second
MAX_PACKET_BYTES = 1200
MIN_INTERVAL_MS = 5.0


class UnusableOffer(ValueError):
    """The browser's description cannot be read or answered: the caller's mistake, not ours."""


class MediaBusy(RuntimeError):
    """Too many checks at once in this worker: the browser should report the check as skipped."""


class ClientBusy(MediaBusy):
    """This client address has its share of peers already (one check needs one)."""


class TransitJitter:
    """RFC 3550's interarrival jitter: the smoothed change in one-way transit time, in ms."""

    def __init__(self):
        self.jitter = 0.0
        self.last_transit = None

    def add(self, sent_ms: float, arrived_ms: float) -> None:
        transit = arrived_ms - sent_ms
        if self.last_transit is not None:
            self.jitter += (abs(transit - self.last_transit) - self.jitter) / 16
        self.last_transit = transit


class EchoPeer:
    """One browser's check: counts what arrives, echoes it, sends packets when asked."""

    def __init__(self, lifetime_seconds: float, client: str = "", connect_seconds: float = 10.0):
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.lifetime = lifetime_seconds
        self.client = client
        self.connect_seconds = connect_seconds
        self.received = set()
        self.jitter = TransitJitter()
        self.media = None
        self.sending = None
        self.pc.on("datachannel", self.on_datachannel)
        self.pc.on("connectionstatechange", self.on_connection_state)

    def on_connection_state(self):
        """The path failed (the browser went away, or never got through): free the place."""
        if self.pc.connectionState == "failed":
            self.close()

    def on_datachannel(self, channel):
        if channel.label == "media":
            self.media = channel
            channel.on("message", self.on_media)
        elif channel.label == "control":
            channel.on("message", lambda message: self.on_control(channel, message))

    def on_media(self, message):
        if not isinstance(message, bytes) or len(message) < HEADER.size:
            return
        kind, sequence, sent_ms = HEADER.unpack_from(message)
        if kind != b"U" or len(self.received) >= MAX_PACKETS:
            return
        self.received.add(sequence)
        self.jitter.add(sent_ms, now_ms())
        self.media.send(b"E" + message[1 : HEADER.size])

    def on_control(self, channel, message):
        try:
            request = json.loads(message)
        except (TypeError, ValueError):
            return
        if not isinstance(request, dict):
            return
        if request.get("type") == "counts":
            channel.send(
                json.dumps(
                    {
                        "type": "counts",
                        "received": len(self.received),
                        "jitter_ms": round(self.jitter.jitter, 2),
                    }
                )
            )
        elif request.get("type") == "send" and self.sending is None and self.media:
            count = bounded(request.get("count"), 1, MAX_PACKETS, 100)
            size = bounded(request.get("size"), HEADER.size, MAX_PACKET_BYTES, 1000)
            interval = bounded(request.get("interval_ms"), MIN_INTERVAL_MS, 1000, 20)
            self.sending = asyncio.ensure_future(self.send_packets(channel, count, size, interval))

    async def send_packets(self, channel, count: int, size: int, interval_ms: float):
        """count packets of size bytes, evenly spaced; then say how many were sent."""
        padding = bytes(size - HEADER.size)
        start = time.monotonic()
        for sequence in range(count):
            delay = start + sequence * interval_ms / 1000 - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.media.readyState != "open":
                return
            self.media.send(HEADER.pack(b"D", sequence, now_ms()) + padding)
        channel.send(json.dumps({"type": "sent", "count": count}))

    async def answer(self, offer_sdp: str) -> str:
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            answer = await self.pc.createAnswer()
        except Exception as error:
            # aiortc's parser asserts, indexes and dereferences what the offer says (an unknown
            # a=setup role: KeyError; an m= line without its protocol: AssertionError; no
            # fingerprint: AttributeError): whatever fails here, the offer made it fail.
            log.info("media offer refused: %s", type(error).__name__)
            raise UnusableOffer(type(error).__name__) from error
        await self.pc.setLocalDescription(answer)
        loop = asyncio.get_running_loop()
        loop.call_later(self.lifetime, self.close)
        # An offer never followed by a connection (a flood of them) frees its place as soon
        # as a browser would have given up, not after the whole lifetime (review 3, F17).
        loop.call_later(self.connect_seconds, self.close_unless_connected)
        return self.pc.localDescription.sdp

    def close_unless_connected(self):
        if self.pc.connectionState != "connected":
            self.close()

    def close(self):
        asyncio.ensure_future(self.pc.close())


def now_ms() -> float:
    return time.time() * 1000


def bounded(value, low, high, default):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return max(low, min(high, value))


def announce_address(sdp: str, public_address: str | None) -> str:
    """Behind NAT: the host candidates carry the public address the browser must reach."""
    if not public_address:
        return sdp
    return re.sub(
        r"^(a=candidate:\S+ \d+ udp \d+ )\S+( \d+ typ host)",
        lambda match: f"{match[1]}{public_address}{match[2]}",
        sdp,
        flags=re.MULTILINE | re.IGNORECASE,
    )


class MediaService:
    """The asyncio loop that holds the peers, on its own daemon thread."""

    def __init__(
        self,
        max_peers: int = 20,
        lifetime_seconds: float = 30.0,
        host_addresses=(),
        per_client: int = 2,
        connect_seconds: float = 10.0,
    ):
        if host_addresses:
            # aiortc offers every interface's address and has no setting to choose: the
            # ICE library's own lookup is replaced for this process.
            addresses = list(host_addresses)
            aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: addresses
        self.max_peers = max_peers
        self.per_client = per_client
        self.lifetime = lifetime_seconds
        self.connect_seconds = connect_seconds
        self.peers: set[EchoPeer] = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="media", daemon=True)
        self.thread.start()

    def answer(
        self, offer_sdp: str, public_address: str | None = None, timeout=10.0, client: str = ""
    ) -> str:
        """The answer to a browser's offer, with our candidates gathered; raises MediaBusy
        when this worker has max_peers, or this client address per_client, already."""
        future = asyncio.run_coroutine_threadsafe(self.open_peer(offer_sdp, client), self.loop)
        return announce_address(future.result(timeout), public_address)

    async def open_peer(self, offer_sdp: str, client: str = "") -> str:
        self.peers = {peer for peer in self.peers if peer.pc.connectionState != "closed"}
        if len(self.peers) >= self.max_peers:
            raise MediaBusy
        if sum(peer.client == client for peer in self.peers) >= self.per_client:
            raise ClientBusy
        peer = EchoPeer(self.lifetime, client, self.connect_seconds)
        self.peers.add(peer)
        MEDIA_PEERS.set(len(self.peers))
        # A peer closes by its lifetime at the latest: count again just after.
        self.loop.call_later(self.lifetime + 1, self.count_peers)
        try:
            return await peer.answer(offer_sdp)
        except Exception:
            peer.close()
            raise

    def count_peers(self) -> None:
        self.peers = {peer for peer in self.peers if peer.pc.connectionState != "closed"}
        MEDIA_PEERS.set(len(self.peers))


_service: MediaService | None = None
_lock = threading.Lock()


def service(
    max_peers: int, lifetime_seconds: float, host_addresses=(), per_client=2, connect_seconds=10.0
) -> MediaService:
    """This process's media service, started on first use (after gunicorn forks its workers)."""
    global _service
    with _lock:
        if _service is None:
            _service = MediaService(
                max_peers, lifetime_seconds, host_addresses, per_client, connect_seconds
            )
            log.info("media service started")
        return _service
