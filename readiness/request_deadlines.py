"""Every request socket has a read deadline: slow headers and slow bodies free their thread.

gunicorn's threaded worker gives each connection a thread of its own once its first byte
arrives, then reads the request head, and the app reads the body, on a blocking socket with no
timeout. One byte every few seconds kept a thread for as long as the client liked: 140 such
connections from one address took every thread of `make run` (review 3, F2). Two deadlines:

- the head (request line and headers) must be in HEAD_SECONDS after its first byte, kept by a
  watcher thread in each worker (gunicorn.conf.py installs it: watch_request_heads());
- the body must be in BODY_SECONDS after the request reached the app, kept by BodyDeadline
  around the app (the probe's upload has its own stall timeout instead: it may take longer).

A client past either deadline is hung up on (readiness.stalled_clients), so gunicorn's close of
its connection does not wait for it either. On a directly reachable server, one address also
has at most PER_CLIENT heads and PER_CLIENT bodies being read per worker: a few addresses
cannot take every thread (many addresses can, for the deadline's length: nginx in front, which
reads heads and bodies before passing them on, is what stops that).
Behind a proxy (nginx buffers heads and bodies), the proxy's address is not limited.
"""

import threading
import time
from collections import Counter
from types import SimpleNamespace

from .stalled_clients import hang_up

HEAD_SECONDS = 10.0
BODY_SECONDS = 15.0
# Per worker (64 threads in make run): 4 addresses hold at most half of them in heads.
PER_CLIENT = 8
# The probe's upload counts bytes for as long as they come (PROBE_STALL_SECONDS between them).
OWN_STALL_TIMEOUT = ("/probe/upload", "/probe/mini/speedtest/upload.php")


class Deadlines:
    """Connections being read, each with a deadline and a client address; a thread of its own
    hangs up on each connection still there past its deadline (the thread reading it then
    sees the end of the stream, whatever size it asked for)."""

    def __init__(self, seconds: float, per_client: int | None, trusted=()):
        self.seconds, self.per_client, self.trusted = seconds, per_client, set(trusted)
        self.lock = threading.Lock()
        self.reading = {}  # key -> (deadline, client address, what has the socket as .sock)
        self.per_address = Counter()
        self.current = threading.local()
        threading.Thread(target=self.run, name="read-deadlines", daemon=True).start()

    def start(self, key, holder, address: str) -> bool:
        """Watch key from now; False if this address already has its share."""
        with self.lock:
            limited = self.per_client is not None and address not in self.trusted
            if limited and self.per_address[address] >= self.per_client:
                return False
            self.reading[key] = (time.monotonic() + self.seconds, address, holder)
            self.per_address[address] += 1
        self.current.key = key
        return True

    def done(self, key=None) -> None:
        """key is read (or its thread is done with it): no deadline any more."""
        key = key if key is not None else getattr(self.current, "key", None)
        with self.lock:
            found = self.reading.pop(key, None)
            if found is not None:
                self.per_address[found[1]] -= 1
                if not self.per_address[found[1]]:
                    del self.per_address[found[1]]

    def run(self) -> None:
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self.lock:
                for deadline, _, holder in self.reading.values():
                    if deadline < now:
                        hang_up(holder.sock, discard_unsent=False)


_watcher: Deadlines | None = None


def watch_request_heads(worker, seconds: float = HEAD_SECONDS, per_client: int = PER_CLIENT):
    """Give each request head of this gunicorn gthread worker a deadline (post_worker_init)."""
    global _watcher
    from gunicorn.workers.gthread import _DEFER, DEFAULT_WORKER_DATA_TIMEOUT

    trusted = worker.cfg.forwarded_allow_ips
    watcher = _watcher = Deadlines(seconds, per_client, trusted if trusted != ["*"] else ())
    handle = worker.handle

    def handle_with_deadline(conn):
        # As gunicorn does: a connection with nothing to read yet waits in the poller.
        if not conn.initialized and not conn.wait_for_data(DEFAULT_WORKER_DATA_TIMEOUT):
            return _DEFER
        address = conn.client[0] if isinstance(conn.client, tuple) else str(conn.client)
        if not watcher.start(conn, conn, address):
            hang_up(conn.sock, discard_unsent=False)
            return False
        try:
            return handle(conn)
        finally:
            watcher.done(conn)

    worker.handle = handle_with_deadline


def head_received() -> None:
    """The request head is in: its deadline no longer applies (gunicorn's pre_request)."""
    if _watcher is not None:
        _watcher.done()


class BodyDeadline:
    """WSGI middleware: each request body in BODY_SECONDS, and at most per_client bodies being
    read per client address (None: no such limit, behind a proxy whose address it would be)."""

    def __init__(self, app, seconds: float = BODY_SECONDS, per_client: int | None = PER_CLIENT):
        self.app = app
        self.deadlines, self.lock = None, threading.Lock()
        self.seconds, self.per_client = seconds, per_client

    def __call__(self, environ, start_response):
        sock = environ.get("gunicorn.socket")
        has_body = environ.get("CONTENT_LENGTH") not in (None, "", "0") or environ.get(
            "HTTP_TRANSFER_ENCODING"
        )
        if sock is None or not has_body or environ.get("PATH_INFO") in OWN_STALL_TIMEOUT:
            return self.app(environ, start_response)
        with self.lock:  # started under a server only: not for each test's app
            if self.deadlines is None:
                self.deadlines = Deadlines(self.seconds, self.per_client)
        key = object()
        if not self.deadlines.start(key, SimpleNamespace(sock=sock), environ.get("REMOTE_ADDR")):
            # No page: only a flood from one address gets here, and it is not read.
            hang_up(sock, discard_unsent=False)
            start_response("503 Service Unavailable", [("Retry-After", "5"),
                                                       ("Content-Length", "0"),
                                                       ("Connection", "close")])  # fmt: skip
            return []
        body = environ["wsgi.input"] = CountedInput(environ["wsgi.input"], environ)
        try:
            # Flask reads the body in the view, before it returns the answer.
            return self.app(environ, start_response)
        finally:
            self.deadlines.done(key)
            if not body.complete:
                # Refused unread (too large, say): gunicorn would read the rest before its
                # graceful close, and a client that sends no more would hold it (F1 again).
                hang_up(sock, discard_unsent=False)


class CountedInput:
    """The request body as the server gives it, knowing whether it was read to its end."""

    def __init__(self, stream, environ):
        self.stream = stream
        length = environ.get("CONTENT_LENGTH")
        self.left = int(length) if length and length.isdigit() else None
        self.complete = self.left == 0

    def read(self, *args):
        return self.counted(self.stream.read(*args), args)

    def readline(self, *args):
        return self.counted(self.stream.readline(*args), args)

    def __iter__(self):
        return iter(self.readline, b"")

    def counted(self, data: bytes, args) -> bytes:
        if self.left is not None:
            self.left -= len(data)
            self.complete = self.complete or self.left <= 0
        if not data and (not args or args[0] is None or args[0] != 0):
            self.complete = True  # the end of the body (or of the connection)
        return data


def init_app(app) -> None:
    """Around the whole app (outside ProxyFix: the address counted is the connection's)."""
    config = app.config
    per_client = None if int(config.get("PROXY_COUNT", 0) or 0) else PER_CLIENT
    app.wsgi_app = BodyDeadline(
        app.wsgi_app, float(config.get("REQUEST_BODY_SECONDS", BODY_SECONDS)), per_client
    )
