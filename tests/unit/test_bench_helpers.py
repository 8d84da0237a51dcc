"""The bench's arithmetic (make bench itself needs root and minutes; it is not in the suite)."""

from pathlib import Path

import pytest

from bench.browser import phase_bounds, phase_seconds
from bench.counters import transmitted
from bench.figures import (
    burst_bytes,
    bytes_for_seconds,
    bytes_ratio,
    counter_between,
    direction_seconds_target,
    error_percent,
    goodput_ceiling,
    judging_reference,
    mbit_per_second,
    median,
    parallel_steady_goodput,
    percentile,
    spread_percent,
    steady_goodput,
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
        {"text": "Step 1 of 4: checking…", "t": 1000.0},
        {"text": "Step 2 of 4: download…", "t": 1500.0},
        {"text": "Step 3 of 4: upload…", "t": 6500.0},
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


def test_loaded_latency_is_judged_against_the_queue_the_link_really_held():
    from bench.loaded import judge

    run = {"idle_ms": 2.0, "loaded_down_ms": 100.0, "loaded_up_ms": 60.0}
    held = judge({**run, "queue_down_ms": 90.0, "queue_up_ms": 45.0}, queue_ms=200)
    assert (held["increase_down_ms"], held["down_ok"], held["up_ok"]) == (98.0, True, True)
    missed = judge({**run, "queue_down_ms": 190.0, "queue_up_ms": 45.0}, queue_ms=200)
    assert missed["down_ok"] is False  # 98 ms against 190 ms held: outside 20 %
    short = judge({"idle_ms": 1.0, "loaded_down_ms": 8.0, "loaded_up_ms": 14.0}, queue_ms=2)
    assert (short["down_ok"], short["up_ok"]) == (True, False)


def arrivals(rate_mbit: float, start: float, seconds: float, step: float = 0.01) -> list:
    """(time, bytes so far) for bytes arriving at a steady rate, one point per step."""
    per_step = rate_mbit * 1_000_000 / 8 * step
    return [(start + i * step, round(per_step * i)) for i in range(1, round(seconds / step) + 1)]


def test_steady_goodput_leaves_out_the_ramp_and_a_burst_inside_it():
    burst = [(0.0, 2_000_000)]  # a first bucket's worth at once, inside the ramp
    steady = [(t, n + 2_000_000) for t, n in arrivals(8, 0.0, 6)]
    assert steady_goodput(burst + steady, ramp_s=1.5) == pytest.approx(8, rel=0.005)
    assert mbit_per_second(steady[-1][1], 6) > 10  # the whole transfer reads high


def test_steady_goodput_needs_a_second_after_the_ramp():
    assert steady_goodput(arrivals(8, 0.0, 2.4), ramp_s=1.5) is None
    assert steady_goodput([], ramp_s=1.5) is None


def test_parallel_streams_are_summed_while_every_one_still_runs():
    # Four streams of 2.5 Mbit/s each; one ends at 4 s, the others run on alone after it at a
    # rate that would bias the sum if the window ran to the last byte.
    short = arrivals(2.5, 0.0, 4)
    moved = short[-1][1]
    longer = short + [(4 + t, moved + n) for t, n in arrivals(1, 0.0, 4)]
    summed = parallel_steady_goodput([short, longer, longer, longer], ramp_s=1.5)
    assert summed == pytest.approx(10, rel=0.01)
    assert parallel_steady_goodput([short, []], ramp_s=1.5) is None


def test_spread_is_the_range_over_the_mean_in_percent():
    assert spread_percent([9.8, 10.0, 10.2]) == pytest.approx(4)
    assert spread_percent([10.0]) is None
    assert spread_percent([10.0, None]) is None


def test_a_counter_between_two_moments_is_interpolated_from_its_samples():
    samples = [(100.0, 0), (100.1, 1_000), (100.2, 3_000)]
    assert counter_between(samples, 100.05, 100.15) == 1_500
    assert counter_between(samples, 100.0, 100.2) == 3_000
    assert counter_between(samples, 99.0, 100.2) is None  # before the first sample


def test_tun_transmit_counter_is_read_from_proc_net_dev():
    text = (
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets\n"
        "    lo:     100       1    0    0    0     0          0         0      100       1"
        "    0    0    0     0       0          0\n"
        " rbtun: 5000 10 0 0 0 0 0 0 123456 80 0 0 0 0 0 0\n"
    )
    assert transmitted(text) == 123_456


def test_phase_bounds_end_the_upload_where_the_media_path_starts_on_the_wall_clock():
    phases = [
        {"text": "Step 1 of 4: checking…", "t": 1000.0, "epoch_ms": 5_001_000.0},
        {"text": "Step 2 of 4: download…", "t": 1500.0, "epoch_ms": 5_001_500.0},
        {"text": "Step 3 of 4: upload…", "t": 6500.0, "epoch_ms": 5_006_500.0},
        {"text": "Step 4 of 4: checking the route…", "t": 9500.0, "epoch_ms": 5_009_500.0},
    ]
    bounds = phase_bounds(phases, 5_014_000.0, key="epoch_ms")
    assert bounds["download"] == (5_001_500.0, 5_006_500.0)
    assert bounds["upload"] == (5_006_500.0, 5_009_500.0)
    assert phase_seconds(phases, 14_000.0)["media"] == 4.5


def test_a_lossy_link_is_judged_against_as_many_streams_as_the_check_opens():
    assert judging_reference(9.5, 9.6) == 9.5
    assert judging_reference(3.1, 18.7, loss_percent=2) == 18.7
    assert judging_reference(18.7, None, loss_percent=2) == 18.7


def test_the_whole_step_is_timed_from_the_click_on_start_to_the_result_shown():
    from bench.browser import step_seconds
    from bench.figures import step_seconds_target

    page = {"clicked_epoch_ms": 1_000_000.0, "done_epoch_ms": 1_008_420.0, "done_ms": 8000.0}
    assert step_seconds(page) == 8.42
    assert step_seconds({"clicked_epoch_ms": 1.0, "done_epoch_ms": None}) is None
    assert step_seconds_target(10) == 9 and step_seconds_target(40) == 9
    assert step_seconds_target(4) == 14
    # The bound holds on links of up to 60 ms round trip; past that the step has none.
    assert step_seconds_target(10, 60) == 9 and step_seconds_target(4, 60) == 14
    assert step_seconds_target(10, 150) is None


def test_the_step_line_counts_only_rows_the_bound_applies_to():
    from bench.report import step_cell, step_line

    def outcome(rtt_ms, seconds):
        shape = {"down_mbit": 10, "rtt_ms": rtt_ms}
        return {"shape": shape, "runs": [{"step_seconds": seconds}]}

    line = step_line([outcome(20, 8.4), outcome(60, 9.5), outcome(600, 30.0)])
    assert "1/2 runs" in line
    assert step_cell(30.0, 10, 600) == "30.0 n/a"
    assert step_cell(8.4, 10, 20) == "8.4 ok"


def test_a_row_spec_may_name_a_deep_queue():
    from bench.link import tbf_command
    from bench.namespace import Namespace

    deep = parse_row("4@20q200")
    assert deep == Shape(4, 4, rtt_ms=20, queue_ms=200)
    assert deep.tbf_latency == "200ms" and parse_row("4@20").tbf_latency == "50ms"
    assert parse_row("5/1@20+1q150") == Shape(5, 1, rtt_ms=20, loss_percent=1, queue_ms=150)
    assert deep.name() == "4 Mbit/s, 20 ms, queue 200 ms"
    command = tbf_command(Namespace("x"), 4, deep.tbf_latency)
    assert command[command.index("latency") + 1] == "200ms"
    with pytest.raises(ValueError, match="queue"):
        parse_row("4@20q0")
    assert {"1@20q200", "3@20q200", "5/1@20q200"} <= {s for s, _ in parse_rows("all")}


def test_the_slow_end_is_held_to_one_percent_without_loss():
    from bench.figures import accuracy_for

    assert accuracy_for(1) == accuracy_for(5) == 1.0
    assert accuracy_for(5.01) == 2.0
    assert accuracy_for(3, loss_percent=2) == 5.0


def test_cloudflare_s_time_per_direction_adds_up_its_spans_between_changes_of_type():
    from bench.figures import phase_spans, spans_seconds

    marks = [
        {"type": "latency", "epoch_ms": 0},
        {"type": "download", "epoch_ms": 100},
        {"type": "latency", "epoch_ms": 1100},
        {"type": "upload", "epoch_ms": 1200},
        {"type": "download", "epoch_ms": 3200},
    ]
    spans = phase_spans(marks, 4700)
    assert spans["download"] == [(100, 1100), (3200, 4700)]
    assert spans_seconds(spans["download"]) == 2.5
    assert spans_seconds(spans["upload"]) == 2.0
    assert spans_seconds(spans.get("packetLoss", [])) == 0


def test_cloudflare_s_summary_in_the_bench_s_units():
    from bench.cloudflare import summarise

    found = {
        "summary": {"download": 2_970_000, "upload": 2_930_000, "latency": 20.5,
                    "downLoadedLatency": 28.1, "upLoadedLatency": 27.5},
        "marks": [{"type": "download", "epoch_ms": 1000}, {"type": "upload", "epoch_ms": 4000}],
        "began_epoch_ms": 500,
        "done_epoch_ms": 6000,
    }  # fmt: skip
    outcome = summarise(found, None)
    assert outcome["download_mbps"] == 2.97 and outcome["upload_mbps"] == 2.93
    assert outcome["seconds"] == {"download": 3.0, "upload": 2.0, "latency": 0}
    assert outcome["total_seconds"] == 5.5
    assert outcome["loaded_latency_ms"] == {"download": 28.1, "upload": 27.5}


def test_ours_against_a_peer_every_run_as_accurate_and_faster():
    from bench.figures import as_accurate_and_faster

    assert as_accurate_and_faster([-0.4, 0.6], [5.0, 5.2], 3.6, 25.1) == {
        "accurate": True, "faster": True}  # fmt: skip
    # As shown (0.1 %), equal errors count as accurate; one slower run is not faster.
    assert as_accurate_and_faster([-2.04], [7.0], 2.0, 7.0) == {"accurate": True, "faster": False}
    assert as_accurate_and_faster([-1.7], [6.0], 0.5, 19.0)["accurate"] is False
    assert as_accurate_and_faster([], [], 1.0, 10.0) == {"accurate": False, "faster": False}


def test_the_bench_serves_the_probe_with_the_deployed_site_s_own_locations(tmp_path):
    from bench.nginx import DEPLOY_SITE, DEPLOYED_PORT, config_text, deployed_block

    block = deployed_block(tmp_path, "127.0.0.1", "127.0.0.1:8010")
    assert "limit_req" not in block
    assert f"alias {tmp_path}/www/probe-bytes/;" in block
    assert "proxy_request_buffering off;" in block and "internal;" in block
    assert f"listen 127.0.0.1:{DEPLOYED_PORT};" in block
    assert "/var/lib/readiness/probe-bytes/" in DEPLOY_SITE.read_text()
    text = config_text(tmp_path, "127.0.0.1", 8081, 2, 100, deployed=block)
    assert text.count("server {") == 2 and text.count("{") == text.count("}")


def test_capacity_load_behind_nginx_reads_part_of_the_browser_s_download():
    from bench.capacity import BROWSER_DOWNLOAD_BYTES, LOAD_BYTES, LoadClient
    from bench.namespace import Namespace

    ranged = LoadClient(Namespace("x"), "http://10.80.1.1:8082", Path("/b"), ranged=True)
    command = ranged.command()
    assert f"0-{LOAD_BYTES - 1}" in command
    assert f"http://10.80.1.1:8082/probe/download?bytes={BROWSER_DOWNLOAD_BYTES}" in command
    ranged.transfers = [(1.0, "206", LOAD_BYTES, 0, 4.0)] * 3 + [(2.0, "200", 0, LOAD_BYTES, 4.0)]
    found = ranged.goodputs(0, 10)
    assert found["failed"] == 0 and len(found["download"]) == 1 and len(found["upload"]) == 1


def test_on_a_row_too_far_ours_failing_clearly_beats_a_wrong_figure_if_sooner():
    from bench.report import peers_table

    def outcome(ours_ms, cf_total):
        return {
            "spec": "10@600",
            "shape": {"rtt_ms": 600, "down_mbit": 10, "up_mbit": 10},
            "reference": {"best_mbps": {"download": 8.5, "upload": 8.5}},
            "runs": [{"run": 1, "failure": "latency_high", "duration_ms": ours_ms, "seconds": {}}],
            "cloudflare": {"download_mbps": 0.67, "upload_mbps": 5.6, "total_seconds": cf_total,
                           "seconds": {"download": 11.8, "upload": 17.6}},
        }  # fmt: skip

    text = peers_table([outcome(2450, 56.1)])
    assert "not at least as accurate" not in text and "not faster" not in text
    assert "10@600 download: ours is not faster" in peers_table([outcome(60_000, 56.1)])
