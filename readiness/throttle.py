"""Counting failures and lookups against limits, in Flask-Limiter's shared storage.

The decorators count requests; these count what only the view knows about (a wrong code, a
wrong API key, a desk search). They use the same storage as every other limit (the app's
database by default, Redis in production), so they count the same in every worker and host.
"""

from flask import current_app
from limits import parse_many

from .extensions import limiter


def enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def within(limits: str, *key: str) -> bool:
    """True while every limit in `limits` ("10 per minute;60 per hour") has room for one more."""
    if not enabled():
        return True
    return all(limiter.limiter.test(item, "readiness", *key) for item in parse_many(limits))


def count(limits: str, *key: str) -> bool:
    """Count one against each limit; False when any of them was already used up."""
    if not enabled():
        return True
    results = [limiter.limiter.hit(item, "readiness", *key) for item in parse_many(limits)]
    return all(results)


def give_back(limits: str, *key: str) -> None:
    """Return one counted by `count` (the code was right after all): counting first and giving
    back after keeps parallel requests from all passing a check made before any of them counted.
    """
    if not enabled():
        return
    for item in parse_many(limits):
        limiter.limiter.hit(item, "readiness", *key, cost=-1)
