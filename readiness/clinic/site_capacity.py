"""How many HD video visits at once a site's measured upload carries. Pure.

From the clinicians' own setup checks on one site: the lowest upload among their latest
recent checks (the weakest link measured there), divided by what one HD visit sends up by the
video ladder (readiness.connection.quality). A site's link is shared with everything else on
it, and several clinicians' tests may have crossed it at different times: an estimate.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..connection.quality import DEFAULT_LADDER, Rung
from ..control_characters import has_control_characters

HD_RUNG = "hd_720p"
RECENT_DAYS = 30  # only self-checks this recent count for a site's capacity
SITE_MAX_LENGTH = 80


class SiteNameError(ValueError):
    """Why a site's name was refused: "too_long" or "control_characters"."""


def clean_site_name(text: str | None) -> str | None:
    """A site's name as typed, spaces tidied; None for none; SiteNameError if unusable."""
    if text is None:
        return None
    if has_control_characters(text):
        raise SiteNameError("control_characters")
    name = " ".join(text.split())
    if len(name) > SITE_MAX_LENGTH:
        raise SiteNameError("too_long")
    return name or None


@dataclass(frozen=True)
class SelfCheckFigure:
    """One clinician's latest self-check, as far as the site's capacity goes."""

    staff_id: int
    site: str | None
    upload_mbps: float | None
    checked_at: datetime


@dataclass(frozen=True)
class SiteCapacity:
    site: str
    clinicians: int  # clinicians whose recent upload was measured on the site
    lowest_upload_mbps: float | None
    hd_upload_mbps: float
    hd_visits: int | None  # None when nothing recent was measured


def hd_rung(ladder: tuple[Rung, ...] = DEFAULT_LADDER) -> Rung:
    """The ladder's HD rung (its first rung when none is named HD)."""
    for rung in ladder:
        if rung.name == HD_RUNG:
            return rung
    return ladder[0]


def simultaneous_visits(upload_mbps: float, per_visit_mbps: float) -> int:
    """Whole visits only: 4.4 Mbit/s at 1.5 a visit carries 2, not 2.9."""
    if per_visit_mbps <= 0:
        raise ValueError("a visit must need some upload")
    # A small tolerance: 3.0 / 1.5 is 2 even when the floats say 1.9999999.
    return max(0, math.floor(upload_mbps / per_visit_mbps + 1e-9))


def site_capacities(
    figures: list[SelfCheckFigure],
    now: datetime,
    ladder: tuple[Rung, ...] = DEFAULT_LADDER,
    recent_days: int = RECENT_DAYS,
) -> list[SiteCapacity]:
    """One row per named site with any self-check, sorted by site; staff without a site and
    checks older than recent_days (or with no upload measured) do not count."""
    per_visit = hd_rung(ladder).upload_mbps
    since = now - timedelta(days=recent_days)
    uploads: dict[str, list[float]] = {}
    for figure in figures:
        if not figure.site:
            continue
        found = uploads.setdefault(figure.site, [])
        if figure.upload_mbps is not None and figure.checked_at >= since:
            found.append(figure.upload_mbps)
    rows = []
    for site, measured in sorted(uploads.items(), key=lambda item: item[0].casefold()):
        lowest = min(measured) if measured else None
        rows.append(
            SiteCapacity(
                site=site,
                clinicians=len(measured),
                lowest_upload_mbps=lowest,
                hd_upload_mbps=per_visit,
                hd_visits=None if lowest is None else simultaneous_visits(lowest, per_visit),
            )
        )
    return rows
