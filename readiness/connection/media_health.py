"""Is our own media path working? The server watches the media checks it receives.

One patient with no route to our media server is that patient's network; many patients, on
different networks, all without a route, is our server (UDP ports closed by a firewall, no
address to offer, coturn down). Then the media part says nothing about the patient: it is left
out of new verdicts and staff see a banner until a media check succeeds again.

No Flask: takes a database session and plain values. Networks are compared as keyed hashes of
the client's /24 (IPv4) or /64 (IPv6), never stored in clear.
"""

import ipaddress

from sqlalchemy import select

from ..models import ConnectionResult

OK = "ok"
SUSPECT = "suspect"
DEFAULT_CHECKS = 10  # READINESS_MEDIA_HEALTH_CHECKS
MIN_NETWORKS = 3


def network_of(address: str | None) -> str | None:
    """The client's network: its /24 for IPv4, its /64 for IPv6; None for no address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def judge(
    recent: list[tuple[str, str | None]], checks: int = DEFAULT_CHECKS, min_networks=MIN_NETWORKS
) -> str:
    """recent: (route, network hash) of the latest media checks, newest first. Suspect when the
    last `checks` of them all found no route and came from at least `min_networks` networks."""
    last = recent[:checks]
    if len(last) < checks or any(route != "none" for route, _ in last):
        return OK
    networks = {network for _, network in last if network}
    return SUSPECT if len(networks) >= min_networks else OK


def recent_media_checks(session, checks: int = DEFAULT_CHECKS) -> list[tuple[str, str | None]]:
    """(route, network hash) of the latest connection results that ran the media check."""
    rows = session.execute(
        select(ConnectionResult.media_route, ConnectionResult.media_network)
        .where(ConnectionResult.media_route.is_not(None))
        .order_by(ConnectionResult.id.desc())  # the primary key: newest first, no sort
        .limit(checks)
    )
    return [(route, network) for route, network in rows]


def media_path_health(session, checks: int = DEFAULT_CHECKS) -> str:
    """ "ok" or "suspect" (our own media path looks broken), from the stored media checks."""
    checks = max(1, int(checks))
    return judge(recent_media_checks(session, checks), checks)
