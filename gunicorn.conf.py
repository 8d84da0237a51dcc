"""Gunicorn's settings, read from the working directory by `make run` and the tests' servers.

Request line and header limits: the highest gunicorn allows, so that the app's own lower limits
(readiness/request_limits.py) answer oversized requests with a translated page, not gunicorn's.
"""

import os

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16380

# An idle keep-alive connection waits in the worker's poller, not in a thread, so keeping it
# costs a socket only. gunicorn's default (2 s) is shorter than the pauses between a patient's
# requests on a busy machine, and a request sent just as the server closes its connection is
# lost ("remote end closed connection"): make load saw that at 200 patients.
keepalive = 10


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
