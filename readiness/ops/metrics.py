"""The app's Prometheus metrics, correct across gunicorn workers (multiprocess mode). No Flask.

Under gunicorn, PROMETHEUS_MULTIPROC_DIR (set by gunicorn.conf.py, or by the operator) must be
set before this module is imported: each worker then writes its values to files there, and
/metrics sums them whichever worker answers. Labels hold route templates, step and verdict
names, never a path, an address, a code or anything a person typed.
"""

import os
import time

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

HTTP_REQUESTS = Counter(
    "readiness_http_requests_total", "Requests answered, by route template and status.",
    ["route", "status"],
)  # fmt: skip
HTTP_DURATION = Histogram(
    "readiness_http_request_duration_seconds",
    "Time to the response's headers, by route template.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
CHECKS_FINISHED = Counter(
    "readiness_checks_finished", "Checks finished for the first time, by verdict.", ["verdict"]
)
CHECK_STEPS = Counter("readiness_check_step", "Checks reaching a step of the check.", ["step"])
MEDIA_ROUTES = Counter(
    "readiness_media_route", "Connection results stored, by the media path found.", ["route"]
)
RATE_LIMITED = Counter(
    "readiness_rate_limited", "Requests refused by a rate limit, by the limited endpoint.",
    ["limit"],
)  # fmt: skip
PROBE_TRANSFERS = Gauge(
    "readiness_probe_transfers_in_flight",
    "Probe downloads and uploads running now, in every worker.",
    multiprocess_mode="livesum",
)
MEDIA_PEERS = Gauge(
    "readiness_media_peers",
    "Media check peers open now, in every worker.",
    multiprocess_mode="livesum",
)

UNMATCHED_ROUTE = "unmatched"


def multiprocess_mode() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


class OutboxCollector:
    """The outbox's backlog, read from the database at scrape time (shared by every host)."""

    def __init__(self, read_backlog):
        self.read_backlog = read_backlog  # () -> (pending count, oldest pending created_at)

    def collect(self):
        try:
            pending, oldest = self.read_backlog()
        except Exception:
            return  # the database is down: /readyz says so, the other metrics still answer
        age = max(0.0, time.time() - oldest.timestamp()) if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "readiness_outbox_pending", "Webhook messages not yet delivered.", value=pending
        )
        yield GaugeMetricFamily(
            "readiness_outbox_oldest_pending_seconds",
            "Age of the oldest webhook message not yet delivered (0 when none).",
            value=age,
        )


class Forward:
    """Another registry's metrics, collected into ours (one process: no multiprocess files)."""

    def __init__(self, source):
        self.source = source

    def describe(self):
        return []

    def collect(self):
        return self.source.collect()


def exposition(read_backlog) -> bytes:
    """Every metric in Prometheus' text format, summed over this server's workers."""
    registry = CollectorRegistry()
    if multiprocess_mode():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(Forward(REGISTRY))
    registry.register(OutboxCollector(read_backlog))
    return generate_latest(registry)
