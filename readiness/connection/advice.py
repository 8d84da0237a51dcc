"""What a patient can do about each connection problem, in plain words."""

from flask_babel import lazy_gettext as _l

from ..checks import reasons
from ..checks.overall import NOT_READY

NEARER_ROUTER = "nearer_router"
PAUSE_DOWNLOADS = "pause_downloads"
PAUSE_UPLOADS = "pause_uploads"
SWITCH_NETWORK = "switch_network"
AVOID_PUBLIC_WIFI = "avoid_public_wifi"
WIRED = "wired"
GO_ONLINE = "go_online"
TRY_AGAIN = "try_again"
OTHER_NETWORK = "other_network"
PHONE_AT_HAND = "phone_at_hand"
PHONE_FOR_VISIT = "phone_for_visit"
PAUSE_HOUSEHOLD = "pause_household"
ROUTER_QOS = "router_qos"
FAST_ROUTE = "fast_route"
SLOW_ROUTE = "slow_route"
PLATFORM = "platform"

TEXTS = {
    NEARER_ROUTER: _l("Move closer to your Wi-Fi router, or into the same room."),
    PAUSE_DOWNLOADS: _l(
        "Pause downloads, streaming and online games on this device and on others at home "
        "during the visit."
    ),
    PAUSE_UPLOADS: _l(
        "Pause photo backups, cloud file syncing and other video calls while you test and "
        "during the visit."
    ),
    SWITCH_NETWORK: _l(
        "Try the other kind of connection: switch from Wi-Fi to mobile data, or the reverse, "
        "then test again."
    ),
    AVOID_PUBLIC_WIFI: _l(
        "Avoid public or shared Wi-Fi (café, library, hotel): it is often slow and less private."
    ),
    WIRED: _l("On a computer, plug a network cable into your router if you can."),
    GO_ONLINE: _l("Connect to Wi-Fi or turn on mobile data, then test again."),
    TRY_AGAIN: _l("Wait a minute, then test again."),
    OTHER_NETWORK: _l(
        "A work, school or hotel network, or security software, may block the visit. "
        "Try another network, such as your home Wi-Fi or mobile data."
    ),
    PAUSE_HOUSEHOLD: _l(
        "During the visit, ask others at home to pause streaming, games and large downloads, and "
        "pause cloud backups and photo syncing on every device."
    ),
    ROUTER_QOS: _l(
        "If you manage your router, turn on its quality of service setting (sometimes called "
        "QoS or smart queue) so that video calls go first."
    ),
    FAST_ROUTE: _l(
        "Your network blocks the fast route video calls use; the visit would use a slower one. "
        "Try another network, such as your home Wi-Fi or mobile data, then test again."
    ),
    SLOW_ROUTE: _l(
        "Video calls can usually still get through on a slower route, but the picture may be "
        "weaker. If you are on a work, school or hotel network, try your home Wi-Fi or mobile "
        "data, then test again."
    ),
    PLATFORM: _l(
        "This network seems to block the video service: try mobile data, or ask the network's "
        "owner (your workplace, school or building) to allow it."
    ),
    PHONE_AT_HAND: _l(
        "Keep your phone nearby during the visit: if the video stops, your care team will call you."
    ),
    PHONE_FOR_VISIT: _l("Keep your phone nearby: your care team will call you for the visit."),
}

BY_REASON = {
    reasons.DOWNLOAD_LOW: [NEARER_ROUTER, PAUSE_DOWNLOADS, SWITCH_NETWORK, WIRED],
    reasons.UPLOAD_LOW: [PAUSE_UPLOADS, NEARER_ROUTER, SWITCH_NETWORK],
    reasons.LATENCY_HIGH: [WIRED, NEARER_ROUTER, SWITCH_NETWORK, AVOID_PUBLIC_WIFI],
    reasons.JITTER_HIGH: [PAUSE_DOWNLOADS, AVOID_PUBLIC_WIFI, NEARER_ROUTER],
    reasons.SERVER_UNREACHABLE: [TRY_AGAIN, OTHER_NETWORK],
    reasons.OFFLINE: [GO_ONLINE],
    reasons.TIMEOUT: [NEARER_ROUTER, SWITCH_NETWORK, TRY_AGAIN],
    reasons.TRANSFER_BLOCKED: [OTHER_NETWORK],
    reasons.BUSY_NETWORK: [PAUSE_HOUSEHOLD, WIRED, ROUTER_QOS],
    reasons.UDP_BLOCKED: [FAST_ROUTE],
    reasons.PACKET_LOSS_HIGH: [WIRED, NEARER_ROUTER, PAUSE_DOWNLOADS, SWITCH_NETWORK],
    reasons.MEDIA_BLOCKED: [OTHER_NETWORK, SWITCH_NETWORK],
    reasons.MEDIA_UNREACHABLE: [SLOW_ROUTE, SWITCH_NETWORK],
    reasons.PLATFORM_BLOCKED: [PLATFORM],
}


def advice_keys(codes: list[str], verdict: str | None = None) -> list[str]:
    """The advice for these reasons, each once, most useful first; a phone at hand always ends
    the list when something is wrong (under "not ready", for a phone visit, not for a video
    that stops)."""
    keys: list[str] = []
    for code in codes:
        for key in BY_REASON.get(code, []):
            if key not in keys:
                keys.append(key)
    if codes:
        keys.append(PHONE_FOR_VISIT if verdict == NOT_READY else PHONE_AT_HAND)
    return keys


def advice(codes: list[str], verdict: str | None = None) -> list[str]:
    return [str(TEXTS[key]) for key in advice_keys(codes, verdict)]
