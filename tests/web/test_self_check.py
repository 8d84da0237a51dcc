"""The clinician's own setup check: who may run it, what the server accepts, what the visit list
and the admins' per-site page say (issue 27, item 4)."""

import re
from datetime import timedelta

import pytest

from readiness.extensions import db
from readiness.models import AuditEvent, StaffSelfCheck, StaffUser, utcnow
from tests.conftest import STAFF_PASSWORD

GOOD = {
    "download_mbps": 48.2,
    "upload_mbps": 9.2,
    "latency_ms": 18.4,
    "jitter_ms": 1.5,
    "samples": {"latency_ms": [18, 19, 18]},
    "bytes_used": 8_400_000,
    "duration_ms": 9100,
    "connection_type": "ethernet",
}
FEATURES = {
    "media_devices": True,
    "peer_connection": True,
    "secure_context": True,
    "audio_context": True,
    "sink_choice": True,
}
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def clinician(app, make_staff):
    """(signed-in client, staff record) for a clinician at a site."""
    staff = make_staff(
        "clinician", email="claire.roy@example.org", display_name="Dr Claire Roy", site="Ottawa"
    )
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = CHROME
    client.post("/auth/login", data={"email": staff.email, "password": STAFF_PASSWORD})
    return client, staff


def in_french(client):
    client.get("/auth/language/fr")
    return client


def run_everything(client, report=GOOD):
    """The browser's posts for a whole self-check: connection, browser, three devices."""
    answer = client.post("/clinic/self-check/connection", json=report)
    assert answer.status_code == 200, answer.json
    client.post("/clinic/self-check/devices", json={"kind": "browser", "features": FEATURES})
    for kind in ("camera", "microphone", "speakers"):
        answer = client.post("/clinic/self-check/devices", json={"kind": kind, "status": "pass"})
        assert answer.status_code == 200, answer.json


def self_checks(app):
    with app.app_context():
        return db.session.scalars(db.select(StaffSelfCheck).order_by(StaffSelfCheck.id)).all()


def status_block(page: str) -> str:
    found = re.search(r'<div[^>]*data-testid="self-check-status".*?</div>', page, re.S)
    assert found, "no self-check-status on the visit list"
    # Ordinary spaces only: the French non-breaking spaces stay as they are.
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip()


def add_self_check(app, staff_id, *, days_ago=0, verdict="ready", upload=9.2, site=None):
    with app.app_context():
        when = utcnow() - timedelta(days=days_ago, hours=1)
        db.session.add(
            StaffSelfCheck(
                staff_id=staff_id, site=site, download_mbps=50.0, upload_mbps=upload,
                latency_ms=20.0, jitter_ms=1.0, connection_verdict=verdict, verdict=verdict,
                created_at=when, updated_at=when,
            )
        )  # fmt: skip
        db.session.commit()


# Who may reach it.


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/clinic/self-check"),
        ("post", "/clinic/self-check/connection"),
        ("post", "/clinic/self-check/devices"),
    ],
)
def test_the_support_desk_and_patients_cannot_reach_the_self_check(
    app, client, desk_client, method, path
):
    assert getattr(desk_client, method)(path, json=GOOD).status_code == 403
    # A patient has no staff session: sent to the staff sign-in, nothing stored.
    assert "/auth/login" in getattr(client, method)(path, json=GOOD).headers["Location"]
    assert self_checks(app) == []


def test_only_admins_see_the_self_checks_per_site(client, desk_client, clinician_client):
    assert desk_client.get("/admin/self-checks").status_code == 403
    assert clinician_client.get("/admin/self-checks").status_code == 403
    assert client.get("/admin/self-checks").status_code == 302
    assert clinician_client.post("/admin/self-checks/site", data={}).status_code == 403


# What the server accepts.


def test_a_whole_self_check_is_judged_on_the_server_and_kept_for_the_clinician(app, clinician):
    client, staff = clinician
    page = client.get("/clinic/self-check")
    assert page.status_code == 200
    assert b'data-testid="start-connection-test"' in page.data
    assert b"reference-code" not in page.data and b"consent" not in page.data.lower()
    run_everything(client)
    (found,) = self_checks(app)
    assert (found.staff_id, found.site, found.verdict) == (staff.id, "Ottawa", "ready")
    assert (found.download_mbps, found.upload_mbps, found.latency_ms) == (48.2, 9.2, 18.4)
    assert set(found.devices) == {"browser", "camera", "microphone", "speakers"}
    with app.app_context():
        created = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "selfcheck.created")
        ).all()
    assert [(entry.staff_id, entry.details) for entry in created] == [
        (staff.id, {"self_check": found.id})
    ]


