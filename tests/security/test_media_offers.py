"""45 anonymous media offers cannot switch the media check off for everyone (review 3, F17).

Over HTTP against gunicorn with 2 workers and the media check on: one address floods offers
(never connecting), then a patient from another address sends theirs.
"""

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.media_offer import data_channel_offer

from .test_stalled_clients import port_of

FLOODER = "127.0.3.1"
PATIENT = "127.0.9.1"


@pytest.fixture(scope="module")
def offer_sdp() -> str:
    return data_channel_offer()


def post_offer(port: int, address: str, sdp: str) -> tuple[int, dict]:
    body = json.dumps({"sdp": sdp}).encode()
    with socket.create_connection(("127.0.0.1", port), 15, source_address=(address, 0)) as sock:
        sock.sendall(
            b"POST /probe/media/offer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(payload or b"{}")


def test_an_offer_flood_from_one_address_leaves_the_check_to_other_patients(serve, offer_sdp):
    port = port_of(serve(MEDIA_CHECK_ENABLED="true"))
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        flood = list(pool.map(lambda _: post_offer(port, FLOODER, offer_sdp), range(45)))
    statuses = [status for status, _ in flood]
    assert time.monotonic() - started < 20
    # Before: 30 answers, and 15 "media_busy" for everyone for 30 s.
    assert statuses.count(200) <= 4, statuses  # 2 per worker for one address
    assert {answer["error"]["code"] for status, answer in flood if status != 200} == {
        "media_client_busy"
    }
    status, answer = post_offer(port, PATIENT, offer_sdp)
    assert status == 200 and answer["type"] == "answer"
    assert answer["sdp"].startswith("v=0")
