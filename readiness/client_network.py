"""Which client a per-address limit counts: an IPv4 address, or an IPv6 /64. Pure.

One IPv6 subscriber is routinely given a whole /64 (2^64 addresses), and picks a new address
in it at will; counting each address apart would give one client 2^64 allowances (security
review 3, F20). An IPv4 address seen as IPv6 (::ffff:192.0.2.1) counts as the IPv4 address.
"""

import ipaddress

IPV6_PREFIX = 64


def limit_key(address: str | None) -> str:
    """The key a per-client limit counts under, for a client address as the app sees it."""
    if not address:
        return "-"
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)
