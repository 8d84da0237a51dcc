"""Production refuses bad settings at start; text staff copy is clean (issue 13, items 7, 8)."""

import json
import secrets
import subprocess
import sys

import pytest

from readiness.checks.consent import consent_text
from tests.conftest import PROJECT_ROOT, STAFF_PASSWORD, server_environment
from tests.web.api_support import create_key

from .attacker import Browser
from .records import CONTACT, add_results_to_latest, invitation, staff

STRONG = "Xq7-made-up-but-random-looking-secret-for-tests-Zk3v9Rb2"
ZERO_KEY = "A" * 43 + "="  # 32 bytes of 0x00, in URL-safe base64
GOOD_KEY = "bWFkZS11cC10ZXN0LWtleS1ub3QtZm9yLXJlYWwtdXM="
# What a production start has besides the setting under test (issue 23, item 6; F14).
PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": STRONG,
    "DATA_KEYS": GOOD_KEY,
    "RATELIMIT_ENABLED": "true",
}


def start_app(database_url: str, **settings: str) -> subprocess.CompletedProcess:
    env = server_environment(
        database_url, **{f"READINESS_{name}": value for name, value in settings.items()}
    )
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "settings, named",
    [
        ({"ENV": "prod", "SECRET_KEY": STRONG}, "READINESS_ENV"),
        ({"ENV": "production", "SECRET_KEY": "a" * 32}, "READINESS_SECRET_KEY"),
        (
            {"ENV": "production", "SECRET_KEY": STRONG, "SCHEDULING_WEBHOOK_SECRET": "x"},
            "READINESS_SCHEDULING_WEBHOOK_SECRET",
        ),
        (
            {
                "ENV": "production",
                "SECRET_KEY": STRONG,
                "SCHEDULING_WEBHOOK_URL": "http://scheduling.example.org/hook",
            },
            "READINESS_SCHEDULING_WEBHOOK_URL",
        ),
        # F14: what the third review started production with.
        ({**PRODUCTION, "SECRET_KEY": "abcdefghijklmnopqrstuvwxyzABCDEF"}, "SECRET_KEY"),
        ({**PRODUCTION, "SECRET_KEY": "changeme-readiness-secret-key-2026!"}, "SECRET_KEY"),
        ({**PRODUCTION, "DATA_KEYS": ZERO_KEY}, "READINESS_DATA_KEYS"),
        ({**PRODUCTION, "DATA_KEYS": f"{GOOD_KEY},{ZERO_KEY}"}, "READINESS_DATA_KEYS"),
        ({**PRODUCTION, "TURN_SECRET": "x"}, "READINESS_TURN_SECRET"),
        ({**PRODUCTION, "TURN_URLS": "turn:turn.example.org:3478"}, "READINESS_TURN_SECRET"),
        (
            {**PRODUCTION, "TURN_SECRET": STRONG[::-1], "TURN_CREDENTIAL_SECONDS": "315360000"},
            "READINESS_TURN_CREDENTIAL_SECONDS",
        ),
        (
            {**PRODUCTION, "SCHEDULING_WEBHOOK_SECRET": "abcdefghijklmnopqrstuvwxyzABCDEF"},
            "READINESS_SCHEDULING_WEBHOOK_SECRET",
        ),
        ({**PRODUCTION, "RATELIMIT_ENABLED": "false"}, "READINESS_RATELIMIT_ENABLED"),
        ({**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"}, "memory://"),
    ],
)
def test_production_refuses_to_start_with_bad_settings(database_url, settings, named):
    started = start_app(database_url, **settings)
    assert started.returncode != 0
    assert named in started.stderr
    assert "RuntimeError" in started.stderr.splitlines()[-1]


def test_production_starts_with_good_settings(database_url):
    started = start_app(
        database_url,
        ENV="production",
        SECRET_KEY=STRONG,
        SCHEDULING_WEBHOOK_SECRET=STRONG[::-1],
        SCHEDULING_WEBHOOK_URL="https://scheduling.example.org/hook",
        DATA_KEYS=GOOD_KEY,
        RATELIMIT_ENABLED="true",
        TURN_URLS="turn:turn.example.org:3478",
        TURN_SECRET=secrets.token_urlsafe(48),
        # The settings are under test, not the shared test database's data key.
        DATA_KEY_CHECK="false",
    )
    assert started.returncode == 0, started.stderr


UNSAFE = [
    ("first_name", "Sam\n\nURGENT: call 1-900-555-0123 now"),
    ("first_name", "Sam\u202eevil"),
    ("first_name", "Sam\x7f"),
    ("appointment_ref", "APPT-1\r\nX-Injected: yes"),
    ("appointment_ref", "APPT-\u2066hidden\u2069"),
    ("phone", "1-900-555-0123"),
]


def test_the_api_refuses_line_breaks_controls_bidi_overrides_and_premium_numbers(serve):
    url = serve()
    key = create_key(serve.app)
    for field, value in UNSAFE:
        body = {
            "appointment_ref": "APPT-CLEAN-1",
            "appointment_at": "2030-12-01T14:30:00-05:00",
            "language": "en",
            field: value,
        }
        answer = Browser(url).request(
            "POST",
            "/api/v1/invitations",
            body=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        assert answer.status == 422, (field, value)
        assert answer.json()["error"]["field"] == field
    assert "premium" in answer.json()["error"]["message"]


def test_a_clinician_cannot_put_line_breaks_in_a_first_name(serve):
    url = serve()
    doctor_id = staff(serve.app, "clinician", "doctor@example.org")
    doctor = Browser(url)
    doctor.post("/auth/login", {"email": "doctor@example.org", "password": STAFF_PASSWORD})
    doctor.csrf = None
    form = doctor.get("/clinic/invite").text
    assert "csrf_token" in form
    answer = doctor.post(
        "/clinic/invite",
        {
            "appointment_ref": "APPT-CLEAN-3",
            "appointment_date": "2030-12-01",
            "appointment_time": "14:30",
            "first_name": "Sam\n\nURGENT: call 1-900-555-0123 now",
            "language": "en",
            "clinician_id": str(doctor_id),
        },
    )
    assert answer.status == 400
    assert "Use one line of ordinary text." in answer.text


def test_premium_rate_numbers_are_refused_with_a_clear_message(serve):
    url = serve()
    code, _token = invitation(serve.app, appointment_ref="APPT-CLEAN-4")
    patient = Browser(url)
    patient.post("/en/code", {"code": code})
    add_results_to_latest(serve.app)
    patient.get("/en/check/summary")
    patient.post(
        "/en/check/consent", {"decision": "agreed", "text_sha256": consent_text({}, "en").sha256}
    )
    for number in ("1-900-555-0123", "976-234-5678"):
        answer = patient.post("/en/check/contact", {**CONTACT, "backup": number})
        assert answer.status == 400
        assert "Numbers starting with 900 or 976 charge the caller." in answer.text
