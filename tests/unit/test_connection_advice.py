from readiness.connection.advice import PHONE_AT_HAND, advice_keys


def test_each_piece_of_advice_comes_once_and_the_phone_comes_last():
    keys = advice_keys(["download_low", "jitter_high"])
    assert len(keys) == len(set(keys))
    assert keys[0] == "nearer_router" and "avoid_public_wifi" in keys
    assert keys[-1] == PHONE_AT_HAND


def test_a_blocked_transfer_suggests_another_network():
    assert advice_keys(["transfer_blocked"]) == ["other_network", PHONE_AT_HAND]


def test_a_good_connection_needs_no_advice():
    assert advice_keys([]) == []
