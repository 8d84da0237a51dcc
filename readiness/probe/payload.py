"""The random bytes the download test streams: made once per process, sent from memory."""

import os
import secrets
from functools import cache

CHUNK_SIZE = 64 * 1024
CHUNK_COUNT = 64  # 4 MiB in all: larger than any compressor's usual window


@cache
def random_chunks() -> tuple[bytes, ...]:
    """Incompressible chunks, cut once so that streaming them copies nothing."""
    block = os.urandom(CHUNK_SIZE * CHUNK_COUNT)
    return tuple(block[i * CHUNK_SIZE : (i + 1) * CHUNK_SIZE] for i in range(CHUNK_COUNT))


def random_stream(size: int):
    """Yield size bytes, starting at a random chunk so that no two answers are the same."""
    chunks = random_chunks()
    index = secrets.randbelow(CHUNK_COUNT)
    left = size
    while left >= CHUNK_SIZE:
        yield chunks[index]
        left -= CHUNK_SIZE
        index = (index + 1) % CHUNK_COUNT
    if left:
        yield chunks[index][:left]
