"""A small local stand-in for speed.cloudflare.com, for Cloudflare's engine in the bench.

Run in the server's namespace (python -m bench.cloudflare_endpoint HOST PORT), on the same
emulated link as the app. It serves the page that drives @cloudflare/speedtest (bench/cloudflare/
page.html), the engine itself from bench/cloudflare/node_modules, and the two calls the engine's
measurements make with the configuration the page gives it (packet loss over TURN and result
logging left out):

    GET  /__down?bytes=N  -> N bytes (random, never cached); bytes=0 is its latency probe
    POST /__up            -> reads the whole body, then answers 200 with an empty body
    GET  /ping            -> "ok" (readiness check for the bench)

HTTP/1.1 with keep-alive, as the engine's browser expects. Bench only; never part of the app.
"""

import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent / "cloudflare"
ENGINE = HERE / "node_modules" / "@cloudflare" / "speedtest" / "dist" / "speedtest.js"
BLOCK = os.urandom(1024 * 1024)
READ_SIZE = 64 * 1024
MAX_DOWN_BYTES = 500_000_000
FILES = {"/": (HERE / "page.html", "text/html"),
         "/speedtest.js": (ENGINE, "text/javascript")}  # fmt: skip


class Endpoint(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        if parts.path == "/__down":
            try:
                size = int(parse_qs(parts.query).get("bytes", ["0"])[0])
            except ValueError:
                size = -1
            if not 0 <= size <= MAX_DOWN_BYTES:
                self.answer(400, b"bad bytes")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            left = size
            while left > 0:
                chunk = BLOCK[: min(left, len(BLOCK))]
                self.wfile.write(chunk)
                left -= len(chunk)
        elif parts.path == "/ping":
            self.answer(200, b"ok")
        elif parts.path in FILES:
            path, kind = FILES[parts.path]
            self.answer(200, path.read_bytes(), kind)
        else:
            self.answer(404, b"not found")

    def do_POST(self):  # noqa: N802
        if urlsplit(self.path).path != "/__up":
            self.answer(404, b"not found")
            return
        left = int(self.headers.get("Content-Length") or 0)
        while left > 0:
            chunk = self.rfile.read1(min(READ_SIZE, left))
            if not chunk:
                break
            left -= len(chunk)
        self.answer(200, b"")

    def answer(self, status: int, body: bytes, kind: str = "text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet: the bench prints its own lines
        pass


def main(argv: list[str]) -> int:
    host, port = argv[0], int(argv[1])
    ThreadingHTTPServer.daemon_threads = True
    with ThreadingHTTPServer((host, port), Endpoint) as server:
        print(f"serving on {host}:{port}", flush=True)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
