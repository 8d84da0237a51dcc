"""No route to our media server is not the patient's fault: video with limits, and a server that
notices when the fault is its own (many networks, none with a route) and tells staff."""

import logging

import pytest

from readiness.connection.media_health import media_path_health
from readiness.extensions import db
from readiness.models import ConnectionResult, utcnow
from readiness.privacy.erasure import erase_check

GOOD = {
    "download_mbps": 48.0,
    "upload_mbps": 12.0,
    "latency_ms": 22.0,
    "jitter_ms": 1.5,
    "loaded_latency_down_ms": 40.0,
    "loaded_latency_up_ms": 45.0,
}
NO_ROUTE = GOOD | {"media_route": "none"}
UDP = GOOD | {"media_route": "udp", "media_loss_up_percent": 0.0, "media_loss_down_percent": 0.0}
BANNER = 'data-testid="media-path-banner"'


def run_check(app, report, address="198.51.100.20", lang="en"):
    """A new patient (own session) on the given address reports one connection test."""
    client = app.test_client()
    environ = {"REMOTE_ADDR": address}
    assert client.post(f"/{lang}/check/new", environ_base=environ).status_code == 302
    response = client.post(f"/{lang}/check/connection/result", json=report, environ_base=environ)
    assert response.status_code == 200, response.text
    return response.get_json()


def addresses(count, networks):
    """count client addresses spread over `networks` different /24s."""
    return [f"203.0.{113 + i % networks}.{10 + i}" for i in range(count)]


def health(app):
    with app.app_context():
        return media_path_health(db.session, app.config["MEDIA_HEALTH_CHECKS"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_media_route_with_good_figures_is_video_with_limits_never_not_ready(app, lang):
    answer = run_check(app, NO_ROUTE, lang=lang)
    assert answer["verdict"] == "limited"
    assert answer["reasons"] == ["media_unreachable"]
    assert 'data-media-route="none"' in answer["html"]
    if lang == "en":
        assert "Route for sound and picture" in answer["html"]
        assert "found no route to our server" in answer["html"]
        assert "Video calls can usually still get through on a slower route" in answer["html"]
    else:
        assert "n’ont trouvé aucune voie jusqu’à notre serveur" in answer["html"]


def test_loss_above_the_limit_still_counts_on_a_route_that_works(app):
    answer = run_check(app, UDP | {"media_loss_down_percent": 14.0})
    assert (answer["verdict"], answer["reasons"]) == ("not_ready", ["packet_loss_high"])


def test_the_network_is_stored_only_as_a_keyed_hash(app):
    run_check(app, NO_ROUTE, address="203.0.113.77")
    run_check(app, NO_ROUTE, address="203.0.113.9")
    run_check(app, NO_ROUTE, address="2001:db8:5:7::1")
    with app.app_context():
        stored = db.session.scalars(db.select(ConnectionResult).order_by(ConnectionResult.id))
        networks = [result.media_network for result in stored]
    assert networks[0] == networks[1]  # the same /24
    assert networks[2] != networks[0]
    assert all(len(network) == 64 and "203.0.113" not in network for network in networks)


def test_the_banner_appears_after_n_routeless_checks_from_three_networks_and_goes_after_a_success(
    make_app, sign_in, caplog
):
    app = make_app()  # READINESS_MEDIA_HEALTH_CHECKS: 10 by default
    sign_in.app = app
    admin, desk = sign_in.client_for("admin"), sign_in.client_for("desk")
    caplog.set_level(logging.WARNING, logger="readiness.patient.connection")
    for address in addresses(9, networks=3):
        assert run_check(app, NO_ROUTE, address)["reasons"] == ["media_unreachable"]
    assert health(app) == "ok"  # nine route-less checks: not yet N
    assert BANNER not in admin.get("/admin/", follow_redirects=True).text
    assert BANNER not in desk.get("/desk/").text

    # The 10th: the fault is taken to be ours, and this check's verdict leaves the media out.
    tenth = run_check(app, NO_ROUTE, "203.0.115.99")
    assert tenth == {"verdict": "ready", "reasons": [], "html": tenth["html"]}
    assert 'data-media-route="none"' in tenth["html"]  # kept, but not shown as the patient's
    assert "Route for sound and picture" not in tenth["html"]
    assert health(app) == "suspect"
    assert BANNER in admin.get("/admin/", follow_redirects=True).text
    assert BANNER in desk.get("/desk/").text
    assert "Our media server may be unreachable" in desk.get("/desk/").text
    assert run_check(app, NO_ROUTE, "203.0.116.1")["verdict"] == "ready"
    warnings = [r for r in caplog.records if "media path suspect" in r.getMessage()]
    assert len(warnings) == 1  # once per transition, not once per check

    assert run_check(app, UDP, "203.0.117.1")["verdict"] == "ready"
    assert health(app) == "ok"
    assert BANNER not in admin.get("/admin/", follow_redirects=True).text
    assert BANNER not in desk.get("/desk/").text
    assert [r.getMessage() for r in caplog.records][-1].startswith("media path ok again")
    # After the success, a route-less check counts against the patient's network again.
    assert run_check(app, NO_ROUTE, "203.0.118.1")["reasons"] == ["media_unreachable"]


def test_routeless_checks_from_fewer_than_three_networks_are_the_patients_networks(make_app):
    app = make_app(MEDIA_HEALTH_CHECKS=4)
    for address in addresses(6, networks=2):
        assert run_check(app, NO_ROUTE, address)["verdict"] == "limited"
    assert health(app) == "ok"


def test_the_banner_reads_in_french(make_app, sign_in):
    app = make_app(MEDIA_HEALTH_CHECKS=3)
    sign_in.app = app
    desk = sign_in.client_for("desk")
    for address in addresses(3, networks=3):
        run_check(app, NO_ROUTE, address)
    page = desk.get("/desk/", headers={"Accept-Language": "fr-CA"}).text
    assert BANNER in page and "Notre serveur média est peut-être injoignable" in page


def test_erasing_a_check_erases_its_network_hash(app):
    run_check(app, NO_ROUTE, address="203.0.113.77")
    with app.app_context():
        result = db.session.scalars(db.select(ConnectionResult)).one()
        assert result.media_network is not None
        erase_check(db.session, result.check, now=utcnow(), reason="request")
        db.session.commit()
        db.session.expire_all()
        result = db.session.scalars(db.select(ConnectionResult)).one()
        assert result.media_network is None and result.media_route == "none"
