"""The random bytes the download test streams: made once per process, sent from memory.

Two ways to send the same bytes. Up to SENDFILE_MAX_BYTES, an answer is a file of its own over
an in-memory file (memfd) holding the random block over and over: gunicorn sends it with
sendfile(), so the bytes never pass through Python (on loopback, 1.3 times the single-stream
rate of 64 KiB writes, and no CPU spent copying, which is what a 2-core server runs short of).
Larger answers, and systems without memfd, get the generator.
"""

import os
import secrets
import threading
from collections.abc import Callable
from functools import cache

CHUNK_SIZE = 64 * 1024
CHUNK_COUNT = 64  # 4 MiB in all: larger than any compressor's usual window
BLOCK_SIZE = CHUNK_SIZE * CHUNK_COUNT
# The probe's default download limit: the in-memory file holds any start chunk, then this much.
SENDFILE_MAX_BYTES = 32 * 1024 * 1024

_memory_file_lock = threading.Lock()


@cache
def random_chunks() -> tuple[bytes, ...]:
    """Incompressible chunks, cut once so that streaming them copies nothing."""
    block = os.urandom(BLOCK_SIZE)
    return tuple(block[i * CHUNK_SIZE : (i + 1) * CHUNK_SIZE] for i in range(CHUNK_COUNT))


def random_stream(size: int, start: int | None = None):
    """Yield size bytes, starting at a random chunk so that no two answers are the same."""
    chunks = random_chunks()
    index = secrets.randbelow(CHUNK_COUNT) if start is None else start
    left = size
    while left >= CHUNK_SIZE:
        yield chunks[index]
        left -= CHUNK_SIZE
        index = (index + 1) % CHUNK_COUNT
    if left:
        yield chunks[index][:left]


def memory_file() -> int | None:
    """The descriptor of this process's in-memory file of the random block, repeated; None
    where there is no memfd or no /proc to open it once per answer."""
    with _memory_file_lock:
        return _memory_file()


@cache
def _memory_file() -> int | None:
    if not hasattr(os, "memfd_create") or not os.path.isdir("/proc/self/fd"):
        return None
    descriptor = os.memfd_create("probe-random-bytes")
    block = memoryview(b"".join(random_chunks()))
    left = BLOCK_SIZE + SENDFILE_MAX_BYTES
    while left > 0:
        piece = block[: min(left, BLOCK_SIZE)]
        while piece:
            written = os.write(descriptor, piece)
            piece, left = piece[written:], left - written
    return descriptor


class RandomBytesFile:
    """size random bytes from a start chunk, as a file of its own (its own offset, so answers
    sent at once by several threads do not move each other's); on_close runs once, when the
    server closes it, whether the answer was sent in full or given up (sent_in_full says
    which)."""

    def __init__(self, descriptor: int, size: int, start: int, on_close: Callable[[], None]):
        self._fd = os.open(f"/proc/self/fd/{descriptor}", os.O_RDONLY | os.O_CLOEXEC)
        self._furthest = os.lseek(self._fd, start * CHUNK_SIZE, os.SEEK_SET)
        self._end = self._furthest + size
        self._left = size
        self._on_close = on_close
        self.sent_in_full = size == 0

    def fileno(self) -> int:
        return self._fd

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Where the next byte comes from. socket.sendfile() moves a file here past what it
        sent (sendfile itself does not; gunicorn then moves it back), so the furthest position
        says how much went out."""
        position = os.lseek(self._fd, offset, whence)
        self._furthest = max(self._furthest, position)
        return position

    def read(self, size: int = -1) -> bytes:
        """For servers that cannot use sendfile (TLS, the test client): never past size."""
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = os.read(self._fd, wanted) if wanted else b""
        self._left -= len(data)
        return data

    def close(self) -> None:
        if self._fd is None:
            return
        position = max(self._furthest, os.lseek(self._fd, 0, os.SEEK_CUR))
        self.sent_in_full = self.sent_in_full or position >= self._end
        os.close(self._fd)
        self._fd = None
        self._on_close()


def random_file(size: int, on_close: Callable[[], None]) -> RandomBytesFile | None:
    """size random bytes as a file for sendfile(), from a random chunk; None when too large
    or where there is no in-memory file (then stream random_stream(size))."""
    if size > SENDFILE_MAX_BYTES:
        return None
    descriptor = memory_file()
    if descriptor is None:
        return None
    return RandomBytesFile(descriptor, size, secrets.randbelow(CHUNK_COUNT), on_close)
