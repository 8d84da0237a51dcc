"""The media part of the connection verdict: the route a call's packets took, and their loss.

Pure: no Flask, no database. Added to the connection verdict (the worst of both counts), so a
network that passes the speed test but drops UDP or loses packets is not called ready.
Thresholds and their sources: README, "The media path".
"""

from dataclasses import dataclass

from ..checks import reasons
from ..checks.overall import LIMITED, NOT_READY, READY, worst

# Routes where UDP did not get through: a call falls back to TCP or TLS, slower and choppier.
UDP_BLOCKED_ROUTES = {"tcp", "tls", "relay-tcp"}


@dataclass(frozen=True)
class MediaThresholds:
    ready_loss_percent: float = 5.0
    limited_loss_percent: float = 10.0

    @classmethod
    def from_config(cls, config) -> "MediaThresholds":
        return cls(
            ready_loss_percent=float(config["READY_PACKET_LOSS_PERCENT"]),
            limited_loss_percent=float(config["LIMITED_PACKET_LOSS_PERCENT"]),
        )


def packet_loss_percent(loss_up: float | None, loss_down: float | None) -> float | None:
    """The worse direction: a call needs both."""
    measured = [loss for loss in (loss_up, loss_down) if loss is not None]
    return max(measured) if measured else None


def media_verdict(
    route: str | None,
    loss_up_percent: float | None,
    loss_down_percent: float | None,
    thresholds: MediaThresholds,
) -> tuple[str | None, list[str]]:
    """(verdict, reason codes); (None, []) when the browser could not run the check."""
    if route is None:
        return None, []
    if route == "none":
        # No route to *our* media server: the patient's network may still carry the visit over
        # TCP/TLS 443, as Zoom falls back to, and the fault may be ours (see media_health).
        return LIMITED, [reasons.MEDIA_UNREACHABLE]
    verdict, found = READY, []
    if route in UDP_BLOCKED_ROUTES:
        verdict, found = LIMITED, [reasons.UDP_BLOCKED]
    loss = packet_loss_percent(loss_up_percent, loss_down_percent)
    if loss is not None and loss > thresholds.ready_loss_percent:
        found.append(reasons.PACKET_LOSS_HIGH)
        level = NOT_READY if loss > thresholds.limited_loss_percent else LIMITED
        verdict = worst(verdict, level)
    return verdict, found


def with_media(
    connection: tuple[str, list[str]], media: tuple[str | None, list[str]]
) -> tuple[str, list[str]]:
    """The connection verdict with the media part added: the worse of both, every reason."""
    verdict, found = connection
    media_level, media_reasons = media
    if media_level is None:
        return verdict, found
    return worst(verdict, media_level), found + [r for r in media_reasons if r not in found]
