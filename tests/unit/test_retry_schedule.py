"""Failed deliveries are retried with exponential backoff and jitter for at least a day."""

import random
from datetime import UTC, datetime, timedelta

from readiness.handoff.schedule import RetrySchedule

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_delays_double_up_to_the_ceiling_with_jitter_within_half_of_it():
    schedule = RetrySchedule(base_seconds=30, max_delay_seconds=3600)
    rng = random.Random(8)
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (8, 3600), (40, 3600)]:
        delays = {schedule.delay(attempts, rng).total_seconds() for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays), (attempts, delays)
        assert len(delays) > 1, "no jitter"


def test_retries_go_on_for_more_than_a_day_then_stop():
    schedule = RetrySchedule()
    now, attempts, rng = START, 0, random.Random(1)
    while True:
        attempts += 1
        following = schedule.next_attempt(START, attempts, now, rng)
        if following is None:
            break
        assert following > now
        now = following
    assert now - START >= timedelta(hours=24)
    assert now - START >= schedule.give_up_after
    assert attempts > 40


def test_settings_come_from_configuration():
    config = {
        "HANDOFF_RETRY_BASE_SECONDS": "5",
        "HANDOFF_RETRY_MAX_SECONDS": 60,
        "HANDOFF_GIVE_UP_AFTER_HOURS": 30,
    }
    schedule = RetrySchedule.from_config(config)
    assert schedule.give_up_after == timedelta(hours=30)
    assert schedule.delay(10).total_seconds() <= 60
