"""The README's guessing arithmetic follows the configured defaults (issue 13, item 3)."""

from pathlib import Path

from limits import parse_many

from readiness.checks.codes import ALPHABET, JOIN_LENGTH
from readiness.config import DefaultConfig

README = Path(__file__).resolve().parents[2] / "README.md"
LIVE_CODES = 10_000
HOURS_PER_YEAR = 24 * 365.25


def failures_per_hour(limits: str) -> float:
    """The most wrong codes an attacker gets per hour under all the configured windows."""
    return min(item.amount * 3600 / item.get_expiry() for item in parse_many(limits))


def expected_years() -> float:
    space = len(ALPHABET) ** JOIN_LENGTH
    guesses_to_hit = space / LIVE_CODES
    return guesses_to_hit / failures_per_hour(DefaultConfig.CODE_FAILURE_LIMIT) / HOURS_PER_YEAR


def test_guessing_any_of_ten_thousand_live_codes_takes_at_least_ten_years():
    assert expected_years() >= 10


def test_the_readme_shows_the_arithmetic_of_the_defaults():
    text = README.read_text()
    section = text[text.index("### Guessing a code") : text.index("### What the audit records")]
    space = len(ALPHABET) ** JOIN_LENGTH
    assert f"{len(ALPHABET)}^{JOIN_LENGTH} = {space:,}" in section
    assert f"{failures_per_hour(DefaultConfig.CODE_FAILURE_LIMIT):.0f} per hour" in section
    assert f"**{expected_years():.1f} years**" in section
