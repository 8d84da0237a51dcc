"""Two-factor (TOTP) for password sign-in: enrolment, the second step, recovery codes, lockout."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select, text

from readiness.config import finish_sign_in_config
from readiness.extensions import db
from readiness.models import AuditEvent, RecoveryCode, SignInLock, StaffUser
from tests.conftest import STAFF_PASSWORD


@pytest.fixture
def totp_app(make_app):
    return make_app(REQUIRE_TOTP="admin", SIGN_IN_LOCK_AFTER=3)


def sign_in_with_password(client, email: str):
    return client.post("/auth/login", data={"email": email, "password": STAFF_PASSWORD})


def secret_on(page: str) -> str:
    match = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page)
    assert match, "the enrolment page shows the secret as text"
    return match.group(1).replace(" ", "")


def enrol(client) -> tuple[str, list[str]]:
    """Set up two-factor on a signed-in client; returns the secret and the recovery codes."""
    secret = secret_on(client.get("/auth/totp/enrol").text)
    page = client.post("/auth/totp/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert page.status_code == 200, page.text
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page.text)
    assert len(codes) == 10
    return secret, codes


def code_for_next_step(secret: str) -> str:
    """A right code not yet used: the next 30-second step (within the drift allowed)."""
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30))


def audit_details(app, action: str) -> list[dict]:
    with app.app_context():
        return [
            e.details
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


def test_admin_without_two_factor_cannot_reach_admin_until_enrolled(totp_app, make_staff):
    make_staff("admin")
    client = totp_app.test_client()
    assert sign_in_with_password(client, "admin@example.org").status_code == 302
    for path in ("/admin/", "/desk/", "/clinic/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/auth/totp/enrol"
    page = client.get("/auth/totp/enrol").text
    assert "<svg" in page and "totp-qr" in page and "<script" not in page.split("<svg")[1][:200]

    wrong = client.post("/auth/totp/enrol", data={"code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.text
    assert client.get("/admin/").status_code == 302

    enrol(client)
    assert client.get("/admin/").headers["Location"] == "/admin/handoff"
    assert client.get("/admin/handoff").status_code == 200
    assert audit_details(totp_app, "staff.totp_enrolled") == [{}]


def test_desk_agent_is_not_asked_for_two_factor_when_only_admins_need_it(totp_app, make_staff):
    make_staff("desk")
    client = totp_app.test_client()
    sign_in_with_password(client, "desk@example.org")
    assert client.get("/desk/").status_code == 200


def test_all_requires_two_factor_of_every_password_account(make_app, make_staff):
    app = make_app(REQUIRE_TOTP="all")
    make_staff("desk")
    client = app.test_client()
    sign_in_with_password(client, "desk@example.org")
    assert client.get("/desk/").headers["Location"] == "/auth/totp/enrol"


def test_enrolled_account_signs_in_with_password_then_code(totp_app, make_staff):
    make_staff("admin")
    first = totp_app.test_client()
    sign_in_with_password(first, "admin@example.org")
    secret, _ = enrol(first)

    client = totp_app.test_client()
    response = sign_in_with_password(client, "admin@example.org")
    assert response.headers["Location"] == "/auth/totp"
    assert client.get("/desk/").status_code == 302  # the password alone signs no one in
    step = client.get("/auth/totp")
    assert step.status_code == 200 and 'name="code"' in step.text
    done = client.post("/auth/totp", data={"code": code_for_next_step(secret)})
    assert done.status_code == 302 and done.headers["Location"] == "/desk/"
    assert client.get("/admin/handoff").status_code == 200
    methods = [d.get("method") for d in audit_details(totp_app, "staff.sign_in")]
    assert methods == ["password", "password+totp"]


def test_a_code_works_once(totp_app, make_staff):
    make_staff("admin")
    first = totp_app.test_client()
    sign_in_with_password(first, "admin@example.org")
    secret, _ = enrol(first)
    code = code_for_next_step(secret)
    one = totp_app.test_client()
    sign_in_with_password(one, "admin@example.org")
    assert one.post("/auth/totp", data={"code": code}).status_code == 302
    two = totp_app.test_client()
    sign_in_with_password(two, "admin@example.org")
    replayed = two.post("/auth/totp", data={"code": code})
    assert replayed.status_code == 400 and "already used" in replayed.text


def test_wrong_codes_count_toward_the_lockout(totp_app, make_staff):
    make_staff("admin")
    first = totp_app.test_client()
    sign_in_with_password(first, "admin@example.org")
    secret, _ = enrol(first)

    client = totp_app.test_client()
    sign_in_with_password(client, "admin@example.org")
    right = pyotp.TOTP(secret)
    wrong = f"{(int(right.now()) + 1) % 1_000_000:06d}"
    for _ in range(3):
        assert client.post("/auth/totp", data={"code": wrong}).status_code == 400
    with totp_app.app_context():
        lock = db.session.scalar(select(SignInLock))
        assert lock.tries == 3 and lock.locked_until is not None
    # Locked: even the right code is refused now, and the password does not reset the count.
    assert client.post("/auth/totp", data={"code": code_for_next_step(secret)}).status_code == 400
    whys = [d.get("why") for d in audit_details(totp_app, "staff.sign_in_failed")]
    assert whys == ["code", "code", "code", "locked"]


def test_recovery_codes_work_once_and_are_stored_hashed(totp_app, make_staff):
    make_staff("admin")
    first = totp_app.test_client()
    sign_in_with_password(first, "admin@example.org")
    _, codes = enrol(first)
    with totp_app.app_context():
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and all(h.startswith("$argon2") for h in stored)
    assert not set(codes) & set(stored)

    client = totp_app.test_client()
    sign_in_with_password(client, "admin@example.org")
    assert client.post("/auth/totp", data={"code": codes[3].upper()}).status_code == 302
    again = totp_app.test_client()
    sign_in_with_password(again, "admin@example.org")
    assert again.post("/auth/totp", data={"code": codes[3]}).status_code == 400
    assert again.post("/auth/totp", data={"code": codes[4]}).status_code == 302
    assert len(audit_details(totp_app, "staff.recovery_code_used")) == 2


def test_totp_seed_is_encrypted_at_rest(totp_app, make_staff):
    make_staff("admin")
    client = totp_app.test_client()
    sign_in_with_password(client, "admin@example.org")
    secret, _ = enrol(client)
    with totp_app.app_context():
        raw = db.session.execute(text("SELECT totp_secret FROM staff_user")).scalar()
    assert raw and secret not in raw and raw.startswith("v2.")


def test_second_step_without_a_right_password_goes_back_to_sign_in(totp_app):
    client = totp_app.test_client()
    assert client.get("/auth/totp").headers["Location"] == "/auth/login"
    assert client.post("/auth/totp", data={"code": "123456"}).headers["Location"] == "/auth/login"


def test_reset_totp_command_turns_it_off_and_ends_sessions(totp_app, make_staff):
    make_staff("admin")
    client = totp_app.test_client()
    sign_in_with_password(client, "admin@example.org")
    enrol(client)
    result = totp_app.test_cli_runner().invoke(
        args=["staff", "reset-totp", "--email", "admin@example.org"]
    )
    assert result.exit_code == 0, result.output
    assert client.get("/desk/").status_code == 302  # signed out everywhere
    with totp_app.app_context():
        user = db.session.scalar(select(StaffUser))
        assert user.totp_secret is None and user.totp_enabled_at is None
        assert db.session.scalar(select(RecoveryCode)) is None
    again = totp_app.test_client()
    sign_in_with_password(again, "admin@example.org")
    assert again.get("/admin/").headers["Location"] == "/auth/totp/enrol"


def test_break_glass_account_is_created_by_command_and_must_enrol(make_app):
    app = make_app(REQUIRE_TOTP="off")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["staff", "create", "--email", "glass@example.org", "--role", "admin"]
        + ["--break-glass", "--password-stdin"],
        input=STAFF_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    sign_in_with_password(client, "glass@example.org")
    assert client.get("/desk/").headers["Location"] == "/auth/totp/enrol"


@pytest.mark.parametrize(
    "env, setting, expected",
    [
        ("production", None, "admin"),
        ("development", None, "off"),
        ("production", "off", "off"),
        ("development", "ALL", "all"),
    ],
)
def test_two_factor_default_depends_on_the_environment(env, setting, expected):
    config = {"REQUIRE_TOTP": setting, "LOCAL_SIGN_IN": "on", "OIDC_ISSUER": ""}
    finish_sign_in_config(config, production=env == "production")
    assert config["REQUIRE_TOTP"] == expected


def test_unknown_two_factor_setting_refuses_to_start():
    with pytest.raises(RuntimeError, match="READINESS_REQUIRE_TOTP"):
        finish_sign_in_config({"REQUIRE_TOTP": "sometimes"}, production=False)


def test_anyone_signed_in_with_a_password_may_turn_two_factor_on(totp_app, make_staff):
    make_staff("desk")
    client = totp_app.test_client()
    sign_in_with_password(client, "desk@example.org")
    desk = client.get("/desk/").text
    assert 'href="/auth/totp/enrol"' in desk  # offered, not required
    secret, _ = enrol(client)
    assert 'href="/auth/totp/enrol"' not in client.get("/desk/").text
    again = totp_app.test_client()
    assert sign_in_with_password(again, "desk@example.org").headers["Location"] == "/auth/totp"
    assert again.post("/auth/totp", data={"code": code_for_next_step(secret)}).status_code == 302
