"""/metrics under gunicorn with 2 workers: the same totals whichever worker answers, and a
worker that dies keeps what it counted (prometheus_client's multiprocess mode)."""

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import free_port, wait_until_serving
from tests.security.attacker import Browser
from tests.security.conftest import start_two_workers
from tests.support.http_journey import finish_a_check

START_PAGE = "/<any(en,fr):lang>/"


def value(text: str, name: str, **labels) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def totals(browser: Browser) -> tuple:
    answer = browser.get("/metrics")
    assert answer.status == 200
    text = answer.text
    return (
        value(text, "readiness_checks_finished_total", verdict="ready"),
        value(text, "readiness_check_step_total", step="done"),
        value(text, "readiness_http_requests_total", route=START_PAGE, status="200"),
    )


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def pids_with_counters(folder: Path) -> set[str]:
    return {path.stem.rsplit("_", 1)[1] for path in folder.glob("counter_*.db")}


def test_counters_add_up_across_two_workers_and_survive_one_dying(database_url, make_app, tmp_path):
    app = make_app()  # tables emptied after the test
    port = free_port()
    folder = tmp_path / "metrics"
    folder.mkdir()
    process = start_two_workers(database_url, port, PROMETHEUS_MULTIPROC_DIR=str(folder))
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base + "/en/", process)
        # Each request on a connection of its own, in parallel batches, until both workers
        # took some (on a busy machine one worker may take a whole sequential run).
        browser = Browser(base)
        asked = 0
        deadline = time.monotonic() + 30
        with ThreadPoolExecutor(max_workers=12) as pool:
            while asked < 20 or (
                len(pids_with_counters(folder)) < 2 and time.monotonic() < deadline
            ):
                statuses = list(pool.map(lambda _: browser.get("/en/").status, range(12)))
                assert statuses == [200] * 12
                asked += 12
        finish_a_check(app, browser)
        assert len(pids_with_counters(folder)) == 2, "both workers should have answered"

        seen = {totals(Browser(base)) for _ in range(8)}
        assert len(seen) == 1, seen
        finished, done, start_pages = seen.pop()
        assert (finished, done) == (1, 1)
        assert start_pages >= asked + 1  # ours, plus wait_until_serving's

        os.kill(workers_of(process.pid)[0], signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(workers_of(process.pid)) < 2:
            time.sleep(0.2)
        time.sleep(1)
        after = {totals(Browser(base)) for _ in range(4)}
        assert len(after) == 1
        finished_after, done_after, _ = after.pop()
        assert (finished_after, done_after) == (1, 1)
    finally:
        process.terminate()
        process.wait(timeout=15)
