"""The bench's arithmetic (make bench itself needs root and minutes; it is not in the suite)."""

import pytest

from bench.browser import phase_seconds
from bench.figures import (
    burst_bytes,
    bytes_for_seconds,
    bytes_ratio,
    direction_seconds_target,
    error_percent,
    goodput_ceiling,
    mbit_per_second,
    median,
    percentile,
    within_accuracy,
)
from bench.link import Shape
from bench.rows import parse_row, parse_rows


def test_burst_is_ten_packets_on_slow_links_and_ten_milliseconds_on_fast_ones():
    assert burst_bytes(1) == 15_000
    assert burst_bytes(10) == 15_000
    assert burst_bytes(20) == 25_000
    assert burst_bytes(100) == 125_000


def test_reference_transfer_is_sized_for_its_duration_at_the_rate():
    assert bytes_for_seconds(10, 8) == 10_000_000
    assert mbit_per_second(10_000_000, 8) == pytest.approx(10)


def test_no_goodput_can_exceed_the_payload_share_of_a_full_size_segment():
    assert goodput_ceiling(100) == pytest.approx(95.64, abs=0.01)


def test_error_is_signed_percent_of_the_reference():
    assert error_percent(9.5, 10) == pytest.approx(-5)
    assert error_percent(10.3, 10) == pytest.approx(3)
    assert within_accuracy(9.8, 10)
    assert not within_accuracy(9.79, 10)


def test_a_lossy_link_allows_five_percent():
    assert within_accuracy(9.5, 10, loss_percent=2)
    assert not within_accuracy(9.49, 10, loss_percent=0.5)


def test_bytes_ratio_compares_the_link_counter_with_rate_times_time():
    assert bytes_ratio(6_000_000, 10, 4) == pytest.approx(1.2)
    assert bytes_ratio(1, 10, 0) is None


def test_percentile_interpolates_between_ranks_like_numpy():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([7], 99) == 7
    assert median([3, 1, 2]) == 2
    with pytest.raises(ValueError):
        percentile([], 50)


def test_direction_may_take_longer_below_the_guidance():
    assert direction_seconds_target(5) == 7
    assert direction_seconds_target(10) == 4


def test_phase_seconds_run_from_each_step_to_the_next_and_the_last_to_the_result():
    phases = [
        {"text": "Step 1 of 3: checking…", "t": 1000.0},
        {"text": "Step 2 of 3: download…", "t": 1500.0},
        {"text": "Step 3 of 3: upload…", "t": 6500.0},
    ]
    assert phase_seconds(phases, 10_000.0) == {"latency": 0.5, "download": 5.0, "upload": 3.5}
    assert phase_seconds(phases[:1], None) == {}


def test_a_row_spec_names_rates_each_way_round_trip_and_loss():
    assert parse_row("25/3@40") == Shape(25, 3, rtt_ms=40)
    assert parse_row("20@40+0.5") == Shape(20, 20, rtt_ms=40, loss_percent=0.5)
    assert parse_row("10@600").one_way_us == 300_000
    with pytest.raises(ValueError, match="DOWN"):
        parse_row("10 Mbit")


def test_named_row_sets_expand_and_mix_with_specs():
    specs = [spec for spec, _ in parse_rows("quick,1@0")]
    assert specs[-1] == "1@0" and "10@600" in specs
