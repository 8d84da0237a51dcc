"""The insights' arithmetic and geometry, without an app: bands, funnel, charts, FHIR Encounter."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from readiness.handoff import fhir
from readiness.insights import charts
from readiness.insights.facts import CheckFact, Figures, VisitFact
from readiness.insights.report import band_of, build_report, funnel
from readiness.insights.stats import median, proportion, wilson_interval

ZONE = ZoneInfo("America/Toronto")
MONDAY = datetime(2026, 11, 30, 15, tzinfo=UTC)


def test_wilson_interval_at_the_edges_stays_within_zero_and_one():
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0
    assert wilson_interval(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)  # published value
    with pytest.raises(ValueError):
        wilson_interval(3, 2)
    assert proportion(0, 0) == {"held": 0, "recorded": 0, "share": None, "interval95": None}


def test_a_threshold_value_falls_in_the_band_above_it():
    assert band_of("download_mbps", Figures(download_mbps=10.0)) == "10-25"
    assert band_of("download_mbps", Figures(download_mbps=9.99)) == "5-10"
    assert band_of("download_mbps", Figures(download_mbps=250)) == "25+"
    assert band_of("packet_loss_percent", Figures()) == "unknown"
    assert band_of("media_route", Figures(media_route="relay-tcp")) == "relay-tcp"
    assert band_of("media_route", Figures(media_route="carrier-pigeon")) == "unknown"


def test_the_funnel_counts_the_furthest_step_and_the_share_lost():
    facts = [CheckFact(MONDAY, reached, None) for reached in (0, 1, 1, 6)]
    rows = {row["step"]: row for row in funnel(facts)}
    assert rows["started"] == {"step": "started", "count": 4, "lost_share": 0.0}
    assert rows["connection"]["lost_share"] == 0.25
    assert rows["devices"]["count"] == 1 and rows["devices"]["lost_share"] == pytest.approx(
        2 / 3, abs=1e-4
    )
    assert rows["done"]["count"] == 1 and rows["done"]["lost_share"] == 0.0


def test_visits_without_a_finished_check_and_uninformative_outcomes_are_left_out():
    visits = [
        VisitFact(MONDAY, "video", (), "ready"),
        VisitFact(MONDAY, "in_person", (), "ready"),
        VisitFact(MONDAY, "video", (), None),
    ]
    report = build_report([], visits, zone=ZONE, extra_sections={"media_path_health": "ok"})
    assert report["ready_held_on_video"]["recorded"] == 1
    assert report["outcomes"]["ready"]["in_person"] == 1
    assert report["checks"]["visits_without_finished_check"] == 1
    assert report["media_path_health"] == "ok"  # the hook for sections computed elsewhere


def test_the_weeks_are_counted_in_the_institution_zone():
    late_sunday = datetime(2026, 12, 7, 3, tzinfo=UTC)  # Sunday 22:00 in Toronto
    report = build_report([CheckFact(late_sunday, 6, "ready")], [], zone=ZONE)
    assert report["checks"]["per_week"][0]["week"] == "2026-W49"
    assert median([None, 3.0, 1.0, 2.0]) == 2.0


def test_charts_scale_to_a_round_maximum_and_draw_whiskers():
    chart = charts.stacked_bars([("w1", [("ready", 3), ("limited", 4)])], ("ready", "limited"))
    assert chart.ticks[-1][1] == 10
    first, second = chart.rows[0].segments
    assert second.x == pytest.approx(first.x + first.width)
    assert first.width == pytest.approx(charts.PLOT * 0.3)
    shares = charts.share_bars([("ready", 0.8, [0.3755, 0.9638]), ("limited", None, None)])
    low, high = shares.rows[0].interval
    assert low == pytest.approx(charts.LABEL_WIDTH + charts.PLOT * 0.3755)
    assert shares.rows[1].segments == []


@pytest.mark.parametrize(
    "outcome, status, kind",
    [("video", "finished", "VR"), ("no_show", "cancelled", "VR"), ("in_person", "finished", "AMB")],
)
def test_the_encounter_says_how_the_visit_went(outcome, status, kind):
    appointment = {
        "invitation_id": "5d2d4b8e-1111-4c3b-9a28-17f6e5d4c3b2",
        "appointment_ref": "APPT-9",
        "appointment_at": "2026-12-01T19:30:00+00:00",
        "visit_outcome": {"outcome": outcome, "trouble": ["audio"], "note": None},
    }
    bundle = fhir.build_bundle(
        base=fhir.DEFAULT_BASE,
        bundle_id="6f1c2a9e-5b4d-4c3b-9a28-17f6e5d4c3b2",
        timestamp="2026-12-01T20:00:00+00:00",
        event="visit.outcome_recorded",
        check=None,
        appointment=appointment,
    )
    encounter = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"
    )
    assert (encounter["status"], encounter["class"]["code"]) == (status, kind)
    assert encounter["type"][0]["coding"][0]["code"] == f"visit-outcome-{outcome}"
