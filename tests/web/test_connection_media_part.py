"""The connection result's media part, sent by the device step's page after the result is shown:
added to the stored result and judged again, or left out when it does not come in time."""

from readiness.extensions import db
from readiness.models import Check, ConnectionResult, utcnow
from tests.support.records import add_results

GOOD = {
    "download_mbps": 48.2,
    "upload_mbps": 12.1,
    "latency_ms": 21.0,
    "jitter_ms": 2.0,
    "samples": {},
    "bytes_used": 8_400_000,
    "duration_ms": 7100,
}
UDP = {
    "media_route": "udp",
    "media_candidate_type": "host",
    "media_connect_ms": 120.0,
    "media_rtt_ms": 1.2,
    "media_jitter_ms": 0.4,
    "media_loss_up_percent": 0.0,
    "media_loss_down_percent": 0.0,
}


def measured(client, lang="en", report=GOOD) -> int:
    """A check whose connection result was just shown; the id of that result."""
    client.post(f"/{lang}/check/new")
    assert client.post(f"/{lang}/check/connection/result", json=report).status_code == 200
    return latest(client.application).id


def latest(app) -> ConnectionResult:
    with app.app_context():
        return db.session.scalars(
            db.select(ConnectionResult).order_by(ConnectionResult.id.desc())
        ).first()


def test_a_result_is_shown_at_once_with_its_media_part_pending(app, client):
    result_id = measured(client)
    stored = latest(app)
    assert stored.id == result_id
    assert (stored.media_status, stored.media_route, stored.verdict) == ("pending", None, "ready")
    page = client.get("/en/check/devices").text
    assert 'id="media-check-settings"' in page and f'"resultId": {result_id}' in page
    # A patient quicker than the check: the setting step's page runs it again.
    assert 'id="media-check-settings"' in client.get("/en/check/setting").text
    assert client.get("/en/check/connection/media").get_json() == {"status": "pending"}


def test_the_media_part_reaches_the_stored_result_and_its_verdict(app, client):
    result_id = measured(client)
    answer = client.post(
        "/en/check/connection/media/result",
        json={"result_id": result_id, **UDP, "media_loss_down_percent": 14.0},
    )
    assert answer.status_code == 200
    assert answer.get_json() == {
        "status": "measured",
        "verdict": "not_ready",
        "reasons": ["packet_loss_high"],
    }
    stored = latest(app)
    assert (stored.media_status, stored.media_route, stored.verdict) == (
        "measured",
        "udp",
        "not_ready",
    )
    assert stored.expected_quality is not None and stored.media_network is not None
    # Once measured, neither page runs it again.
    assert 'id="media-check-settings"' not in client.get("/en/check/devices").text
    assert 'id="media-check-settings"' not in client.get("/en/check/setting").text
    # Nor is a second part accepted for the same result.
    again = client.post("/en/check/connection/media/result", json={"result_id": result_id, **UDP})
    assert again.status_code == 409 and again.get_json()["reason"] == "not_pending"


def test_no_route_to_our_media_server_makes_the_stored_verdict_video_with_limits(app, client):
    result_id = measured(client)
    answer = client.post(
        "/en/check/connection/media/result", json={"result_id": result_id, "media_route": "none"}
    )
    assert answer.get_json()["reasons"] == ["media_unreachable"]
    assert latest(app).verdict == "limited"


def test_a_part_that_never_came_is_left_out_and_a_late_one_refused(app, client):
    result_id = measured(client)
    # What the summary sends when it stops waiting: no route at all.
    left = client.post("/en/check/connection/media/result", json={"result_id": result_id})
    assert left.get_json() == {"status": "left_out", "verdict": "ready"}
    late = client.post("/en/check/connection/media/result", json={"result_id": result_id, **UDP})
    assert late.status_code == 409
    stored = latest(app)
    assert (stored.media_status, stored.media_route, stored.verdict) == ("left_out", None, "ready")


def test_a_part_for_an_earlier_result_or_a_finished_check_is_refused(app, client):
    first = measured(client)
    assert client.post("/en/check/connection/result", json=GOOD).status_code == 200
    old = client.post("/en/check/connection/media/result", json={"result_id": first, **UDP})
    assert old.status_code == 409 and old.get_json()["reason"] == "not_current"
    with app.app_context():
        check = db.session.scalars(db.select(Check)).one()
        check.completed_at = utcnow()
        db.session.commit()
    current = latest(app).id
    done = client.post("/en/check/connection/media/result", json={"result_id": current, **UDP})
    assert done.status_code == 409 and done.get_json()["reason"] == "check_finished"


def test_a_bad_media_part_is_refused_with_the_field_named(app, client):
    result_id = measured(client)
    for body, field in (
        ({"result_id": "1", **UDP}, "result_id"),
        ({"result_id": True, **UDP}, "result_id"),
        ({"result_id": result_id, "media_route": "carrier-pigeon"}, "media_route"),
        ({"result_id": result_id, **UDP, "media_rtt_ms": -1}, "media_rtt_ms"),
        ([1, 2], "body"),
    ):
        answer = client.post("/fr/check/connection/media/result", json=body)
        assert answer.status_code == 400, body
        error = answer.get_json()["error"]
        assert error["field"] == field
        assert "Rechargez la page" in error["message"]
    assert latest(app).media_status == "pending"


def test_a_failed_speed_test_that_reached_us_keeps_its_media_part_pending(app, client):
    client.post("/en/check/new")
    client.post("/en/check/connection/result", json={"failure": "timeout"})
    assert latest(app).media_status == "pending"
    client.post("/en/check/connection/result", json={"failure": "offline"})
    assert latest(app).media_status is None


def test_the_summary_waits_with_a_line_then_the_consent_step_leaves_the_part_out(app, client):
    client.post("/fr/check/new")
    with app.app_context():
        # Every part done, the connection's media part still under way.
        add_results(db.session.scalars(db.select(Check)).one(), media_status="pending")
        db.session.commit()
    summary = client.get("/fr/check/summary").text
    assert 'data-testid="media-wait"' in summary
    assert "Nous terminons la vérification de la connexion…" in summary
    assert 'role="status"' in summary
    client.get("/fr/check/consent")
    assert latest(app).media_status == "left_out"
    assert 'data-testid="media-wait"' not in client.get("/fr/check/summary").text


def test_the_desk_sees_the_media_part_arrive(app, client, desk_client):
    result_id = measured(client)
    with app.app_context():
        public_id = db.session.scalars(db.select(Check)).one().public_id
    before = desk_client.get(f"/desk/checks/{public_id}/live").get_json()
    results = before["fragments"]["results"]["html"]
    assert "Being checked while the caller tests the camera and microphone…" in results
    client.post("/en/check/connection/media/result", json={"result_id": result_id, **UDP})
    after = desk_client.get(f"/desk/checks/{public_id}/live").get_json()["fragments"]["results"]
    assert after["version"] != before["fragments"]["results"]["version"]
    assert 'data-media-route="udp"' in after["html"]
    assert "Direct, the fast route (UDP)" in after["html"]
