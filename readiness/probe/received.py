"""What the probe received, and when: the request's head and the body's arrival, for the
browser to count every byte that crossed the link and to place each where the server got it.

Plain Python: no Flask. Times are time.perf_counter() seconds on the server's clock; the
browser maps them onto its own through the answer (sent right after the last read).
"""

import time

# At most this many arrival points per request: the first, the last, and evenly in between.
MAX_POINTS = 24
REQUEST_LINE_EXTRA = len("  HTTP/1.1\r\n") - len("HTTP/1.1")  # two spaces and CRLF
HEADER_EXTRA = len(": \r\n")
BLANK_LINE = len("\r\n")
# Headers a WSGI server gives without the HTTP_ prefix.
PLAIN_HEADERS = ("CONTENT_TYPE", "CONTENT_LENGTH")


def head_bytes(environ: dict) -> int:
    """The bytes of the request line and headers as they crossed the link (the order and case
    of the names are lost in the WSGI environ; their lengths are not)."""
    target = environ.get("RAW_URI") or (
        environ.get("PATH_INFO", "") + ("?" + q if (q := environ.get("QUERY_STRING")) else "")
    )
    protocol = environ.get("SERVER_PROTOCOL", "HTTP/1.1")
    size = len(environ.get("REQUEST_METHOD", "GET")) + len(target) + len(protocol)
    size += REQUEST_LINE_EXTRA
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name_length = len(key) - len("HTTP_")
        elif key in PLAIN_HEADERS and value:
            name_length = len(key)
        else:
            continue
        size += name_length + len(str(value)) + HEADER_EXTRA
    return size + BLANK_LINE


class Arrivals:
    """The body's cumulative byte count at each read, from when the request was taken up."""

    def __init__(self, clock=time.perf_counter):
        self.clock = clock
        self.points = [(clock(), 0)]
        self.total = 0

    def add(self, size: int):
        self.total += size
        self.points.append((self.clock(), self.total))

    def before(self, answered: float) -> list[list[float]]:
        """[ms before `answered`, bytes so far] at most MAX_POINTS of them, oldest first."""
        return [[round((answered - t) * 1000, 2), n] for t, n in thin(self.points, MAX_POINTS)]


def thin(points: list, limit: int) -> list:
    """At most `limit` of the points: the first, the last and evenly spread between."""
    if len(points) <= limit:
        return list(points)
    step = (len(points) - 1) / (limit - 1)
    return [points[round(i * step)] for i in range(limit)]
