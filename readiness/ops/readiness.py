"""What /readyz looks at: each part the app needs to serve a patient, by name. No Flask.

Each check answers "ok" or a short word for what is wrong; never an exception's message, which
can quote a host name, a user or a password from a URL.
"""

from collections.abc import Callable

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

OK = "ok"


def database(engine: Engine) -> str:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return "unreachable"
    return OK


def migrations(engine: Engine, heads: set[str]) -> str:
    """At head: the database's alembic_version holds exactly the code's head revisions."""
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception:
        return "unknown"
    if not current:
        return "not_applied"
    return OK if current == heads else "not_at_head"


def script_heads(directory: str) -> set[str]:
    return set(ScriptDirectory(directory).get_heads())


def data_key(keyring) -> str:
    """The newest data key encrypts and decrypts (a missing or broken key fails here)."""
    try:
        sample = "readiness-probe"
        if keyring is None or keyring.decrypt(keyring.encrypt(sample)) != sample:
            return "missing"
    except Exception:
        return "missing"
    return OK


def rate_limit_storage(check: Callable[[], bool] | None) -> str:
    """Flask-Limiter's storage answers (Redis in production); None when limits are off."""
    if check is None:
        return "disabled"
    try:
        return OK if check() else "unreachable"
    except Exception:
        return "unreachable"


def is_ready(results: dict[str, str]) -> bool:
    return all(value in (OK, "disabled") for value in results.values())
