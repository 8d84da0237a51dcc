"""Single sign-on against real OpenID providers on local ports: oidc-provider-mock for the
whole flow, and a provider of the test's own for ID tokens forged in every way that matters."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select

from readiness.extensions import db
from readiness.models import AuditEvent, StaffUser
from tests.conftest import STAFF_PASSWORD
from tests.support.oidc import (
    CLIENT_ID,
    forging_provider,
    mock_provider,
    set_user,
    sign_in_at_provider,
    sso_config,
    start_sign_in,
    state_nonce_and_challenge,
)


@pytest.fixture(scope="module")
def issuer():
    with mock_provider() as url:
        yield url


@pytest.fixture
def sso_app(make_app, issuer):
    return make_app(**sso_config(issuer))


def audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()


def staff(app, email: str) -> StaffUser | None:
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_sign_in_page_offers_the_institution_in_both_languages(sso_app):
    client = sso_app.test_client()
    page = client.get("/auth/login").text
    assert 'data-testid="sso-sign-in"' in page and 'href="/auth/oidc/login' in page
    assert "Sign in with Example Health" in page
    client.get("/auth/language/fr")
    assert "Ouvrir une session avec Example Health" in client.get("/auth/login").text


def test_sign_in_page_has_no_single_sign_on_when_it_is_not_configured(client):
    assert "sso-sign-in" not in client.get("/auth/login").text
    assert client.get("/auth/oidc/login").status_code == 404


def test_provider_is_asked_for_a_code_with_pkce_state_and_nonce(sso_app, issuer):
    authorize = start_sign_in(sso_app.test_client())
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(issuer + "/oauth2/authorize")
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost/auth/oidc/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_first_sign_in_creates_the_account_and_lands_on_the_workspace(make_app, issuer):
    sso_app = make_app(**sso_config(issuer), WTF_CSRF_ENABLED=True)
    clinicians = ["readiness-clinicians"]
    set_user(issuer, "ana", email="Ana@Example.org", name="Ana Clinician", groups=clinicians)
    client = sso_app.test_client()
    # The browser comes back from the provider's page: a Referer from another site.
    callback = sign_in_at_provider(client, "ana")
    response = client.get(callback, headers={"Referer": f"{issuer}/oauth2/authorize"})
    assert response.status_code == 302 and response.headers["Location"] == "/clinic/"
    assert client.get("/clinic/").status_code == 200
    assert client.get("/desk/").status_code == 403
    user = staff(sso_app, "ana@example.org")
    assert (user.role, user.display_name) == ("clinician", "Ana Clinician")
    assert user.oidc_subject == "ana"
    assert [e.details for e in audit(sso_app, "staff.created")] == [
        {"role": "clinician", "by": "oidc"}
    ]
    assert [e.details for e in audit(sso_app, "staff.sign_in")] == [{"method": "oidc"}]


def test_desk_agent_lands_on_the_desk(sso_app, issuer):
    set_user(issuer, "dev", email="dev@example.org", name="Dev Desk", groups=["readiness-desk"])
    client = sso_app.test_client()
    assert client.get(sign_in_at_provider(client, "dev")).headers["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200


def test_every_sign_in_refreshes_name_and_role_from_the_claims(sso_app, issuer):
    set_user(issuer, "sam", email="sam@example.org", name="Sam", groups=["readiness-desk"])
    client = sso_app.test_client()
    client.get(sign_in_at_provider(client, "sam"))
    set_user(
        issuer, "sam", email="sam@example.org", name="Sam Moved", groups=["readiness-clinicians"]
    )
    again = sso_app.test_client()
    assert again.get(sign_in_at_provider(again, "sam")).headers["Location"] == "/clinic/"
    user = staff(sso_app, "sam@example.org")
    assert (user.role, user.display_name) == ("clinician", "Sam Moved")
    assert [e.details for e in audit(sso_app, "staff.role_changed")] == [
        {"from": "desk", "to": "clinician", "by": "oidc"}
    ]
    # The first browser's session follows the account: the desk is closed to it now.
    assert client.get("/desk/").status_code == 403


@pytest.mark.parametrize("language", ["en", "fr"])
def test_person_whose_group_was_removed_is_refused_and_their_sessions_end(
    sso_app, issuer, language
):
    set_user(issuer, "leo", email="leo@example.org", name="Leo", groups=["readiness-desk"])
    earlier = sso_app.test_client()
    earlier.get(sign_in_at_provider(earlier, "leo"))
    assert earlier.get("/desk/").status_code == 200

    set_user(issuer, "leo", email="leo@example.org", name="Leo", groups=["someone-else"])
    client = sso_app.test_client()
    client.get(f"/auth/language/{language}")
    refused = client.get(sign_in_at_provider(client, "leo"))
    assert refused.status_code == 403
    assert 'data-reason="unknown_role"' in refused.text
    expected = {
        "en": "does not give you access to this service",
        "fr": "ne vous donne pas accès à ce service",
    }[language]
    assert expected in refused.text
    assert client.get("/desk/").status_code == 302
    assert earlier.get("/desk/").status_code == 302  # the session from before ended
    [event] = audit(sso_app, "staff.sso_refused")
    assert event.details == {"reason": "unknown_role", "sessions_ended": 1}
    assert event.staff_id == staff(sso_app, "leo@example.org").id


def test_email_outside_the_allowed_domains_is_refused(make_app, issuer):
    app = make_app(**sso_config(issuer, OIDC_ALLOWED_EMAIL_DOMAINS="example.org, health.example"))
    set_user(issuer, "eve", email="eve@elsewhere.example", groups=["readiness-admins"])
    client = app.test_client()
    refused = client.get(sign_in_at_provider(client, "eve"))
    assert refused.status_code == 403 and 'data-reason="wrong_domain"' in refused.text
    assert staff(app, "eve@elsewhere.example") is None
    assert [e.details for e in audit(app, "staff.sso_refused")] == [{"reason": "wrong_domain"}]


def test_replayed_state_is_refused(sso_app, issuer):
    set_user(issuer, "rae", email="rae@example.org", groups=["readiness-desk"])
    client = sso_app.test_client()
    callback = sign_in_at_provider(client, "rae")
    assert client.get(callback).headers["Location"] == "/desk/"
    client.post("/auth/logout")
    replayed = client.get(callback)
    assert replayed.status_code == 400 and 'data-reason="bad_token"' in replayed.text
    assert client.get("/desk/").status_code == 302
    # Another browser cannot use the callback either: the state belongs to the first one.
    stranger = sso_app.test_client()
    assert stranger.get(callback).status_code == 400


def test_sign_out_offers_the_providers_end_session(sso_app, issuer):
    set_user(issuer, "oli", email="oli@example.org", groups=["readiness-desk"])
    client = sso_app.test_client()
    client.get(sign_in_at_provider(client, "oli"))
    response = client.post("/auth/logout")
    assert response.headers["Location"] == "/auth/signed-out"
    page = client.get("/auth/signed-out").text
    assert 'data-testid="sso-sign-out"' in page
    assert f"{issuer}/oauth2/end_session?client_id={CLIENT_ID}" in page.replace("&amp;", "&")
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fauth%2Flogin" in page
    assert client.get("/desk/").status_code == 302


def test_local_sign_in_off_leaves_passwords_to_break_glass_accounts(make_app, issuer, make_staff):
    app = make_app(**sso_config(issuer, LOCAL_SIGN_IN="off"))
    make_staff("desk")
    make_staff("admin", email="glass@example.org", break_glass=True)
    client = app.test_client()
    page = client.get("/auth/login").text
    assert "break-glass" in page and 'data-testid="sso-sign-in"' in page
    refused = client.post(
        "/auth/login", data={"email": "desk@example.org", "password": STAFF_PASSWORD}
    )
    assert refused.status_code == 400
    glass = app.test_client()
    response = glass.post(
        "/auth/login", data={"email": "glass@example.org", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    # Break-glass accounts must have two-factor: nothing opens until it is set up.
    assert glass.get("/admin/").headers["Location"] == "/auth/totp/enrol"


def test_sso_account_has_no_password_to_guess(sso_app, issuer):
    set_user(issuer, "pat", email="pat@example.org", groups=["readiness-desk"])
    client = sso_app.test_client()
    client.get(sign_in_at_provider(client, "pat"))
    other = sso_app.test_client()
    for password in ("", " ", "x" * 12):
        answer = other.post("/auth/login", data={"email": "pat@example.org", "password": password})
        assert answer.status_code == 400


# ID tokens forged by the test, from a provider of its own.


@pytest.fixture
def forger():
    with forging_provider() as provider:
        yield provider


def forged_sign_in(make_app, forger, sign=None, **changes):
    """Start at /auth/oidc/login, then come back with the ID token the test made."""
    app = make_app(**sso_config(forger.issuer))
    client = app.test_client()
    authorize = start_sign_in(client)
    state, nonce, forger.code_challenge = state_nonce_and_challenge(authorize)
    claims = forger.claims(nonce, **changes)
    forger.id_token = sign(claims) if sign else forger.sign(claims)
    response = client.get(f"/auth/oidc/callback?code=any-code&state={state}")
    return app, client, response


def test_well_formed_token_from_the_test_provider_signs_in(make_app, forger):
    app, client, response = forged_sign_in(make_app, forger)
    assert response.headers["Location"] == "/clinic/"
    assert client.get("/clinic/").status_code == 200


@pytest.mark.parametrize(
    "forgery",
    ["bad_signature", "wrong_nonce", "wrong_issuer", "expired", "wrong_audience", "no_signature"],
)
def test_forged_id_tokens_are_refused(make_app, forger, forgery):
    other_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    sign = None
    changes = {}
    if forgery == "bad_signature":
        sign = lambda claims: forger.sign(claims, other_key)  # noqa: E731
    elif forgery == "wrong_nonce":
        changes = {"nonce": "not-the-nonce-we-sent"}
    elif forgery == "wrong_issuer":
        changes = {"iss": "https://login.elsewhere.example"}
    elif forgery == "expired":
        changes = {"iat": 1_700_000_000, "exp": 1_700_000_600}
    elif forgery == "wrong_audience":
        changes = {"aud": "another-client"}
    elif forgery == "no_signature":
        sign = forger.unsigned
    app, client, response = forged_sign_in(make_app, forger, sign=sign, **changes)
    assert response.status_code == 400, response.text
    assert 'data-reason="bad_token"' in response.text
    assert client.get("/clinic/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(StaffUser)) is None
    assert [e.details for e in audit(app, "staff.sso_refused")] == [{"reason": "bad_token"}]


def test_code_is_refused_when_the_pkce_verifier_does_not_match(make_app, forger):
    app = make_app(**sso_config(forger.issuer))
    client = app.test_client()
    state, nonce, _ = state_nonce_and_challenge(start_sign_in(client))
    forger.code_challenge = "a-challenge-from-another-sign-in"
    forger.id_token = forger.sign(forger.claims(nonce))
    response = client.get(f"/auth/oidc/callback?code=any-code&state={state}")
    assert response.status_code == 400 and 'data-reason="bad_token"' in response.text
    assert client.get("/clinic/").status_code == 302


def test_callback_with_a_state_this_browser_never_sent_is_refused(make_app, forger):
    app = make_app(**sso_config(forger.issuer))
    client = app.test_client()
    start_sign_in(client)
    response = client.get("/auth/oidc/callback?code=any-code&state=made-up-state")
    assert response.status_code == 400 and 'data-reason="bad_token"' in response.text


def test_provider_error_is_a_clear_refusal_not_a_500(sso_app):
    client = sso_app.test_client()
    start_sign_in(client)
    response = client.get("/auth/oidc/callback?error=access_denied&state=x")
    assert response.status_code == 400 and "did not work" in response.text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_sign_in_pages_show_only_what_they_mean(make_app, issuer, make_staff, language):
    """The pages test_every_page_reads cannot reach without a provider or a second step."""
    import pyotp

    from tests.web.test_every_page_reads import problems_on

    app = make_app(**sso_config(issuer, REQUIRE_TOTP="admin", OIDC_INSTITUTION_NAME="PHSA"))
    pages = {}
    client = app.test_client()
    client.get(f"/auth/language/{language}")
    pages["login"] = client.get("/auth/login")

    set_user(issuer, "nia", email="nia@example.org", name="Nia", groups=["readiness-desk"])
    client.get(sign_in_at_provider(client, "nia"))
    client.post("/auth/logout")
    pages["signed_out"] = client.get("/auth/signed-out")
    set_user(issuer, "nia", email="nia@example.org", name="Nia", groups=[])
    pages["refused"] = client.get(sign_in_at_provider(client, "nia"))
    pages["bad_token"] = client.get("/auth/oidc/callback?code=x&state=y")

    make_staff("admin")
    admin = app.test_client()
    admin.get(f"/auth/language/{language}")
    admin.post("/auth/login", data={"email": "admin@example.org", "password": STAFF_PASSWORD})
    pages["enrol"] = admin.get("/auth/totp/enrol")
    pages["enrol_error"] = admin.post("/auth/totp/enrol", data={"code": "12"})
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', pages["enrol"].text)[1]
    secret = secret.replace(" ", "")
    pages["codes"] = admin.post("/auth/totp/enrol", data={"code": pyotp.TOTP(secret).now()})
    admin.post("/auth/logout")
    admin.post("/auth/login", data={"email": "admin@example.org", "password": STAFF_PASSWORD})
    pages["second_step"] = admin.get("/auth/totp")
    pages["second_step_error"] = admin.post("/auth/totp", data={"code": "000000"})

    problems = []
    for name, response in pages.items():
        assert response.status_code in (200, 400, 403), (name, response.status_code)
        assert f'<html lang="{language}">' in response.text, name
        problems += [f"{name}: {p}" for p in problems_on(response.text, language)]
    assert not problems, "\n".join(problems)