def test_the_browsers_verdict_is_not_taken_a_slow_upload_is_judged_here(app, clinician):
    client, _ = clinician
    answer = client.post(
        "/clinic/self-check/connection", json=GOOD | {"upload_mbps": 0.5, "verdict": "ready"}
    )
    assert answer.json["verdict"] == "not_ready" and "upload_low" in answer.json["reasons"]
    assert 'data-testid="connection-result"' in answer.json["html"]
    assert self_checks(app)[0].verdict == "not_ready"


def test_a_device_that_fails_makes_the_setup_not_ready(app, clinician):
    client, _ = clinician
    run_everything(client)
    client.post(
        "/clinic/self-check/devices",
        json={"kind": "camera", "status": "fail", "reason": "permission_denied"},
    )
    (found,) = self_checks(app)
    assert found.verdict == "not_ready" and "permission_denied" in found.reasons


@pytest.mark.parametrize(
    "path, body, code",
    [
        ("/clinic/self-check/connection", "not json at all", "invalid_json"),
        ("/clinic/self-check/connection", GOOD | {"upload_mbps": "fast"}, "invalid_report"),
        ("/clinic/self-check/connection", GOOD | {"latency_ms": -3}, "invalid_report"),
        ("/clinic/self-check/connection", [1, 2], "invalid_report"),
        ("/clinic/self-check/devices", {"kind": "printer", "status": "pass"}, "invalid_result"),
        ("/clinic/self-check/devices", {"kind": "camera", "status": "great"}, "invalid_result"),
        ("/clinic/self-check/devices", {"kind": "browser", "features": "yes"}, "invalid_result"),
    ],
)
def test_bad_results_get_a_clear_french_message_and_nothing_is_stored(
    app, clinician, path, body, code
):
    client = in_french(clinician[0])
    if isinstance(body, str):
        answer = client.post(path, data=body, content_type="application/json")
    else:
        answer = client.post(path, json=body)
    assert answer.status_code == 400
    error = answer.json["error"]
    assert error["code"] == code
    assert "Rechargez la page" in error["message"]
    assert self_checks(app) == []


# The visit list.


def test_the_visit_list_asks_for_a_check_when_there_is_none(clinician):
    client, _ = clinician
    text = status_block(client.get("/clinic/").text)
    assert "Your setup: not checked yet." in text
    assert "Check your setup before your visits." in text


def test_the_visit_list_shows_the_self_check_just_run(clinician):
    client, _ = clinician
    run_everything(client)
    page = client.get("/clinic/").text
    assert 'data-status="fine"' in page and 'data-verdict="ready"' in page
    text = status_block(page)
    assert "Your setup: ready, checked today." in text
    assert "Download 48.2 Mbps, upload 9.2 Mbps, response time 18 ms." in text
    assert "before your visits" not in text
    french = status_block(in_french(client).get("/clinic/").text)
    assert "envoi (téléversement)\u00a0: 9,2\u00a0Mbit/s" in french


def test_the_visit_list_reminds_after_30_days(app, clinician):
    client, staff = clinician
    add_self_check(app, staff.id, days_ago=31)
    text = status_block(client.get("/clinic/").text)
    assert "Your setup: ready, checked 31 days ago." in text
    assert "That was more than 30 days ago." in text
    assert "Check your setup before your visits." in text
    french = status_block(in_french(client).get("/clinic/").text)
    assert "Votre installation\u00a0: prête, vérifiée il y a 31 jours." in french
    assert "Vérifiez votre installation avant vos consultations." in french


def test_a_check_of_30_days_needs_no_reminder(app, clinician):
    client, staff = clinician
    add_self_check(app, staff.id, days_ago=30)
    text = status_block(client.get("/clinic/").text)
    assert "checked 30 days ago" in text and "before your visits" not in text


def test_a_setup_not_ready_is_a_reminder_even_when_recent(app, clinician):
    client, staff = clinician
    add_self_check(app, staff.id, days_ago=2, verdict="not_ready")
    text = status_block(client.get("/clinic/").text)
    assert "Your setup: not ready, checked 2 days ago." in text
    assert "Check your setup before your visits." in text


