"""Counts, shares, medians and Wilson score intervals. Pure: no Flask, no database."""

import math
import statistics

Z95 = 1.959963984540054  # the standard normal's 97.5th percentile: a two-sided 95 % interval
DIGITS = 4  # shares and interval bounds in reports


def share(part: int, whole: int) -> float | None:
    """part / whole, rounded; None when there is nothing to divide."""
    if whole <= 0:
        return None
    return round(part / whole, DIGITS)


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a binomial proportion (Wilson 1927), rounded.

    Unlike the textbook p ± z·sqrt(p(1-p)/n) it stays within [0, 1] and is not a single point
    at 0 or n successes, which matters for the small counts of one clinic or one band.
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and trials")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return (round(max(0.0, centre - half), DIGITS), round(min(1.0, centre + half), DIGITS))


def proportion(held: int, recorded: int) -> dict:
    """The report's {held, recorded, share, interval95}."""
    interval = wilson_interval(held, recorded)
    return {
        "held": held,
        "recorded": recorded,
        "share": share(held, recorded),
        "interval95": list(interval) if interval else None,
    }


def median(values) -> float | None:
    found = [value for value in values if value is not None]
    return round(statistics.median(found), 2) if found else None
