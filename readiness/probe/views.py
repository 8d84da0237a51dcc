import time

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.wsgi import wrap_file

from ..client_network import limit_key
from ..errors import json_error
from ..stalled_clients import hang_up
from . import bp, transfer_slots
from .payload import CHUNK_SIZE, random_file, random_stream
from .received import Arrivals, head_bytes

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


def busy() -> Response:
    """This client (or the server) already runs as many transfers as it may: try again soon."""
    response = json_error(503, "busy", "too many transfers at once; try again in a moment")
    response.headers["Retry-After"] = "1"
    return uncached(response)


def client_address() -> str:
    """Whose transfer slots: the client's address, or its IPv6 /64."""
    return limit_key(request.remote_addr)


def stop_on_stall() -> None:
    """A client that stops reading (or sending) frees its thread after PROBE_STALL_SECONDS:
    gunicorn's send or read then fails with a timeout and it closes the connection."""
    sock = request.environ.get("gunicorn.socket")
    if sock is not None:
        sock.settimeout(float(current_app.config["PROBE_STALL_SECONDS"]))


def download_response(size: int) -> Response:
    """size random bytes, streamed; never cached, never compressed. Holds a transfer slot
    until the answer is sent in full or the connection is given up; a client that stopped
    reading is hung up on (readiness.stalled_clients), so closing its connection holds
    nothing."""
    slots, client = transfer_slots(), client_address()
    if not slots.take(client):
        return busy()
    stop_on_stall()
    sock = request.environ.get("gunicorn.socket")
    no_body = request.method == "HEAD"
    body = stream = None

    def give_back():
        slots.give_back(client)
        sent = body.sent_in_full if body is not None else stream.sent_in_full
        if sock is not None and not (sent or no_body):
            hang_up(sock, discard_unsent=True)

    accel = current_app.config["PROBE_ACCEL_REDIRECT"]
    if accel and size == current_app.config["PROBE_MAX_DOWNLOAD_BYTES"] and not no_body:
        # nginx sends the file itself (sendfile, no app thread held): the slot was only checked.
        slots.give_back(client)
        response = Response(status=200, mimetype="application/octet-stream")
        response.headers["X-Accel-Redirect"] = f"{accel.rstrip('/')}/random-{size}.bin"
        return uncached(response)
    body = random_file(size, on_close=give_back)
    if body is None:
        stream = CountedStream(random_stream(size))
        response = Response(stream, mimetype="application/octet-stream")
        response.call_on_close(give_back)
    else:
        # Passed through to the server untouched: gunicorn sends it with sendfile(), and closes
        # it (giving the slot back) when the answer is sent or given up.
        response = Response(
            wrap_file(request.environ, body, CHUNK_SIZE),
            mimetype="application/octet-stream",
            direct_passthrough=True,
        )
    response.content_length = size
    return uncached(response)


class CountedStream:
    """An answer's chunks, knowing whether the server took the last one."""

    def __init__(self, chunks):
        self.chunks = chunks
        self.sent_in_full = False

    def __iter__(self):
        yield from self.chunks
        self.sent_in_full = True


def counted_upload(arrivals: Arrivals | None = None):
    """The byte count of the body, read in a transfer slot; or an error response."""
    slots, client = transfer_slots(), client_address()
    if not slots.take(client):
        return None, busy()
    stop_on_stall()
    try:
        return receive_body(arrivals), None
    except (TimeoutError, ClientDisconnected, OSError):
        sock = request.environ.get("gunicorn.socket")
        if sock is not None:
            hang_up(sock, discard_unsent=False)  # the 408 still goes out
        response = json_error(408, "stalled", "the body stopped arriving")
        response.headers["Connection"] = "close"
        return None, response
    finally:
        slots.give_back(client)


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


def receive_body(arrivals: Arrivals | None = None) -> int:
    """Read and discard the whole request body; the number of bytes received.

    With a Content-Length, read exactly that many bytes: under gunicorn the stream is capped at
    the upload limit and raises 413 on any read past it, so asking for "one more chunk" after a
    body of exactly the limit would refuse a body that is allowed. Without one, see
    receive_unsized().
    """
    expected = request.content_length
    if expected is None:
        return receive_unsized(current_app.config["PROBE_MAX_UPLOAD_BYTES"], arrivals)
    stream = request.stream
    received = 0
    while received < expected:
        chunk = stream.read(min(READ_SIZE, expected - received))
        if not chunk:
            break
        received += len(chunk)
        if arrivals is not None:
            arrivals.add(len(chunk))
    return received


def receive_unsized(limit: int, arrivals: Arrivals | None = None) -> int:
    """A body with no Content-Length (Transfer-Encoding: chunked, as `curl -T -` sends from a
    pipe), read to its end: exactly `limit` bytes are counted, one byte more is refused (413).

    Werkzeug's capped stream refuses any read once `limit` bytes are in, even the read that
    would have found the body's end, so a body of exactly the limit got 413. A server that
    ends such bodies itself (gunicorn: wsgi.input_terminated) is read directly, at most one
    byte past the limit; any other gets werkzeug's stream, which stays empty.
    """
    environ = request.environ
    stream = environ["wsgi.input"] if environ.get("wsgi.input_terminated") else request.stream
    received = 0
    while chunk := stream.read(min(READ_SIZE, limit + 1 - received)):
        received += len(chunk)
        if received > limit:
            raise RequestEntityTooLarge()
        if arrivals is not None:
            arrivals.add(len(chunk))
    return received


@bp.route("/ping")
def ping():
    # received_bytes: the request's own bytes, which crossed the link (during the upload, the
    # latency probes' requests share its direction and count with it).
    response = jsonify(server_time=time.time(), received_bytes=head_bytes(request.environ))
    return uncached(response)


@bp.route("/download")
def download():
    size, error = requested_size(request.args.get("bytes"))
    return error or download_response(size)


@bp.route("/upload", methods=["POST"])
def upload():
    """The body's byte count; with head_bytes (the request line and headers, which crossed the
    link too) and `received`: [ms before this answer, body bytes so far] as they were read, so
    the browser places the bytes where the server got them, not spread over its own request."""
    arrivals = Arrivals()
    started = arrivals.points[0][0]
    received, error = counted_upload(arrivals)
    if error:
        return error
    answered = time.perf_counter()
    handling_ms = (answered - started) * 1000
    response = jsonify(
        bytes=received,
        head_bytes=head_bytes(request.environ),
        received=arrivals.before(answered),
        server_time=time.time(),
        handling_ms=round(handling_ms, 3),
    )
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
    received, error = counted_upload()
    if error:
        return error
    return uncached(Response(f"size={received}", mimetype="text/plain"))
