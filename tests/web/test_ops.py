"""/healthz, /readyz and /metrics: what a load balancer and Prometheus see."""

from prometheus_client.parser import text_string_to_metric_families

from readiness import create_app
from readiness.extensions import db
from readiness.models import AuditEvent
from readiness.ops import readiness
from tests.conftest import test_config as app_config
from tests.support.journey import invite, run_journey

# A PostgreSQL server that is not there (nothing listens on port 1), with a password that
# must never be shown.
GONE_DATABASE = "postgresql+psycopg://readiness:hunter2-not-shown@127.0.0.1:1/readiness"


def families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def sample_value(text: str, name: str, **labels) -> float:
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def test_healthz_answers_with_the_database_gone_and_readyz_names_it(database_url):
    app = create_app(app_config(database_url, DATABASE_URL=GONE_DATABASE))
    client = app.test_client()

    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.text == "ok\n"

    ready = client.get("/readyz")
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["status"] == "not_ready"
    assert body["checks"]["database"] == "unreachable"
    assert "database" in body["failing"]
    assert body["checks"]["data_key"] == "ok"
    assert "hunter2" not in ready.text and "127.0.0.1" not in ready.text
    with app.app_context():
        db.engine.dispose()


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "data_key": "ok",
        "rate_limit_storage": "disabled",
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_unreachable_rate_limit_storage(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["rate_limit_storage"]


def test_migrations_behind_the_code_are_not_ready(app):
    with app.app_context():
        assert readiness.migrations(db.engine, readiness.script_heads("migrations")) == "ok"
        assert readiness.migrations(db.engine, {"a_newer_revision"}) == "not_at_head"


def test_health_endpoints_are_outside_rate_limits_and_audit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    client = app.test_client()
    assert [client.get("/en/").status_code for _ in range(3)] == [200, 200, 429]
    assert {client.get("/healthz").status_code for _ in range(5)} == {200}
    assert {client.get("/readyz").status_code for _ in range(5)} == {200}
    assert {client.get("/metrics").status_code for _ in range(5)} == {200}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == 0


def test_metrics_parse_and_count_a_journey_without_personal_data(app, client):
    before = client.get("/metrics").text
    token = invite(app, first_name="Amélie", email="amelie.roy@example.org")
    public_id = run_journey(app, app.test_client(), token, lang="fr")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.text
    found = families(text)
    for name in (
        "readiness_http_requests",
        "readiness_http_request_duration_seconds",
        "readiness_checks_finished",
        "readiness_check_step",
        "readiness_outbox_pending",
        "readiness_outbox_oldest_pending_seconds",
        "readiness_probe_transfers_in_flight",
        "readiness_media_peers",
        "readiness_media_route",
        "readiness_rate_limited",
    ):
        assert name in found, name

    def moved(name, **labels):
        return sample_value(text, name, **labels) - sample_value(before, name, **labels)

    assert moved("readiness_checks_finished_total", verdict="ready") == 1
    assert moved("readiness_check_step_total", step="done") == 1
    assert moved("readiness_check_step_total", step="consent") == 1
    assert moved("readiness_media_route_total", route="not_checked") == 1
    route = "/<any(en,fr):lang>/check/contact/confirm"
    assert moved("readiness_http_requests_total", route=route, status="302") == 1
    assert sample_value(text, "readiness_outbox_pending") >= 1
    assert sample_value(text, "readiness_outbox_oldest_pending_seconds") >= 0
    labels = {v for f in found.values() for s in f.samples for v in s.labels.values()}
    for secret in (token, public_id, "amelie", "Amélie", "555-0123", "5145550123"):
        assert secret not in text
        assert not any(secret in value for value in labels)


def test_rate_limited_requests_are_counted_by_endpoint(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1 per minute")
    client = app.test_client()
    before = sample_value(
        client.get("/metrics").text, "readiness_rate_limited_total", limit="auth.login"
    )
    for _ in range(3):
        client.post("/auth/login", data={"email": "nobody@example.org", "password": "x"})
    text = client.get("/metrics").text
    after = sample_value(text, "readiness_rate_limited_total", limit="auth.login")
    assert after - before == 2


def test_metrics_refused_outside_the_allow_list(make_app):
    app = make_app(PROXY_COUNT=1, METRICS_TOKEN="metrics-token-for-the-test-0123456789")
    client = app.test_client()
    assert client.get("/metrics").status_code == 200  # loopback, the default allow list
    outside = {"X-Forwarded-For": "203.0.113.7"}
    assert client.get("/metrics", headers=outside).status_code == 403
    wrong = {**outside, "Authorization": "Bearer not-the-token"}
    assert client.get("/metrics", headers=wrong).status_code == 403
    right = {**outside, "Authorization": "Bearer metrics-token-for-the-test-0123456789"}
    assert client.get("/metrics", headers=right).status_code == 200


def test_metrics_allow_list_takes_networks(make_app):
    app = make_app(PROXY_COUNT=1, METRICS_ALLOW="10.0.0.0/8")
    client = app.test_client()
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback is no longer listed
