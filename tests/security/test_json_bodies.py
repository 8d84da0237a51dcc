"""JSON bodies are bounded before they are parsed, and patient results are rate-limited (F9).

Over HTTP against gunicorn with 2 workers: the reviewer's chunked 30 MiB media offer (no
Content-Length, so the 16 KB check on it did not apply) and a patient session posting results
of half a million values, with each worker's memory read from /proc while they run.
"""

import socket
import time
from pathlib import Path

from .attacker import Browser
from .test_stalled_clients import port_of

MiB = 1024 * 1024


def workers_of(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    return [int(pid) for pid in children.split()]


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def chunked_offer(port: int, mebibytes: int) -> tuple[bytes, float]:
    """POST a chunked JSON offer of that many MiB; the answer's first bytes and its time."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            b"POST /probe/media/offer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b'{"sdp": "v=0' + b"x" * (MiB - 12)
        try:
            for n in range(mebibytes):
                piece = chunk if n == 0 else b"x" * MiB
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            sock.sendall(b'"}' and b'2\r\n"}\r\n0\r\n\r\n')
        except OSError:
            pass  # the server answered and stopped reading: what we want
        try:
            answer = sock.recv(200)
        except OSError:
            answer = b""
    return answer, time.perf_counter() - started


def test_a_chunked_thirty_mebibyte_offer_is_refused_after_sixteen_kilobytes(serve):
    url = serve(MEDIA_CHECK_ENABLED="true")
    workers = workers_of(serve.processes[-1].pid)
    before = {pid: resident_mib(pid) for pid in workers}
    answers = [chunked_offer(port_of(url), 30) for _ in range(4)]
    grown = max(resident_mib(pid) - before[pid] for pid in workers)
    for answer, seconds in answers:
        assert answer.startswith(b"HTTP/1.1 413"), answer
        assert seconds < 5
    # Before: one such offer grew its worker from 156 to 1468 MiB (review 3, F9).
    assert grown < 40, f"a worker grew by {grown:.0f} MiB"


def test_a_patient_session_cannot_make_the_server_parse_without_end(serve):
    url = serve()
    workers = workers_of(serve.processes[-1].pid)
    before = {pid: resident_mib(pid) for pid in workers}
    patient = Browser(url)
    patient.post("/en/check/new")
    token_header = {"X-CSRFToken": patient.token(), "Content-Type": "application/json"}
    small_values = b"[" + b"1," * (MiB // 2 - 1) + b"1]"  # 1 MiB, half a million values
    under_cap = b"[" + b"1," * 60_000 + b"1]"  # 120 KB: under the size cap, over the values cap
    big = patient.request("POST", "/en/check/devices/result", body=small_values,
                          headers=token_header)  # fmt: skip
    statuses = [
        patient.request(
            "POST", "/en/check/devices/result", body=under_cap, headers=token_header
        ).status
        for _ in range(40)
    ]
    grown = max(resident_mib(pid) - before[pid] for pid in workers)
    assert big.status == 413
    assert set(statuses[:29]) == {400}, statuses  # refused unparsed: too many values
    assert statuses[-5:] == [429] * 5, statuses  # then the check's own limit
    answer = patient.request("POST", "/en/check/devices/result", body=b"{}", headers=token_header)
    assert answer.status == 429
    assert "Wait a minute" in answer.json()["error"]["message"]
    assert grown < 40, f"a worker grew by {grown:.0f} MiB"
