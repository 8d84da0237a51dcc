"""The media-path table's arithmetic: loss intervals, the verdict's odds, the RTT target."""

import pytest

from bench.figures import (
    binomial_cdf,
    chance_of_band,
    loss_band,
    loss_consistent,
    loss_interval,
    media_rtt_within,
    packets_to_tell_apart,
)


def test_binomial_cdf_adds_the_probabilities_up_to_k():
    assert binomial_cdf(0, 2, 0.5) == pytest.approx(0.25)
    assert binomial_cdf(1, 2, 0.5) == pytest.approx(0.75)
    assert binomial_cdf(2, 2, 0.5) == 1.0
    assert binomial_cdf(-1, 2, 0.5) == 0.0


def test_the_loss_interval_is_clopper_pearsons_exact_one():
    # Published values: 3 of 100 -> 0.0062-0.0852; 0 of 100 -> 0-0.0362; 10 of 100 -> 0.049-0.176.
    low, high = loss_interval(3, 100)
    assert (low, high) == (pytest.approx(0.623, abs=0.005), pytest.approx(8.518, abs=0.005))
    assert loss_interval(0, 100) == (0.0, pytest.approx(3.622, abs=0.005))
    low, high = loss_interval(10, 100)
    assert (low, high) == (pytest.approx(4.90, abs=0.01), pytest.approx(17.62, abs=0.01))
    assert loss_interval(100, 100) == (pytest.approx(96.378, abs=0.005), 100.0)
    with pytest.raises(ValueError):
        loss_interval(5, 0)


def test_a_link_losing_three_percent_is_judged_fairly_on_a_hundred_packets():
    assert loss_consistent(3, 1, 100)  # one lost: still consistent with 3 %
    assert loss_consistent(3, 7, 100)
    assert not loss_consistent(3, 8, 100)  # eight lost is too many for 3 %
    assert loss_consistent(0, 0, 100)
    assert not loss_consistent(0, 4, 100)  # a lossless link losing four: something else lost them
    assert not loss_consistent(12, 3, 100)


def test_the_loss_bands_follow_the_apps_thresholds():
    assert loss_band(5, 5, 10) == "ready"  # over 5 % limits video, not at it
    assert loss_band(5.01, 5, 10) == "limited"
    assert loss_band(10, 5, 10) == "limited"
    assert loss_band(12, 5, 10) == "not_ready"


def test_the_chance_of_the_right_band_reflects_how_few_packets_the_check_sends():
    assert chance_of_band(0, 100, 5, 10) == 1.0
    # 6 % each way: the worse of two directions of 100 reads over 5 % three times in four.
    assert chance_of_band(6, 100, 5, 10) == pytest.approx(0.732, abs=0.005)
    assert chance_of_band(3, 100, 5, 10) == pytest.approx(0.845, abs=0.005)
    assert chance_of_band(30, 100, 5, 10) == pytest.approx(1.0, abs=1e-6)
    # More packets, better odds: 1000 each way tell 3 % from 5 % almost always.
    assert chance_of_band(3, 1000, 5, 10) > 0.99


def test_telling_a_loss_from_a_threshold_takes_more_packets_the_closer_it_is():
    assert packets_to_tell_apart(6, 5) == 2167
    assert packets_to_tell_apart(12, 10) == 1015
    assert packets_to_tell_apart(20, 10) < 100
    assert packets_to_tell_apart(0, 5) is None


def test_the_media_round_trip_may_be_off_by_five_ms_or_five_percent():
    assert media_rtt_within(4.9, 0)
    assert not media_rtt_within(5.1, 0)
    assert media_rtt_within(157, 150)  # 5 % of 150 is 7.5 ms
    assert not media_rtt_within(158, 150)
    assert media_rtt_within(36, 40) and not media_rtt_within(34, 40)
