"""The insights report: every table the page, the CSV files and `flask insights report` show.

Pure: takes the plain records of readiness.insights.facts and returns JSON-ready data, the
shape `flask insights report --json` prints:

    {"checks": {...}, "funnel": [...], "outcomes": {"<verdict>": {"<outcome>": n}},
     "ready_held_on_video": {"held": n, "recorded": n, "share": x, "interval95": [lo, hi]},
     "not_ready_held_on_video": {...}, "bands": {...}}

`held` counts visits held on video to the end; `recorded` counts video, video_then_phone and
phone: no_show, cancelled and in_person say nothing about the verdict and are left out.
Sections computed elsewhere (the media path's health) come in through `extra_sections`.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from zoneinfo import ZoneInfo

from ..vocabulary import Verdict, VisitOutcome
from .facts import STEPS, CheckFact, Figures, VisitFact
from .stats import median, proportion, share

VERDICTS = tuple(word.value for word in Verdict)
OUTCOMES = tuple(word.value for word in VisitOutcome)
HELD = (VisitOutcome.VIDEO,)
RECORDED = (VisitOutcome.VIDEO, VisitOutcome.VIDEO_THEN_PHONE, VisitOutcome.PHONE)
TOP = 10  # reasons, browsers and systems shown


@dataclass(frozen=True)
class Band:
    """One band of a figure: [low, high) in the figure's unit; None for open ends."""

    name: str
    low: float | None
    high: float | None

    def holds(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)


def bands(unit_edges: Iterable[float]) -> tuple[Band, ...]:
    edges = list(unit_edges)
    found = [Band(f"0-{edges[0]:g}", None, edges[0])]
    found += [Band(f"{low:g}-{high:g}", low, high) for low, high in pairwise(edges)]
    found.append(Band(f"{edges[-1]:g}+", edges[-1], None))
    return tuple(found)


UNKNOWN = "unknown"
# The figures a threshold applies to, cut around the default thresholds (10 Mbps, loss 2-5 %,
# latency under load) so a manager sees the visits on each side of each threshold.
NUMERIC_BANDS: dict[str, tuple[Callable[[Figures], float | None], tuple[Band, ...]]] = {
    "download_mbps": (lambda figures: figures.download_mbps, bands((2, 5, 10, 25))),
    "packet_loss_percent": (lambda figures: figures.packet_loss_percent, bands((1, 3, 5))),
    "loaded_latency_ms": (lambda figures: figures.loaded_latency_ms, bands((100, 250, 500))),
}
MEDIA_ROUTES = ("udp", "tcp", "tls", "relay-udp", "relay-tcp", "none")
BAND_NAMES = (*NUMERIC_BANDS, "media_route")


def band_of(kind: str, figures: Figures) -> str:
    if kind == "media_route":
        return figures.media_route if figures.media_route in MEDIA_ROUTES else UNKNOWN
    read, cuts = NUMERIC_BANDS[kind]
    value = read(figures)
    if value is None:
        return UNKNOWN
    return next(band.name for band in cuts if band.holds(value))


def band_order(kind: str) -> tuple[str, ...]:
    if kind == "media_route":
        return (*MEDIA_ROUTES, UNKNOWN)
    return (*(band.name for band in NUMERIC_BANDS[kind][1]), UNKNOWN)


def week_of(fact: CheckFact, zone: ZoneInfo) -> str:
    year, week, _ = fact.created_at.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def held_on_video(visits: Iterable[VisitFact]) -> dict:
    """The share of visits held on video to the end, among those that say something of it."""
    recorded = [visit for visit in visits if visit.outcome in RECORDED]
    held = sum(1 for visit in recorded if visit.outcome in HELD)
    return proportion(held, len(recorded))


