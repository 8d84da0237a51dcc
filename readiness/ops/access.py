"""Who may read /metrics: addresses in READINESS_METRICS_ALLOW, or a bearer token. No Flask."""

import hmac
import ipaddress

DEFAULT_ALLOW = "127.0.0.0/8,::1"


def networks(setting: str) -> list:
    """The allow list: comma-separated addresses or networks ("10.0.0.0/8, ::1")."""
    return [
        ipaddress.ip_network(item.strip(), strict=False)
        for item in str(setting or "").split(",")
        if item.strip()
    ]


def address_allowed(address: str | None, allowed: list) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in allowed if network.version == ip.version)


def token_allowed(authorization: str | None, token: str | None) -> bool:
    """A configured token, sent as "Authorization: Bearer <token>"; compared in constant time."""
    if not token or not authorization:
        return False
    scheme, _, presented = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), str(token).encode())
