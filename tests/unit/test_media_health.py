"""Our own media path: suspect only when many networks, none with a route, say so together."""

import pytest

from readiness.connection.media_health import judge, network_of


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("::ffff:203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:5:7:aa::1", "2001:db8:5:7::/64"),
        ("", None),
        ("not an address", None),
        (None, None),
    ],
)
def test_a_client_is_counted_by_its_slash_24_or_slash_64(address, network):
    assert network_of(address) == network


def test_n_routeless_checks_from_three_networks_are_our_fault():
    recent = [("none", f"n{i % 3}") for i in range(10)]
    assert judge(recent, checks=10) == "suspect"


def test_fewer_than_n_checks_or_fewer_than_three_networks_are_the_patients():
    assert judge([("none", f"n{i % 3}") for i in range(9)], checks=10) == "ok"
    assert judge([("none", f"n{i % 2}") for i in range(10)], checks=10) == "ok"
    assert judge([("none", None) for _ in range(10)], checks=10) == "ok"


def test_one_success_among_the_last_n_clears_it():
    recent = [("relay-tcp", "n9")] + [("none", f"n{i % 3}") for i in range(12)]
    assert judge(recent, checks=10) == "ok"
    # Older than the last N, a success no longer counts.
    recent = [("none", f"n{i % 3}") for i in range(10)] + [("udp", "n9")]
    assert judge(recent, checks=10) == "suspect"
