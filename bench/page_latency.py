"""Sequential GETs of one page on one keep-alive connection; prints the timings as JSON.

Run inside the server's namespace: python -m bench.page_latency URL COUNT MAX_SECONDS PACE_MS

Requests start at most every PACE_MS, so that they sample the load over several seconds
instead of the one second that 400 fast requests would take back to back.
"""

import http.client
import json
import sys
import time
from urllib.parse import urlsplit

WARM_UP = 5


def timings(url: str, count: int, max_seconds: float, pace_ms: float = 0) -> dict:
    """Milliseconds per request (request sent to last body byte), after a few warm-up ones."""
    parts = urlsplit(url)
    path = parts.path or "/"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    latencies, statuses, reconnects = [], {}, 0
    deadline = time.monotonic() + max_seconds
    next_start = 0.0
    try:
        for i in range(WARM_UP + count):
            if time.monotonic() > deadline:
                break
            time.sleep(max(0.0, next_start - time.perf_counter()))
            started = time.perf_counter()
            next_start = started + pace_ms / 1000
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):
                # The server closed the idle connection: open another, count it, go on.
                connection.close()
                reconnects += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if i >= WARM_UP:
                latencies.append(elapsed)
    finally:
        connection.close()
    return {"latencies_ms": latencies, "statuses": statuses, "reconnects": reconnects}


if __name__ == "__main__":
    url, count, max_seconds, pace_ms = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:5])
    started = time.monotonic()
    found = timings(url, count, max_seconds, pace_ms)
    found["seconds"] = round(time.monotonic() - started, 2)
    print(json.dumps(found))
