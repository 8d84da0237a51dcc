"""The download's random bytes: the same bytes whether sent from the in-memory file or streamed."""

import os
import socket
import zlib

import pytest

from readiness.probe.payload import (
    CHUNK_COUNT,
    CHUNK_SIZE,
    SENDFILE_MAX_BYTES,
    RandomBytesFile,
    memory_file,
    random_file,
    random_stream,
)

pytestmark = pytest.mark.skipif(memory_file() is None, reason="no memfd or /proc here")


def read_all(body: RandomBytesFile, block: int = 100_000) -> bytes:
    parts = []
    while data := body.read(block):
        parts.append(data)
    return b"".join(parts)


def test_the_file_holds_the_same_bytes_as_the_stream_from_the_same_chunk():
    size = 3 * CHUNK_SIZE * CHUNK_COUNT + 12345  # wraps around the block three times
    for start in (0, 5, CHUNK_COUNT - 1):
        body = RandomBytesFile(memory_file(), size, start, on_close=lambda: None)
        try:
            assert read_all(body) == b"".join(random_stream(size, start))
        finally:
            body.close()


def test_the_file_never_reads_past_the_size_asked_for():
    body = random_file(1000, on_close=lambda: None)
    assert len(body.read(64 * 1024)) == 1000
    assert body.read(64 * 1024) == b""
    assert body.read() == b""
    body.close()


def test_the_largest_answer_it_serves_is_random_and_incompressible():
    body = random_file(SENDFILE_MAX_BYTES, on_close=lambda: None)
    data = read_all(body, 1 << 20)
    body.close()
    assert len(data) == SENDFILE_MAX_BYTES
    assert len(zlib.compress(data[: 8 << 20], 1)) > 0.99 * (8 << 20)


def test_closing_gives_the_slot_back_once():
    given_back = []
    body = random_file(10, on_close=lambda: given_back.append(1))
    body.close()
    body.close()
    assert given_back == [1]


def test_answers_above_the_file_are_streamed_instead():
    assert random_file(SENDFILE_MAX_BYTES + 1, on_close=lambda: None) is None


def test_each_answer_has_its_own_offset():
    first = random_file(CHUNK_SIZE * 2, on_close=lambda: None)
    second = random_file(CHUNK_SIZE * 2, on_close=lambda: None)
    try:
        assert first.fileno() != second.fileno()
        first.read(CHUNK_SIZE)
        assert len(second.read()) == CHUNK_SIZE * 2
    finally:
        first.close()
        second.close()


def test_a_file_knows_whether_sendfile_sent_it_in_full_or_gave_up():
    """What the probe hangs up on: an answer the client stopped reading (a timeout mid-way),
    never one sent in full (gunicorn moves the file back after sendfile(): still known)."""
    sender, receiver = socket.socketpair()
    with sender, receiver:
        receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sender.settimeout(0.3)
        stalled = random_file(8_000_000, on_close=lambda: None)
        with pytest.raises(TimeoutError):
            sender.sendfile(stalled, offset=os.lseek(stalled.fileno(), 0, os.SEEK_CUR))
        stalled.close()
        assert stalled.sent_in_full is False

    sender, receiver = socket.socketpair()
    with sender, receiver:
        small = random_file(1000, on_close=lambda: None)
        start = os.lseek(small.fileno(), 0, os.SEEK_CUR)
        sender.sendfile(small, offset=start, count=1000)
        os.lseek(small.fileno(), start, os.SEEK_SET)  # as gunicorn does
        small.close()
        assert small.sent_in_full is True
