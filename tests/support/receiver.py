"""A real HTTP receiver on loopback, standing in for the scheduling module: it records what it
is sent, verifies nothing itself (the tests do, with readiness.handoff.signing.verify)."""

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict
    body: bytes
    at: float


class Receiver:
    """Start, stop and start again on the same port; answers `status` after `delay` seconds."""

    def __init__(self, port: int, status: int = 200, delay: float = 0.0):
        self.port = port
        self.status = status
        self.delay = delay
        self.received: list[Received] = []
        self.in_flight: dict[str, int] = {}
        self.overlaps: list[str] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/readiness"

    def handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                delivery = self.headers.get("X-Readiness-Delivery", "")
                with receiver.lock:
                    if receiver.in_flight.get(delivery):
                        receiver.overlaps.append(delivery)
                    receiver.in_flight[delivery] = receiver.in_flight.get(delivery, 0) + 1
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.in_flight[delivery] -= 1
                    if 200 <= receiver.status < 300:
                        receiver.received.append(
                            Received(dict(self.headers.items()), body, time.time())
                        )
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def start(self) -> "Receiver":
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=5)
            self.server = None
