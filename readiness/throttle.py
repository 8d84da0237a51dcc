"""Counting failures and lookups against limits, in Flask-Limiter's shared storage.

The decorators count requests; these count what only the view knows about (a wrong code, a
wrong API key, a desk search). They use the same storage as every other limit (the app's
database by default, Redis in production), so they count the same in every worker and host.
"""

from flask import current_app
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from .extensions import limiter
from .request_log import error_log

# When the shared storage cannot be reached (Redis down), each process counts here instead, as
# Flask-Limiter does for the decorated limits (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED): limits
# per worker for a while, rather than none, and never a 500.
LOCAL = FixedWindowRateLimiter(MemoryStorage())


def each(method: str, limits: str, key: tuple[str, ...]) -> list[bool]:
    """Test or hit every limit, in the shared storage or, if it fails, in this process."""
    items = parse_many(limits)
    try:
        return [getattr(limiter.limiter, method)(item, "readiness", *key) for item in items]
    except Exception as error:  # the storage's own errors: redis, database, timeouts
        error_log.warning(
            "Rate limit storage unreachable (%s); counting in this process", type(error).__name__
        )
        return [getattr(LOCAL, method)(item, "readiness", *key) for item in items]


def enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def within(limits: str, *key: str) -> bool:
    """True while every limit in `limits` ("10 per minute;60 per hour") has room for one more."""
    if not enabled():
        return True
    return all(each("test", limits, key))


def count(limits: str, *key: str) -> bool:
    """Count one against each limit; False when any of them was already used up."""
    if not enabled():
        return True
    return all(each("hit", limits, key))


def give_back(limits: str, *key: str) -> None:
    """Return one counted by `count` (the code was right after all): counting first and giving
    back after keeps parallel requests from all passing a check made before any of them counted.
    """
    if not enabled():
        return
    for item in parse_many(limits):
        try:
            limiter.limiter.hit(item, "readiness", *key, cost=-1)
        except Exception:  # the storage is down: `count` counted in this process
            LOCAL.hit(item, "readiness", *key, cost=-1)
