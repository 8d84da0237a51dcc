from readiness.connection.advice import PHONE_AT_HAND, PHONE_FOR_VISIT, SLOW_ROUTE, advice_keys


def test_each_piece_of_advice_comes_once_and_the_phone_comes_last():
    keys = advice_keys(["download_low", "jitter_high"])
    assert len(keys) == len(set(keys))
    assert keys[0] == "nearer_router" and "avoid_public_wifi" in keys
    assert keys[-1] == PHONE_AT_HAND


def test_a_blocked_transfer_suggests_another_network():
    assert advice_keys(["transfer_blocked"]) == ["other_network", PHONE_AT_HAND]


def test_a_good_connection_needs_no_advice():
    assert advice_keys([]) == []


def test_under_not_ready_the_phone_is_for_the_visit_not_for_a_video_that_stops():
    assert advice_keys(["download_low"], "not_ready")[-1] == PHONE_FOR_VISIT
    assert advice_keys(["download_low"], "limited")[-1] == PHONE_AT_HAND


def test_no_route_to_our_media_server_says_a_slower_route_usually_works():
    assert advice_keys(["media_unreachable"]) == [SLOW_ROUTE, "switch_network", PHONE_AT_HAND]
