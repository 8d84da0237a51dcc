"""OpenID providers for the tests: oidc-provider-mock (a complete provider on Authlib) and a
small one of our own whose ID tokens the test writes and signs, to send forged ones."""

import base64
import hashlib
import json
import threading
import time
import warnings
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import requests
import werkzeug.serving
from flask import Flask, jsonify, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

with warnings.catch_warnings():
    # oidc-provider-mock 0.3.4 imports authlib.jose, which Authlib 1.9 deprecates (its own
    # business: our code uses joserfc).
    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import run_server_in_thread

CLIENT_ID = "readiness-test"
ROLE_MAP = "readiness-desk:desk,readiness-clinicians:clinician,readiness-admins:admin"


@contextmanager
def mock_provider():
    """oidc-provider-mock on a free port; yields its issuer URL."""
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def set_user(issuer: str, sub: str, **claims) -> None:
    """Who `sub` is at the provider, and the claims its ID tokens carry from now on."""
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204, response.text


def sso_config(issuer: str, **overrides) -> dict:
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": "test-client-secret",
        "OIDC_ROLE_MAP": ROLE_MAP,
        "OIDC_INSTITUTION_NAME": "Example Health",
        **overrides,
    }


def start_sign_in(client) -> str:
    """GET /auth/oidc/login; returns the provider's authorization URL it redirected to."""
    response = client.get("/auth/oidc/login")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    assert parts.path == "/auth/oidc/callback", location
    return f"{parts.path}?{parts.query}"


def sign_in_at_provider(client, sub: str) -> str:
    """The whole round trip through the provider's form; returns the callback's path+query."""
    authorize = start_sign_in(client)
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return callback_path(answer.headers["Location"])


class ForgingProvider:
    """A provider whose token endpoint answers with whatever ID token the test set."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.app = Flask("forging-provider")
        self.issuer = ""
        self.id_token = ""
        self.code_challenge = ""
        self.app.add_url_rule("/.well-known/openid-configuration", "discovery", self.discovery)
        self.app.add_url_rule("/jwks", "jwks", self.jwks)
        self.app.add_url_rule("/token", "token", self.token, methods=["POST"])

    def discovery(self):
        return jsonify(
            issuer=self.issuer,
            authorization_endpoint=f"{self.issuer}/authorize",
            token_endpoint=f"{self.issuer}/token",
            jwks_uri=f"{self.issuer}/jwks",
            end_session_endpoint=f"{self.issuer}/end-session",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
        )

    def jwks(self):
        return jsonify(KeySet([self.key]).as_dict(private=False))

    def token(self):
        # PKCE (RFC 7636, S256): the verifier must hash to the challenge the browser carried.
        verifier = request.form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != self.code_challenge:
            return jsonify(error="invalid_grant"), 400
        return jsonify(
            access_token="access-token", token_type="Bearer", expires_in=60, id_token=self.id_token
        )

    def claims(self, sent_nonce: str, /, **changes) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "forged-subject",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": sent_nonce,
            "email": "clinician@example.org",
            "name": "Test Clinician",
            "groups": ["readiness-clinicians"],
        }
        claims.update(changes)
        return claims

    def sign(self, claims: dict, key: RSAKey | None = None) -> str:
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key or self.key)

    @staticmethod
    def unsigned(claims: dict) -> str:
        """A token with "alg": "none" and no signature at all."""

        def part(value: dict) -> str:
            return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

        return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@contextmanager
def forging_provider():
    provider = ForgingProvider()
    server = werkzeug.serving.make_server("localhost", 0, provider.app, threaded=True)
    provider.issuer = f"http://localhost:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)


def state_nonce_and_challenge(authorize_url: str) -> tuple[str, str, str]:
    query = parse_qs(urlsplit(authorize_url).query)
    return query["state"][0], query["nonce"][0], query["code_challenge"][0]
