"""Pure arithmetic for the bench: sizes, rates, errors, percentiles and targets. No I/O."""

import math

MBIT = 1_000_000

# The targets the connection test is held to (DESIGN.md, "Measuring the connection").
ACCURACY_PERCENT = 5.0
FAST_DIRECTION_SECONDS = 8.0  # at the guidance (10 Mbit/s) and above
SLOW_DIRECTION_SECONDS = 12.0  # below it
FAST_FROM_MBIT = 10.0
LATENCY_PHASE_SECONDS = 2.0
PAGE_P99_MS = 100.0


# A full-size segment on loopback at MTU 1500: 1448 bytes of payload (TCP timestamps on) in
# 1514 bytes on the wire (with the 14-byte link header the qdisc counts). No goodput over a
# link of R can exceed this share of R, even before the ACKs that share the same qdisc.
PAYLOAD_SHARE = 1448 / 1514


def goodput_ceiling(rate_mbit: float) -> float:
    """The most payload a tbf-shaped loopback at rate_mbit can carry, in Mbit/s."""
    return rate_mbit * PAYLOAD_SHARE


def burst_bytes(rate_mbit: float) -> int:
    """tbf's bucket: 10 ms at the rate, and never less than ten full-size packets."""
    return max(15_000, math.ceil(rate_mbit * MBIT / 8 / 100))


def bytes_for_seconds(rate_mbit: float, seconds: float) -> int:
    """How many bytes take about `seconds` to cross a link of rate_mbit."""
    return math.ceil(rate_mbit * MBIT / 8 * seconds)


def mbit_per_second(size: int, seconds: float) -> float:
    """Goodput: bytes over seconds, in Mbit/s."""
    return size * 8 / seconds / MBIT


def error_percent(measured: float, reference: float) -> float:
    """How far measured is from reference, signed, in percent of the reference."""
    return (measured - reference) / reference * 100


def median(values: list[float]) -> float:
    """The middle value (the mean of the two middle values for an even count)."""
    return percentile(values, 50)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile, interpolated linearly between ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def direction_seconds_target(rate_mbit: float) -> float:
    """The longest one direction of the test may take on a link of rate_mbit."""
    return FAST_DIRECTION_SECONDS if rate_mbit >= FAST_FROM_MBIT else SLOW_DIRECTION_SECONDS


def within_accuracy(measured: float, reference: float) -> bool:
    return abs(error_percent(measured, reference)) <= ACCURACY_PERCENT
