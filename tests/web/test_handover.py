"""Continue on your phone (issue 27, item 1): a single-use, 10-minute link, kept as a hash only,
that lets a second browser take the same check over; the computer's page follows it."""

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from readiness.checks import state
from readiness.extensions import db
from readiness.models import AuditEvent, Check, HandoverLink, utcnow
from readiness.patient import handover
from tests.web.test_every_page_reads import problems_on

NBSP = "\u00a0"
BROWSER_REPORT = {
    "kind": "browser",
    "features": {
        "media_devices": True,
        "peer_connection": True,
        "secure_context": True,
        "audio_context": True,
        "sink_choice": True,
    },
    "touch_points": 5,
}
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def start_check(client, lang="en") -> None:
    assert client.post(f"/{lang}/check/new").status_code == 302


def make_link(client, lang="en", back="devices") -> tuple[str, str]:
    """The computer asks for a link: (its path, the whole page)."""
    page = client.post(f"/{lang}/check/handover", data={"back": back})
    assert page.status_code == 200, page.text
    url = re.search(r'data-testid="handover-qr" data-url="([^"]+)"', page.text).group(1)
    return re.sub(r"^https?://[^/]+", "", url), page.text


def post_device(client, kind, status="pass", reason=None):
    answer = client.post(
        "/en/check/devices/result",
        json={"kind": kind, "status": status, "reason": reason, "details": {}},
    )
    assert answer.status_code == 200, answer.text


def the_check(app) -> Check:
    with app.app_context():
        check = db.session.scalars(select(Check)).one()
        db.session.expunge(check)
        return check


def actions(app) -> list[tuple[str, dict]]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("handover.%")).order_by(AuditEvent.id)
        ).all()
        return [(row.action, row.details) for row in rows]


def test_a_token_has_at_least_128_bits_and_is_typed_forgivingly():
    assert handover.TOKEN_LENGTH * __import__("math").log2(len(handover.ALPHABET)) >= 128
    token = handover.new_token()
    assert len(token) == handover.TOKEN_LENGTH and token != handover.new_token()
    written = handover.display_token(token)
    assert written.count("-") == 6
    assert handover.normalize_token(written.lower()) == token
    assert handover.normalize_token(f" {written} ") == token
    assert handover.normalize_token(token[:-1]) is None
    assert handover.normalize_token(token[:-1] + "0") is None  # never in the alphabet


def test_the_phone_takes_the_same_check_and_its_devices_count(app, client):
    computer = client
    start_check(computer)
    # The computer has no camera: a phone visit.
    post_device(computer, "camera", "skipped", "device_not_found")
    for kind in ("microphone", "speakers"):
        post_device(computer, kind)
    computer.post("/en/check/devices/result", json=BROWSER_REPORT)
    path, page = make_link(computer)
    assert path.startswith("/en/h/")
    assert "<svg" in page and 'role="img"' in page
    # The link is written out for typing, in groups of four.
    written = re.search(r'data-testid="handover-link">([^<]+)<', page).group(1)
    assert written.endswith(handover.display_token(path.rsplit("/", 1)[1]))
    assert computer.get("/en/check/handover/status").json["state"] == "waiting"
    typed = "/en/h/" + handover.display_token(path.rsplit("/", 1)[1]).lower()
    assert 'data-testid="handover-accept"' in app.test_client().get(typed).text

    phone = app.test_client()
    # Opening the link only asks (a link preview cannot use it up).
    for _ in range(2):
        asked = phone.get(path)
        assert asked.status_code == 200 and 'data-testid="handover-accept"' in asked.text
    assert computer.get("/en/check/handover/status").json["state"] == "waiting"
    taken = phone.post(path)
    assert taken.status_code == 302 and taken.location.endswith("/en/check/devices")
    assert computer.get("/en/check/handover/status").json["state"] == "taken"
    devices_page = phone.get("/en/check/devices", headers={"User-Agent": ANDROID})
    assert 'data-testid="handover-on-phone"' in devices_page.text
    assert 'data-testid="handover-start"' not in devices_page.text

    for kind in ("camera", "microphone", "speakers"):
        post_device(phone, kind)
    assert computer.get("/en/check/handover/status").json["state"] == "taken"
    phone.post("/en/check/devices/result", json=BROWSER_REPORT, headers={"User-Agent": ANDROID})
    status = computer.get("/en/check/handover/status").json
    assert status["state"] == "done"
    assert status["devices_done"] == ["camera", "microphone", "speakers", "browser"]
    # Both browsers hold the one check; the phone's devices are the ones that count.
    assert computer.get("/en/check").status_code == 200
    assert phone.get("/en/check").status_code == 200
    with app.app_context():
        check = db.session.scalars(select(Check)).one()
        overall = state.overall_for(check)
        assert overall.missing_devices == [] and "no_camera" not in overall.reasons
        assert state.latest_devices(check)["camera"].status == "pass"


