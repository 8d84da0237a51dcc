"""A handover link ("Continue on your phone") against gunicorn with 2 workers and the limits on:
used once even when several browsers post it at the same instant, and made only so often."""

import re
import threading

from sqlalchemy import select

from readiness.extensions import db
from readiness.models import HandoverLink

from .attacker import Browser
from .records import audit


def computer_with_link(url: str) -> tuple[Browser, str]:
    computer = Browser(url)
    assert computer.post("/en/check/new").status == 302
    page = computer.post("/en/check/handover", {"back": "devices"})
    assert page.status == 200, page.text
    link = re.search(r'data-testid="handover-qr" data-url="([^"]+)"', page.text).group(1)
    return computer, re.sub(r"^https?://[^/]+", "", link)


def test_parallel_posts_of_one_link_let_exactly_one_browser_in(limited_server):
    url = limited_server(HANDOVER_OPEN_RATE_LIMIT="100 per minute")
    app = limited_server.app
    computer, path = computer_with_link(url)
    phones = [Browser(url) for _ in range(12)]
    for phone in phones:
        phone.token()
    barrier = threading.Barrier(len(phones))
    answers = {}

    def take(n, phone):
        barrier.wait()
        answers[n] = phone.post(path)

    threads = [threading.Thread(target=take, args=pair) for pair in enumerate(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status for answer in answers.values())
    print(f"12 simultaneous uses of one handover link: {statuses}")
    assert statuses == [302] + [410] * 11
    winner = next(n for n, answer in answers.items() if answer.status == 302)
    # Only the winner holds the check; the others hold nothing and were told the link was used.
    for n, phone in enumerate(phones):
        held = phone.get("/en/check/devices").status
        assert held == (200 if n == winner else 302)
        if n != winner:
            assert "This link has already been used" in answers[n].text
    assert computer.get("/en/check/handover/status").json()["state"] == "taken"
    assert len(audit(app, "handover.used")) == 1
    assert [event.details for event in audit(app, "handover.refused")] == [{"why": "used"}] * 11
    with app.app_context():
        assert db.session.scalars(select(HandoverLink.used_at)).one() is not None


def test_making_links_is_limited_per_address_across_workers(limited_server):
    url = limited_server(HANDOVER_RATE_LIMIT="4 per hour", HANDOVER_CHECK_LIMIT="50 per hour")
    computer = Browser(url)
    assert computer.post("/en/check/new").status == 302
    statuses = [computer.post("/en/check/handover", {"back": "devices"}).status for _ in range(8)]
    assert statuses == [200] * 4 + [429] * 4
    assert len(audit(limited_server.app, "handover.created")) == 4


def test_guessing_links_is_limited_per_address(limited_server):
    url = limited_server(HANDOVER_OPEN_RATE_LIMIT="5 per minute")
    guesser = Browser(url)
    statuses = [guesser.get(f"/en/h/K7PM4QX9K7PM4QX9K7PM4QX9K7P{n}").status for n in range(2, 10)]
    assert statuses == [404] * 5 + [429] * 3
