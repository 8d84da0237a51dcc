import pytest

from readiness import create_app

STRONG_SECRET = "Xq7-made-up-but-random-looking-secret-for-tests-Zk3v9Rb2"


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("READINESS_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="READINESS_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": "sqlite://"})
    with pytest.raises(RuntimeError, match="at least 32 characters"):
        create_app({"ENV": "production", "SECRET_KEY": "short", "DATABASE_URL": "sqlite://"})


def test_production_sends_the_session_cookie_secure_only():
    app = create_app(
        {"ENV": "production", "SECRET_KEY": STRONG_SECRET, "DATABASE_URL": "sqlite://"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_makes_and_keeps_its_own_secret_key(tmp_path, monkeypatch):
    from readiness.config import development_secret

    first = development_secret(str(tmp_path))
    assert len(first) >= 32
    assert development_secret(str(tmp_path)) == first


def test_environment_variables_configure_the_app(monkeypatch):
    monkeypatch.setenv("READINESS_SUPPORT_PHONE", "1-888-555-0123")
    monkeypatch.setenv("READINESS_GUIDANCE_DOWNLOAD_MBPS", "25")
    monkeypatch.setenv("READINESS_DATABASE_URL", "postgresql://u@127.0.0.1/db")
    monkeypatch.setenv("READINESS_RATELIMIT_ENABLED", "false")
    app = create_app({"SECRET_KEY": "x" * 40})
    assert app.config["SUPPORT_PHONE"] == "1-888-555-0123"
    assert app.config["GUIDANCE_DOWNLOAD_MBPS"] == 25
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/db"
    assert app.config["RATELIMIT_ENABLED"] is False
