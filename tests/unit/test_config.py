import stat

import pytest

from readiness import create_app
from readiness.data_keys import Keyring, new_key

STRONG_SECRET = "Xq7-made-up-but-random-looking-secret-for-tests-Zk3v9Rb2"


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("READINESS_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="READINESS_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": "sqlite://"})
    with pytest.raises(RuntimeError, match="at least 32 characters"):
        create_app({"ENV": "production", "SECRET_KEY": "short", "DATABASE_URL": "sqlite://"})


def test_production_refuses_to_start_without_a_data_key(monkeypatch):
    monkeypatch.delenv("READINESS_DATA_KEYS", raising=False)
    with pytest.raises(RuntimeError, match="READINESS_DATA_KEYS"):
        create_app({"ENV": "production", "SECRET_KEY": STRONG_SECRET, "DATABASE_URL": "sqlite://"})


def test_development_makes_its_data_key_file_readable_by_its_owner_only(tmp_path):
    from readiness.config import development_data_key

    key = development_data_key(str(tmp_path))
    assert development_data_key(str(tmp_path)) == key
    assert stat.S_IMODE((tmp_path / "data_key").stat().st_mode) == 0o600
    assert len(Keyring.from_setting(key).keys) == 1


def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/fresh.db"})
    assert stat.S_IMODE((tmp_path / "fresh.db").stat().st_mode) == 0o600


def test_production_sends_the_session_cookie_secure_only():
    app = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": STRONG_SECRET,
            "DATA_KEYS": new_key(),
            "DATABASE_URL": "sqlite://",
        }
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


@pytest.mark.parametrize(
    "secret",
    [
        "abcdefghijklmnopqrstuvwxyzABCDEF",  # 32 different characters, but the alphabet
        "changeme-readiness-secret-key-2026!",
        "correct-horse-battery-staple-2026-correct",
        "qwertyuiopasdfghjklzxcvbnmQWERTYUIOP",
        "Ab1!" * 10,
    ],
)
def test_a_secret_made_of_words_runs_or_repeats_is_not_strong(secret):
    from readiness.config import is_strong_secret

    assert not is_strong_secret(secret)


def test_generated_secrets_are_strong_every_time():
    import secrets

    from readiness.config import is_strong_secret

    assert all(is_strong_secret(secrets.token_urlsafe(48)) for _ in range(2000))
    assert all(is_strong_secret(secrets.token_hex(32)) for _ in range(2000))


def test_production_refuses_an_all_zero_data_key_and_rate_limits_in_one_process():
    zero_key = "A" * 43 + "="
    base = {"ENV": "production", "SECRET_KEY": STRONG_SECRET, "DATABASE_URL": "sqlite://"}
    with pytest.raises(RuntimeError, match="not random"):
        create_app({**base, "DATA_KEYS": zero_key})
    with pytest.raises(RuntimeError, match="memory://"):
        create_app({**base, "DATA_KEYS": new_key(), "RATELIMIT_STORAGE_URI": "memory://"})
    with pytest.raises(RuntimeError, match="READINESS_RATELIMIT_ENABLED"):
        create_app({**base, "DATA_KEYS": new_key(), "RATELIMIT_ENABLED": False})
    with pytest.raises(RuntimeError, match="READINESS_TURN_SECRET"):
        create_app({**base, "DATA_KEYS": new_key(), "TURN_SECRET": "x"})
