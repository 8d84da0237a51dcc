"""The API for the scheduling module: keys, invitations, checks, errors, limits, audit."""

from datetime import UTC, datetime, timedelta

import pytest

from readiness.extensions import db
from readiness.models import ApiKey, AuditEvent, Check, Invitation
from tests.support.journey import invite, run_journey
from tests.web.api_support import ApiClient, create_key


@pytest.fixture
def api(app, client):
    return ApiClient(client, create_key(app))


def appointment(**fields):
    when = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    body = {
        "appointment_ref": "SCHED-55501",
        "appointment_at": when.astimezone().isoformat(),
        "language": "fr",
        "first_name": "Amélie",
        "email": "amelie.roy@example.org",
        "phone": "514 555-0123",
    }
    body.update(fields)
    return body


def test_keys_are_stored_only_as_hashes_and_shown_once(app):
    key = create_key(app)
    with app.app_context():
        (stored,) = db.session.scalars(db.select(ApiKey)).all()
        assert key not in (stored.key_hash, stored.prefix) and key.startswith(stored.prefix)
        assert len(stored.key_hash) == 64


def test_calls_without_a_valid_key_get_401_as_json(app, client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/checks", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_stops_working(app, api):
    assert api.get("/checks").status_code == 200
    prefix = api.headers["Authorization"][7:19]
    result = app.test_cli_runner().invoke(args=["apikey", "revoke", "--prefix", prefix])
    assert result.exit_code == 0, result.output
    assert api.get("/checks").status_code == 401


def test_each_request_is_audited_with_the_key_and_never_the_key_itself(app, api):
    api.get("/checks")
    with app.app_context():
        event = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "api.request")
        ).one()
        assert event.api_key_id is not None
        assert event.details["endpoint"] == "api.checks"
        assert api.headers["Authorization"][7:] not in str(event.details)
        assert db.session.scalars(db.select(ApiKey)).one().last_used_at is not None


def test_creating_an_invitation_answers_its_link_code_and_expiry(app, api, client):
    response = api.post("/invitations", json=appointment())
    assert response.status_code == 201
    body = response.json
    assert body["code"] and body["expires_at"] and body["id"]
    assert body["url"].startswith("http://localhost/fr/i/")
    assert body["phone"] == "+15145550123"
    assert response.headers["Location"] == f"/api/v1/invitations/{body['id']}"
    path = body["url"].removeprefix("http://localhost")
    assert "Amélie" in client.get(path).text
    with app.app_context():
        invitation = db.session.scalars(db.select(Invitation)).one()
        assert invitation.created_by_api_key_id is not None
        assert path.rsplit("/", 1)[1] not in invitation.token_hash


def test_the_same_appointment_twice_returns_the_first_invitation_without_its_link(app, api):
    first = api.post("/invitations", json=appointment()).json
    again = api.post("/invitations", json=appointment(first_name="Other"))
    assert again.status_code == 200
    assert again.json["id"] == first["id"] and again.json["code"] == first["code"]
    assert again.json["url"] is None and again.json["first_name"] == "Amélie"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 1
    fetched = api.get(f"/invitations/{first['id']}")
    assert fetched.status_code == 200 and fetched.json["url"] is None


@pytest.mark.parametrize(
    "change, field",
    [
        ({"appointment_ref": ""}, "appointment_ref"),
        ({"appointment_ref": None}, "appointment_ref"),
        ({"appointment_at": "2026-12-01T14:30:00"}, "appointment_at"),
        ({"appointment_at": "next tuesday"}, "appointment_at"),
        ({"appointment_at": "2001-01-01T10:00:00+00:00"}, "appointment_at"),
        ({"language": "de"}, "language"),
        ({"email": "not an email"}, "email"),
        ({"phone": "555"}, "phone"),
        ({"first_name": 12}, "first_name"),
    ],
)
def test_bad_fields_are_refused_with_422_naming_the_field(api, change, field):
    response = api.post("/invitations", json=appointment(**change))
    assert response.status_code == 422
    assert response.json["error"] == {
        "code": "invalid_field",
        "field": field,
        "message": response.json["error"]["message"],
    }
    assert field in response.json["error"]["message"]


def test_a_body_that_is_not_a_json_object_is_refused_with_400(api):
    for data in ("not json", "[1, 2]"):
        response = api.post("/invitations", data=data, content_type="application/json")
        assert response.status_code == 400
        assert response.json["error"]["code"] == "invalid_json"


def test_no_csrf_token_is_needed_with_a_key(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    api = ApiClient(app.test_client(), create_key(app))
    assert api.post("/invitations", json=appointment()).status_code == 201


def test_a_check_has_its_verdict_figures_devices_setting_consent_and_contacts(app, api, client):
    check_id = run_journey(app, client, invite(app, appointment_ref="APPT-7"))
    body = api.get(f"/checks/{check_id}").json
    assert body["verdict"] == "ready" and body["completed"] is True
    assert body["appointment"]["appointment_ref"] == "APPT-7"
    assert body["connection"]["download_mbps"] == 48.2
    assert {d["kind"] for d in body["devices"]} == {"browser", "camera", "microphone", "speakers"}
    assert body["setting"]["private_place"] is True
    assert body["consent"]["decision"] == "agreed" and body["consent"]["method"] == "online"
    assert body["contact"]["backup_phone"] == "+16135550142"
    assert api.get("/checks/no-such-check").json["error"]["code"] == "not_found"


def test_a_check_as_fhir_is_a_transaction_bundle(app, api, client):
    check_id = run_journey(app, client, invite(app))
    response = api.get(f"/checks/{check_id}?format=fhir")
    assert response.mimetype == "application/fhir+json"
    assert response.json["resourceType"] == "Bundle" and response.json["type"] == "transaction"
    assert api.get(f"/checks/{check_id}?format=xml").json["error"]["field"] == "format"


def test_checks_come_oldest_change_first_a_page_at_a_time(app, api):
    base = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with app.app_context():
        for n in range(5):
            moment = base + timedelta(minutes=n)
            db.session.add(
                Check(
                    reference_code=f"AAAA{n + 2}B",
                    language="en",
                    created_at=moment,
                    updated_at=moment,
                )
            )
        db.session.commit()
    since = (base + timedelta(minutes=1)).isoformat()
    seen, cursor = [], None
    while True:
        query = {"updated_since": since, "limit": "2"}
        if cursor:
            query["cursor"] = cursor
        page = api.get("/checks", query_string=query).json
        seen += [check["reference_code"] for check in page["checks"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["AAAA3B", "AAAA4B", "AAAA5B", "AAAA6B"]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-11-20T09:00:00"}, "updated_since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"cursor": "garbage!"}, "cursor"),
    ],
)
def test_bad_query_parameters_are_refused_with_400_naming_them(api, query, field):
    response = api.get("/checks", query_string=query)
    assert response.status_code == 400
    assert response.json["error"]["field"] == field


def test_the_api_is_rate_limited_per_key(make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    api = ApiClient(app.test_client(), create_key(app))
    answers = [api.get("/checks").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert api.get("/checks").json["error"]["code"] == "rate_limited"


def test_the_same_appointment_posted_at_once_makes_one_invitation(make_app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    import threading

    app = make_app()
    key = create_key(app)
    answers = []

    def post():
        api = ApiClient(app.test_client(), key)
        answers.append(api.post("/invitations", json=appointment(appointment_ref="RACE-1")))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    assert len({a.json["id"] for a in answers}) == 1
