"""The connection step: the page that runs the test, and the result the browser reports."""

import json
import re

from readiness.extensions import db
from readiness.models import AuditEvent, Check, ConnectionResult

GOOD = {
    "download_mbps": 9.44,
    "upload_mbps": 4.1,
    "latency_ms": 31.2,
    "jitter_ms": 2.5,
    "samples": {"latency_ms": [31, 30, 33], "download_mbps": [9.1, 9.5]},
    "bytes_used": 8_400_000,
    "duration_ms": 9100,
    "connection_type": "wifi",
}


def start(client, lang="en"):
    response = client.post(f"/{lang}/check/new")
    assert response.headers["Location"] == f"/{lang}/check/connection"


def stored_results(app):
    with app.app_context():
        return db.session.scalars(db.select(ConnectionResult)).all()


def test_the_step_needs_a_check(client):
    assert client.get("/en/check/connection").headers["Location"] == "/en/"
    response = client.post("/en/check/connection/result", json=GOOD)
    assert response.status_code == 403


def test_a_new_check_starts_the_test_by_itself_with_settings_from_configuration(make_app):
    client = make_app(GUIDANCE_DOWNLOAD_MBPS=25).test_client()
    start(client)
    page = client.get("/en/check/connection").text
    assert 'data-autostart="true"' in page
    assert 'data-testid="start-connection-test"' in page
    settings = json.loads(re.search(r'id="connection-settings">([^<]+)<', page).group(1))
    assert settings["guidanceMbps"] == 25.0
    assert settings["downloadUrl"] == "/probe/download"


def test_the_script_gets_its_messages_in_french(client):
    start(client, "fr")
    page = client.get("/fr/check/connection").text
    messages = json.loads(re.search(r'id="page-messages">([^<]+)<', page).group(1))
    assert messages["speed"] == "%(value)s\u00a0Mbit/s"
    assert messages["phaseDownload"].startswith("Étape 2 sur 3\u00a0:")
    assert messages["liveDownload"] == "Vitesse de réception jusqu’ici\u00a0: %(value)s"
    # The sound-and-picture route is checked during the device step: not a step here.
    assert "phaseMedia" not in messages


def test_the_step_count_is_three_with_the_route_check_off_too(make_app):
    """Three steps with or without the sound-and-picture route check, which runs later."""
    client = make_app(MEDIA_CHECK_ENABLED=False).test_client()
    start(client, "fr")
    page = client.get("/fr/check/connection").text
    messages = json.loads(re.search(r'id="page-messages">([^<]+)<', page).group(1))
    assert messages["phaseLatency"].startswith("Étape 1 sur 3\u00a0:")
    assert messages["phaseUpload"].startswith("Étape 3 sur 3\u00a0:")


def test_a_result_is_judged_on_the_server_and_stored_with_its_samples(app, client):
    start(client)
    response = client.post(
        "/en/check/connection/result", json=GOOD | {"verdict": "ready", "reasons": []}
    )
    assert response.status_code == 200
    assert response.json["verdict"] == "limited"
    assert response.json["reasons"] == ["download_low"]
    [result] = stored_results(app)
    assert (result.download_mbps, result.upload_mbps) == (9.44, 4.1)
    assert result.samples["download_mbps"] == [9.1, 9.5]
    assert (result.bytes_used, result.duration_ms, result.connection_type) == (
        8_400_000,
        9100,
        "wifi",
    )
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        assert check.step == "connection" and check.last_seen_at is not None
        actions = db.session.scalars(db.select(AuditEvent.action)).all()
        assert "connection.measured" in actions


def test_the_result_fragment_carries_the_figures_and_advice(client):
    start(client)
    html = client.post("/en/check/connection/result", json=GOOD).json["html"]
    assert 'data-testid="connection-result"' in html
    assert 'data-download-mbps="9.44"' in html and 'data-verdict="limited"' in html
    assert "9.4 Mbps" in html
    assert "Move closer to your Wi-Fi router" in html
    assert "Keep your phone nearby during the visit" in html


def test_french_page_formats_speed_with_comma(client):
    start(client, "fr")
    client.post("/fr/check/connection/result", json=GOOD)
    page = client.get("/fr/check/connection").text
    assert "9,4\u00a0Mbit/s" in page
    assert "Rapprochez-vous de votre routeur Wi-Fi" in page
    assert 'data-autostart="false"' in page


def test_a_failed_test_is_stored_as_not_ready_with_its_reason(app, client):
    start(client)
    response = client.post(
        "/en/check/connection/result", json={"failure": "transfer_blocked", "bytes_used": 0}
    )
    assert response.json["verdict"] == "not_ready"
    assert "Try another network" in response.json["html"]
    [result] = stored_results(app)
    assert (result.failure, result.reasons) == ("transfer_blocked", ["transfer_blocked"])


def test_a_round_trip_too_long_to_measure_is_a_failure_that_shows_its_response_time(app, client):
    start(client, "fr")
    response = client.post(
        "/fr/check/connection/result",
        json={"failure": "latency_high", "latency_ms": 612.4, "jitter_ms": 1.2, "bytes_used": 0},
    )
    assert response.json["verdict"] == "not_ready"
    html = response.json["html"]
    assert "Temps de réponse" in html and "612\u00a0ms" in html
    assert "Vitesse de" not in html  # no speed was measured, none is shown
    [result] = stored_results(app)
    assert (result.failure, result.reasons, result.latency_ms) == (
        "latency_high",
        ["latency_high"],
        612.4,
    )


def test_a_bad_report_is_refused_and_nothing_is_stored(app, client):
    start(client)
    response = client.post("/en/check/connection/result", json=GOOD | {"upload_mbps": "lots"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_report"
    assert "upload_mbps" in response.json["error"]["detail"]
    assert response.json["error"]["field"] == "upload_mbps"
    assert "Reload the page" in response.json["error"]["message"]
    response = client.post("/en/check/connection/result", data="not json")
    assert response.status_code == 400
    assert stored_results(app) == []


def test_every_attempt_is_kept_and_the_latest_counts(app, client):
    start(client)
    client.post("/en/check/connection/result", json=GOOD)
    client.post("/en/check/connection/result", json=GOOD | {"download_mbps": 55.0})
    assert len(stored_results(app)) == 2
    page = client.get("/en/check/connection").text
    assert 'data-download-mbps="55.00"' in page and 'data-verdict="ready"' in page
