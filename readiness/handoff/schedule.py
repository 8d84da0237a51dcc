"""When to try a failed delivery again: exponential backoff with jitter, then give up. Pure."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetrySchedule:
    """Retry after base * 2**(attempts - 1) seconds, at most max_delay, with "equal jitter"
    (half the delay fixed, half random), until give_up_after has passed since the message was
    written."""

    base_seconds: float = 30.0
    max_delay_seconds: float = 3600.0
    give_up_after: timedelta = timedelta(hours=48)

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        """The wait after the given number of failed attempts (1 after the first failure)."""
        rng = rng or random
        exponent = min(max(attempts - 1, 0), 32)
        ceiling = min(self.max_delay_seconds, self.base_seconds * (2**exponent))
        return timedelta(seconds=ceiling / 2 + rng.uniform(0, ceiling / 2))

    def next_attempt(
        self, created_at: datetime, attempts: int, now: datetime, rng: random.Random | None = None
    ) -> datetime | None:
        """When to try next, or None to give up (the message then waits for an admin)."""
        if now - created_at >= self.give_up_after:
            return None
        return now + self.delay(attempts, rng)

    @classmethod
    def from_config(cls, config) -> "RetrySchedule":
        return cls(
            base_seconds=float(config["HANDOFF_RETRY_BASE_SECONDS"]),
            max_delay_seconds=float(config["HANDOFF_RETRY_MAX_SECONDS"]),
            give_up_after=timedelta(hours=float(config["HANDOFF_GIVE_UP_AFTER_HOURS"])),
        )
