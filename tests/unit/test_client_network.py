"""Per-client limits count an IPv4 address, or a whole IPv6 /64."""

from readiness.client_network import limit_key


def test_every_address_of_one_ipv6_64_counts_as_one_client():
    assert limit_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert limit_key("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64"
    assert limit_key("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert limit_key("fe80::1%eth0") == "fe80::/64"


def test_ipv4_counts_per_address_even_when_seen_as_ipv6():
    assert limit_key("192.0.2.7") == "192.0.2.7"
    assert limit_key("::ffff:192.0.2.7") == "192.0.2.7"


def test_an_unreadable_or_missing_address_is_kept_as_it_is():
    assert limit_key(None) == "-"
    assert limit_key("unix:/run/gunicorn.sock") == "unix:/run/gunicorn.sock"