def test_the_link_is_stored_only_as_its_hash_and_never_logged(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    start_check(client)
    path, _ = make_link(client)
    token = path.rsplit("/", 1)[1]
    app.test_client().get(path)
    with app.app_context():
        link = db.session.scalars(select(HandoverLink)).one()
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        row = db.session.execute(select(HandoverLink.__table__)).one()
        assert not [value for value in row if token in str(value)]
        audit = db.session.scalars(select(AuditEvent)).all()
        assert not [event for event in audit if token in str(event.details)]
    assert token not in caplog.text
    assert handover.display_token(token) not in caplog.text


def test_a_used_link_says_so_in_both_languages_and_offers_a_new_one(app, client):
    start_check(client)
    path, _ = make_link(client)
    assert app.test_client().post(path).status_code == 302
    for lang, words in (
        ("en", ["This link has already been used", "works only once", "Continue on your phone"]),
        (
            "fr",
            [
                "Ce lien a déjà été utilisé",
                "ne fonctionne qu’une seule fois",
                f"«{NBSP}Continuer sur votre cellulaire{NBSP}»",
                f"ordinateur{NBSP}:",
            ],
        ),
    ):
        answer = app.test_client().get(path.replace("/en/", f"/{lang}/"))
        assert answer.status_code == 410
        assert 'data-why="used"' in answer.text
        for text in words:
            assert text in answer.text
        assert 'data-testid="handover-start-over"' in answer.text
        # A second use is refused as well, and the refusal is on the record.
        assert app.test_client().post(path.replace("/en/", f"/{lang}/")).status_code == 410
    assert actions(app) == [
        ("handover.created", {}),
        ("handover.used", {}),
        ("handover.refused", {"why": "used"}),
        ("handover.refused", {"why": "used"}),
    ]


def test_an_expired_link_says_so_and_the_computer_is_offered_a_new_one(app, client):
    start_check(client)
    path, _ = make_link(client)
    with app.app_context():
        past = utcnow() - timedelta(minutes=11)
        db.session.execute(
            update(HandoverLink).values(created_at=past, expires_at=past + timedelta(minutes=10))
        )
        db.session.commit()
    for lang, title, minutes in (
        ("en", "This link has expired", "works for 10 minutes"),
        ("fr", "Ce lien est expiré", "est valide pendant 10 minutes"),
    ):
        answer = app.test_client().get(path.replace("/en/", f"/{lang}/"))
        assert answer.status_code == 404 and title in answer.text and minutes in answer.text
    phone = app.test_client()
    assert phone.post(path).status_code == 404
    assert phone.get("/en/check").status_code == 302  # the phone holds nothing
    assert client.get("/en/check/handover/status").json["state"] == "expired"
    assert actions(app)[-1] == ("handover.refused", {"why": "expired"})
    # A new link works.
    new_path, _ = make_link(client)
    assert app.test_client().post(new_path).status_code == 302


def test_a_new_link_closes_the_earlier_one(app, client):
    start_check(client)
    first, _ = make_link(client)
    second, _ = make_link(client)
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().post(second).status_code == 302


def test_an_unknown_or_malformed_link_opens_nothing(app, client):
    for token in (handover.new_token(), "short", "x" * 3000):
        answer = client.get(f"/en/h/{token}")
        assert answer.status_code == 404 and "This link has expired" in answer.text
        assert client.post(f"/en/h/{token}").status_code == 404
    assert client.get("/en/check").status_code == 302


def test_an_erased_check_cannot_be_taken_over(app, client):
    start_check(client)
    path, _ = make_link(client)
    with app.app_context():
        db.session.execute(update(Check).values(erased_at=utcnow()))
        db.session.commit()
    assert app.test_client().post(path).status_code == 404


def test_taking_over_gives_the_phone_a_fresh_session_and_forgets_its_own_check(app, client):
    """No fixation: the session the phone had before (which someone may have planted) does not
    come to hold the check; the phone gets a new session token of its own."""
    start_check(client)
    path, _ = make_link(client)
    phone = app.test_client()
    start_check(phone)
    before = phone.get_cookie("readiness_session").value
    assert phone.post(path).status_code == 302
    after = phone.get_cookie("readiness_session").value
    assert after != before
    planted = app.test_client()
    planted.set_cookie("readiness_session", before)
    assert planted.get("/en/check/devices").status_code == 302  # holds nothing
    with app.app_context():
        checks = db.session.scalars(select(Check).order_by(Check.id)).all()
        assert len(checks) == 2
    # The phone holds the computer's check (the first), not its own.
    assert phone.get("/en/check").status_code == 200
    code = re.search(r'data-testid="reference-code">([^<]+)<', client.get("/en/check").text)
    assert code.group(1) in phone.get("/en/check").text


def test_the_status_needs_a_check(client):
    answer = client.get("/en/check/handover/status")
    assert answer.status_code == 403
    assert client.post("/en/check/handover", data={"back": "devices"}).status_code == 302


@pytest.mark.parametrize(
    "camera, offered",
    [
        (("skipped", "device_not_found"), True),
        (("fail", "permission_denied"), True),
        (("pass", None), False),
    ],
)
def test_the_summary_offers_the_phone_when_the_camera_is_missing_or_blocked(
    app, client, camera, offered
):
    start_check(client)
    post_device(client, "camera", *camera)
    for kind in ("microphone", "speakers"):
        post_device(client, kind)
    page = client.get("/en/check/summary").text
    assert ('data-testid="handover-start"' in page) is offered
    if offered:
        path, _ = make_link(client, back="summary")
        assert path.startswith("/en/h/")


def test_creation_is_rate_limited_per_check(make_app):
    app = make_app(RATELIMIT_ENABLED=True, HANDOVER_CHECK_LIMIT="2 per hour")
    client = app.test_client()
    start_check(client)
    make_link(client)
    make_link(client)
    refused = client.post("/fr/check/handover", data={"back": "devices"})
    assert refused.status_code == 429
    assert "Vous avez demandé beaucoup de codes en peu de temps" in refused.text
    assert len([a for a, _ in actions(app) if a == "handover.created"]) == 2


def test_creation_is_rate_limited_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, HANDOVER_RATE_LIMIT="3 per hour")
    statuses = []
    for _ in range(2):
        client = app.test_client()
        start_check(client)
        for _ in range(2):
            statuses.append(client.post("/en/check/handover", data={"back": "devices"}).status_code)
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_handover_page_shows_only_what_it_means(app, client, lang):
    """No placeholder, no internal code, no English word on a French page (as
    test_every_page_reads checks every other page)."""
    start_check(client, lang)
    post_device(client, "camera", "skipped", "device_not_found")
    pages = {"summary offer": client.get(f"/{lang}/check/summary").text}
    path, pages["computer, waiting"] = make_link(client, lang)
    phone = app.test_client()
    pages["phone, asked"] = phone.get(path).text
    phone.post(path)
    pages["phone, devices"] = phone.get(f"/{lang}/check/devices").text
    pages["used"] = phone.get(path).text
    pages["unknown"] = phone.get(f"/{lang}/h/{handover.new_token()}").text
    problems = [
        f"{name}: {problem}" for name, html in pages.items() for problem in problems_on(html, lang)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "devices, helps",
    [
        ({"camera": ("skipped", "device_not_found")}, True),
        ({"camera": ("fail", "permission_denied"), "microphone": ("pass", None)}, True),
        ({"camera": ("pass", None), "microphone": ("fail", "device_busy")}, True),
        ({"camera": ("pass", None), "microphone": ("fail", "no_sound")}, False),
        ({"camera": ("fail", "black_picture")}, False),
        ({"speakers": ("fail", "not_heard")}, False),
        ({}, False),
    ],
)
def test_a_phone_is_offered_only_for_a_missing_or_blocked_camera_or_microphone(devices, helps):
    assert handover.phone_could_help(devices) is helps


def test_a_phone_that_starts_a_check_of_its_own_is_no_longer_a_handover_phone(app, client):
    start_check(client)
    path, _ = make_link(client)
    phone = app.test_client()
    phone.post(path)
    assert 'data-testid="handover-on-phone"' in phone.get("/en/check/devices").text
    start_check(phone)
    own = phone.get("/en/check/devices").text
    assert 'data-testid="handover-on-phone"' not in own and 'data-testid="handover-start"' in own
    with app.app_context():
        assert len(db.session.scalars(select(Check)).all()) == 2


def test_the_retention_purge_removes_links_a_day_past_their_end(app, client):
    from readiness.privacy.retention import Periods, plan, purge

    start_check(client)
    make_link(client)
    make_link(client)
    with app.app_context():
        old, fresh = db.session.scalars(select(HandoverLink).order_by(HandoverLink.id)).all()
        old.expires_at = utcnow() - timedelta(days=2)
        db.session.commit()
        fresh_id = fresh.id
        now = utcnow()
        periods = Periods(check_days=90, outbox_days=14, audit_days=2190)
        purge(db.session, plan(db.session, periods, now), now)
        assert db.session.scalars(select(HandoverLink.id)).all() == [fresh_id]
