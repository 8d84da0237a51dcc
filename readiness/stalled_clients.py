"""Clients that stop reading or sending: how their connections end without holding the server.

gunicorn's threaded worker closes a connection it gives up on gracefully, on its main thread,
the one that accepts and dispatches every connection: it shuts its sending side, then waits up
to 2 s for the client to close (util.close_graceful). A client that has stopped reading never
does, so each stalled connection froze every page of that worker for 2 s (review 3, F1).

hang_up() shuts the receiving side first, so that wait returns at once (a read on a socket
shut for reading ends at once), and, where the answer was cut short, drops what is still
queued for the client (SO_LINGER 0: the close resets the connection instead of keeping the
unsent megabytes in the kernel, an orphan retrying to a closed window for minutes).

No Flask here: the probe's views and the request deadlines (readiness.request_deadlines) call
it with the request's socket.
"""

import socket
import struct

RESET_ON_CLOSE = struct.pack("ii", 1, 0)


def hang_up(sock: socket.socket, discard_unsent: bool) -> None:
    """Stop reading from sock, so that the server's close does not wait for the client; with
    discard_unsent, the close also drops what the client never read (a reset)."""
    try:
        if discard_unsent:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET_ON_CLOSE)
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass  # already closed, or reset by the client: nothing left to wait for
