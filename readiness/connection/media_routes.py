"""The route a call's packets took, in words for patients, desk staff and clinicians."""

from flask_babel import lazy_gettext as _l

ROUTE_LABELS = {
    "udp": _l("Direct, the fast route (UDP)"),
    "relay-udp": _l("Through a relay server (UDP)"),
    "relay-tcp": _l("Through a relay server, the slower route (TCP)"),
    "tcp": _l("The slower route (TCP)"),
    "tls": _l("The slower route (TLS)"),
    "none": _l("No route got through"),
}


def route_label(route: str | None) -> str:
    if route is None:
        return "–"
    return str(ROUTE_LABELS.get(route, route))