def checks_section(checks: list[CheckFact], zone: ZoneInfo) -> dict:
    finished = [fact for fact in checks if fact.finished]
    weeks: dict[str, dict] = {}
    for fact in checks:
        row = weeks.setdefault(
            week_of(fact, zone), {"started": 0, "finished": 0, **dict.fromkeys(VERDICTS, 0)}
        )
        row["started"] += 1
        if fact.finished:
            row["finished"] += 1
            if fact.verdict in VERDICTS:
                row[fact.verdict] += 1
    reasons = Counter(reason for fact in finished for reason in fact.reasons)
    browsers = Counter(fact.browser or UNKNOWN for fact in checks)
    systems = Counter(fact.system or UNKNOWN for fact in checks)
    figures = [fact.figures for fact in finished]
    return {
        "started": len(checks),
        "finished": len(finished),
        "by_verdict": {
            verdict: sum(1 for fact in finished if fact.verdict == verdict) for verdict in VERDICTS
        },
        "per_week": [{"week": week, **row} for week, row in sorted(weeks.items())],
        "top_reasons": [{"reason": reason, "count": count} for reason, count in top(reasons, TOP)],
        "browsers": [{"browser": name, "count": count} for name, count in top(browsers, TOP)],
        "systems": [{"system": name, "count": count} for name, count in top(systems, TOP)],
        "medians": {
            name: median(getattr(each, name) for each in figures)
            for name in (
                "download_mbps",
                "upload_mbps",
                "latency_ms",
                "jitter_ms",
                "loaded_latency_ms",
                "packet_loss_percent",
                "media_rtt_ms",
            )
        },
    }


def top(counter: Counter, n: int) -> list[tuple[str, int]]:
    """The n largest counts, ties in name order, so the same data gives the same table."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:n]


def funnel(checks: list[CheckFact]) -> list[dict]:
    """How many checks reached each step, and the share lost since the step before."""
    rows = []
    previous = None
    for index, step in enumerate(STEPS):
        count = sum(1 for fact in checks if fact.reached >= index)
        lost = share(previous - count, previous) if previous is not None else 0.0
        rows.append({"step": step, "count": count, "lost_share": lost})
        previous = count
    return rows


def outcomes_by_verdict(visits: list[VisitFact]) -> dict:
    table = {verdict: dict.fromkeys(OUTCOMES, 0) for verdict in VERDICTS}
    for visit in visits:
        if visit.verdict in table:
            table[visit.verdict][visit.outcome] += 1
    return table


def bands_section(visits: list[VisitFact]) -> dict:
    """For each figure, each band: the share held on video per verdict, and for all."""
    section = {}
    for kind in BAND_NAMES:
        rows = []
        for name in band_order(kind):
            inside = [visit for visit in visits if band_of(kind, visit.figures) == name]
            row = {"band": name, "all": held_on_video(v for v in inside if v.verdict)}
            for verdict in VERDICTS:
                row[verdict] = held_on_video(v for v in inside if v.verdict == verdict)
            rows.append(row)
        section[kind] = rows
    return section


def build_report(
    checks: list[CheckFact],
    visits: list[VisitFact],
    *,
    zone: ZoneInfo,
    extra_sections: dict | None = None,
) -> dict:
    """The whole report. extra_sections: more top-level keys, computed elsewhere
    (readiness.insights.extras.report_extras), added as they are."""
    checked = [visit for visit in visits if visit.verdict is not None]
    report = {
        "checks": {
            **checks_section(checks, zone),
            "visits_with_outcome": len(visits),
            "visits_without_finished_check": len(visits) - len(checked),
        },
        "funnel": funnel(checks),
        "outcomes": outcomes_by_verdict(checked),
        "ready_held_on_video": held_on_video(v for v in checked if v.verdict == Verdict.READY),
        "limited_held_on_video": held_on_video(v for v in checked if v.verdict == Verdict.LIMITED),
        "not_ready_held_on_video": held_on_video(
            v for v in checked if v.verdict == Verdict.NOT_READY
        ),
        "bands": bands_section(checked),
    }
    report.update(extra_sections or {})
    return report
