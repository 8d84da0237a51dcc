"""A site's simultaneous HD visits from its clinicians' own checks, and the self-check's
status on the visit list: pure arithmetic, no app."""

from datetime import UTC, datetime, timedelta

import pytest

from readiness.clinic.self_check import (
    FINE,
    NONE,
    NOT_READY_STATUS,
    STALE,
    UNFINISHED,
    self_check_verdict,
    setup_status,
)
from readiness.clinic.site_capacity import (
    SelfCheckFigure,
    SiteNameError,
    clean_site_name,
    hd_rung,
    simultaneous_visits,
    site_capacities,
)
from readiness.connection.quality import DEFAULT_LADDER, parse_ladder

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
EVERY_DEVICE = {kind: {"status": "pass", "reason": None} for kind in (
    "camera", "microphone", "speakers", "browser")}  # fmt: skip


def figure(staff_id, site, upload, days_ago=1):
    return SelfCheckFigure(staff_id, site, upload, NOW - timedelta(days=days_ago))


def test_one_hd_visit_needs_the_ladders_hd_upload():
    assert hd_rung(DEFAULT_LADDER).upload_mbps == 1.5
    assert hd_rung(parse_ladder("hd_720p:2.5:2.5,standard:0.6:0.6")).upload_mbps == 2.5


def test_only_whole_visits_count():
    assert simultaneous_visits(4.4, 1.5) == 2
    assert simultaneous_visits(3.0, 1.5) == 2  # exactly two, not 1.999…
    assert simultaneous_visits(1.49, 1.5) == 0
    assert simultaneous_visits(0.0, 1.5) == 0
    with pytest.raises(ValueError):
        simultaneous_visits(10, 0)


def test_a_site_is_as_strong_as_its_lowest_recent_upload():
    rows = site_capacities(
        [
            figure(1, "Ottawa General", 40.0),
            figure(2, "Ottawa General", 9.2),
            figure(3, "Ottawa General", 1.0, days_ago=45),  # too old: does not count
            figure(4, "Clinique Hull", 3.1),
            figure(5, None, 0.5),  # no site: not in any row
        ],
        NOW,
    )
    assert [(row.site, row.clinicians, row.lowest_upload_mbps, row.hd_visits) for row in rows] == [
        ("Clinique Hull", 1, 3.1, 2),
        ("Ottawa General", 2, 9.2, 6),
    ]


def test_a_site_with_only_old_checks_says_nothing_of_its_capacity():
    (row,) = site_capacities([figure(1, "Ottawa General", 50.0, days_ago=31)], NOW)
    assert (row.clinicians, row.lowest_upload_mbps, row.hd_visits) == (0, None, None)


def test_a_different_ladder_changes_the_count():
    ladder = parse_ladder("hd_720p:3:3,low:0.15:0.15")
    (row,) = site_capacities([figure(1, "Site A", 9.2)], NOW, ladder)
    assert (row.hd_upload_mbps, row.hd_visits) == (3.0, 3)


def test_site_names_are_tidied_and_bounded():
    assert clean_site_name("  Ottawa   General ") == "Ottawa General"
    assert clean_site_name("   ") is None
    assert clean_site_name(None) is None
    with pytest.raises(SiteNameError):
        clean_site_name("x" * 81)
    with pytest.raises(SiteNameError):
        clean_site_name("Ottawa\x00General")


def test_the_self_check_needs_every_part_for_a_verdict():
    assert self_check_verdict(("ready", []), None).verdict is None
    assert self_check_verdict(None, EVERY_DEVICE).verdict is None
    assert self_check_verdict(("ready", []), EVERY_DEVICE).verdict == "ready"
    limited = self_check_verdict(("limited", ["upload_low"]), EVERY_DEVICE)
    assert (limited.verdict, limited.reasons) == ("limited", ["upload_low"])
    # A camera that fails rules video out before the rest is in.
    camera = {"camera": {"status": "fail", "reason": "permission_denied"}}
    assert self_check_verdict(None, camera).verdict == "not_ready"


@pytest.mark.parametrize(
    "verdict, days, status, reminder",
    [
        (None, None, NONE, True),
        ("ready", 2, FINE, False),
        ("limited", 30, FINE, False),
        ("ready", 31, STALE, True),
        ("not_ready", 0, NOT_READY_STATUS, True),
        (None, 0, UNFINISHED, True),
    ],
)
def test_the_visit_list_reminds_when_old_not_ready_unfinished_or_missing(
    verdict, days, status, reminder
):
    checked = None if days is None else NOW - timedelta(days=days, hours=1)
    found = setup_status(verdict, checked, NOW)
    assert (found.status, found.reminder) == (status, reminder)
    assert found.days_ago == days