# The admins' page: per site, and what each site's upload carries.


def test_admins_see_each_site_and_its_simultaneous_hd_visits(app, make_staff, admin_client):
    first = make_staff("clinician", email="a@example.org", display_name="Dr A", site="Ottawa")
    second = make_staff("clinician", email="b@example.org", display_name="Dr B", site="Ottawa")
    third = make_staff("clinician", email="c@example.org", display_name="Dr C", site="Hull")
    nowhere = make_staff("clinician", email="d@example.org", display_name="Dr D")
    add_self_check(app, first.id, upload=40.0)
    add_self_check(app, second.id, upload=4.6)  # Ottawa's weakest: 4.6 / 1.5 = 3 visits
    add_self_check(app, third.id, upload=1.2)  # below one HD visit
    add_self_check(app, nowhere.id, upload=2.0)
    page = admin_client.get("/admin/self-checks").text
    rows = dict(
        re.findall(r'data-testid="site-capacity" data-site="([^"]+)" data-hd-visits="(\d*)"', page)
    )
    assert rows == {"Hull": "0", "Ottawa": "3"}
    assert "One HD video visit needs 1.5 Mbps up" in page
    assert "this is an estimate" in page
    checks = re.findall(r'data-testid="staff-self-check" data-staff="([^"]+)"', page)
    assert checks == ["c@example.org", "a@example.org", "b@example.org", "d@example.org"]
    french = in_french(admin_client).get("/admin/self-checks").text
    assert "Une consultation vidéo HD demande 1,5\u00a0Mbit/s en envoi" in french


def test_admins_set_a_staff_members_site_and_it_is_audited(app, make_staff, admin_client):
    staff = make_staff("clinician", email="e@example.org")
    answer = admin_client.post(
        "/admin/self-checks/site", data={"staff_id": str(staff.id), "site": "  Clinique   Hull "}
    )
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(StaffUser, staff.id).site == "Clinique Hull"
        entry = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "staff.site_changed")
        )
        assert entry.details == {"staff": staff.id}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"staff_id": "", "site": "Hull"}, "Choisissez un membre du personnel dans la liste."),
        (
            {"staff_id": "999999", "site": "Hull"},
            "Choisissez un membre du personnel dans la liste.",
        ),
        ({"site": "x" * 81}, "Le nom du site doit compter au plus 80 caractères."),
        ({"site": "Hull\x07"}, "caractères de contrôle"),
    ],
)
def test_a_bad_site_form_says_what_is_wrong_in_french(app, make_staff, admin_client, data, message):
    staff = make_staff("clinician", email="f@example.org")
    data = {"staff_id": str(staff.id)} | data
    answer = in_french(admin_client).post("/admin/self-checks/site", data=data)
    assert answer.status_code == 400
    assert message in answer.text
    with app.app_context():
        assert db.session.get(StaffUser, staff.id).site is None


def test_the_staff_command_sets_and_checks_a_site(app, runner):
    created = runner.invoke(
        args=["staff", "create", "--email", "g@example.org", "--role", "clinician",
              "--site", "Ottawa"]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    refused = runner.invoke(
        args=["staff", "set-site", "--email", "g@example.org", "--site", "x" * 81]
    )
    assert refused.exit_code != 0 and "--site" in refused.output
    cleared = runner.invoke(args=["staff", "set-site", "--email", "g@example.org", "--site", ""])
    assert cleared.exit_code == 0
    with app.app_context():
        user = db.session.scalar(db.select(StaffUser).where(StaffUser.email == "g@example.org"))
        assert user.site is None


def test_results_an_hour_later_start_a_new_self_check_and_the_last_finished_one_still_shows(
    app, clinician
):
    client, staff = clinician
    add_self_check(app, staff.id, days_ago=3)  # finished, ready, three days ago
    client.post("/clinic/self-check/devices", json={"kind": "camera", "status": "pass"})
    earlier, started = self_checks(app)
    assert (earlier.verdict, started.verdict, started.devices) == (
        "ready",
        None,
        {"camera": {"status": "pass", "reason": None}},
    )
    # Not finished: the visit list still tells of the last finished one.
    assert "Your setup: ready, checked 3 days ago." in status_block(client.get("/clinic/").text)
