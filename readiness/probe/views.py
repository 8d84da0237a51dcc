import time

from flask import Response, current_app, jsonify, request

from ..errors import json_error
from . import bp
from .payload import random_stream

# no-transform: a proxy must not compress or recode what we measure.
NO_STORE = "no-store, no-transform"
READ_SIZE = 256 * 1024
MINI_PAGE = """<!doctype html>
<html><head><title>Speedtest Mini</title></head>
<body><script>var settings = { upload_extension: "php" };</script></body></html>
"""


def uncached(response: Response) -> Response:
    response.headers["Cache-Control"] = NO_STORE
    return response


def download_response(size: int) -> Response:
    """size random bytes, streamed; never cached, never compressed."""
    response = Response(random_stream(size), mimetype="application/octet-stream")
    response.content_length = size
    return uncached(response)


def requested_size(text: str | None):
    """The byte count asked for, or an error response."""
    limit = current_app.config["PROBE_MAX_DOWNLOAD_BYTES"]
    try:
        size = int(text or "")
    except ValueError:
        return None, json_error(400, "bad_size", "bytes must be a whole number of bytes")
    if size < 0:
        return None, json_error(400, "bad_size", "bytes must be 0 or more")
    if size > limit:
        return None, json_error(413, "too_large", f"bytes must be at most {limit}")
    return size, None


def receive_body() -> int:
    """Read and discard the whole request body; the number of bytes received.

    With a Content-Length, read exactly that many bytes: under gunicorn the stream is capped at
    the upload limit and raises 413 on any read past it, so asking for "one more chunk" after a
    body of exactly the limit would refuse a body that is allowed.
    """
    stream = request.stream
    expected = request.content_length
    received = 0
    while expected is None or received < expected:
        wanted = READ_SIZE if expected is None else min(READ_SIZE, expected - received)
        chunk = stream.read(wanted)
        if not chunk:
            break
        received += len(chunk)
    return received


@bp.route("/ping")
def ping():
    response = jsonify(server_time=time.time())
    return uncached(response)


@bp.route("/download")
def download():
    size, error = requested_size(request.args.get("bytes"))
    return error or download_response(size)


@bp.route("/upload", methods=["POST"])
def upload():
    started = time.perf_counter()
    received = receive_body()
    handling_ms = (time.perf_counter() - started) * 1000
    response = jsonify(bytes=received, server_time=time.time(), handling_ms=round(handling_ms, 3))
    response.headers["Server-Timing"] = f"app;dur={handling_ms:.3f}"
    return uncached(response)


# Speedtest Mini compatibility, for speedtest-cli (flask probe speedtest).


@bp.route("/mini/")
def mini_page():
    return uncached(Response(MINI_PAGE, mimetype="text/html"))


@bp.route("/mini/speedtest/latency.txt")
def mini_latency():
    return uncached(Response("test=test", mimetype="text/plain"))


@bp.route("/mini/speedtest/random<int:width>x<int:height>.jpg")
def mini_download(width: int, height: int):
    # Speedtest Mini's random<N>x<N>.jpg files hold about 2 bytes per pixel.
    size, error = requested_size(str(width * height * 2))
    return error or download_response(size)


@bp.route("/mini/speedtest/upload.php", methods=["GET", "POST"])
def mini_upload():
    received = receive_body()
    return uncached(Response(f"size={received}", mimetype="text/plain"))
