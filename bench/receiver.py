"""The bench's upload reference: a small HTTP receiver that counts bytes as they arrive.

curl, the sender, cannot see when its bytes cross the link: its time_total ends when the
server's answer comes back, and the kernel's send buffer hides when each byte left. This
receiver, run in the server's namespace (python -m bench.receiver HOST PORT), stamps every read
of the body with its own clock and answers the steady goodput from the ramp's end to the last
byte: the same arithmetic as curl's download reference on the client side
(figures.steady_goodput). Bench only; never part of the app.

    POST /upload?ramp_s=1.5   (with a Content-Length) -> {"bytes", "seconds", "steady_mbps"}
    GET /ping                 -> {"ok": true}
"""

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .figures import steady_goodput

READ_SIZE = 64 * 1024


class Receiver(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        if urlsplit(self.path).path == "/ping":
            self.answer(200, {"ok": True})
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):  # noqa: N802
        parts = urlsplit(self.path)
        if parts.path != "/upload":
            self.answer(404, {"error": "not found"})
            return
        length = self.headers.get("Content-Length")
        if length is None:
            self.answer(411, {"error": "a Content-Length is needed"})
            return
        ramp_s = float(parse_qs(parts.query).get("ramp_s", ["0"])[0])
        points, received, expected = [], 0, int(length)
        while received < expected:
            # read1: whatever one read of the socket gives, stamped as it comes.
            chunk = self.rfile.read1(min(READ_SIZE, expected - received))
            if not chunk:
                break
            received += len(chunk)
            points.append((time.monotonic(), received))
        seconds = points[-1][0] - points[0][0] if points else 0.0
        self.answer(
            200,
            {
                "bytes": received,
                "seconds": seconds,
                "steady_mbps": steady_goodput(points, ramp_s),
                "reads": len(points),
            },
        )

    def answer(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # quiet: the bench prints its own lines
        pass


def main(argv: list[str]) -> int:
    host, port = argv[0], int(argv[1])
    with ThreadingHTTPServer((host, port), Receiver) as server:
        print(f"receiving on {host}:{port}", flush=True)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
