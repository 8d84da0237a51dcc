"""Gunicorn's settings, read from the working directory by `make run` and the tests' servers.

Request line and header limits: the highest gunicorn allows, so that the app's own lower limits
(readiness/request_limits.py) answer oversized requests with a translated page, not gunicorn's.
"""

import os
import shutil
import tempfile

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16380

# An idle keep-alive connection waits in the worker's poller, not in a thread, so keeping it
# costs a socket only. gunicorn's default (2 s) is shorter than the pauses between a patient's
# requests on a busy machine, and a request sent just as the server closes its connection is
# lost ("remote end closed connection"): make load saw that at 200 patients.
keepalive = 10

# Metrics (readiness/ops/metrics.py): each worker writes its figures to files in this folder, so
# /metrics adds up every worker whichever answers. The operator may name it (systemd's
# RuntimeDirectory); otherwise each server makes its own. Emptied at start: a restarted server
# starts from zero, which Prometheus' rate() expects.
_METRICS_FOLDER_OURS = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _METRICS_FOLDER_OURS:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="readiness-metrics-")


def on_starting(server):
    """Start the metrics from zero, and say so when rate limits are counted per worker."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))
    warn_about_limits_in_memory(server)


def warn_about_limits_in_memory(server):
    """Rate limits counted in memory are counted per worker: say so when there are several.

    Production refuses memory:// outright (readiness/config.py); this catches a development or
    staging server started with more than one worker.
    """
    storage = os.environ.get("READINESS_RATELIMIT_STORAGE_URI", "")
    enabled = os.environ.get("READINESS_RATELIMIT_ENABLED", "true").lower() != "false"
    if enabled and storage.startswith("memory://") and server.cfg.workers > 1:
        server.log.warning(
            "READINESS_RATELIMIT_STORAGE_URI=memory:// with %d workers: each worker counts "
            "apart, so every limit is %d times looser. Use database:// or redis://.",
            server.cfg.workers,
            server.cfg.workers,
        )


def child_exit(server, worker):
    """A worker that died keeps its counters; its gauges (transfers, peers) stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _METRICS_FOLDER_OURS:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


# A request head must be in 10 s (READINESS_REQUEST_HEAD_SECONDS) after its first byte, and one
# address may have 8 heads being read at once per worker (readiness/request_deadlines.py;
# review 3, F2): gunicorn itself only waits for the first byte. Imported in the worker, once
# the app is loaded.


def post_worker_init(worker):
    if worker.__class__.__name__ == "ThreadWorker":
        from readiness.request_deadlines import HEAD_SECONDS, watch_request_heads

        watch_request_heads(
            worker, float(os.environ.get("READINESS_REQUEST_HEAD_SECONDS", 0)) or HEAD_SECONDS
        )


def pre_request(worker, req):
    from readiness.request_deadlines import head_received

    head_received()
