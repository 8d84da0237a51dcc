"""The video platform's own addresses (READINESS_PLATFORM_PROBES), and what their loading says.

Pure: no Flask. The connection test measures the path to *our* server; a school, work or
hospital network may still block the video platform's own domains (Zoom: *.zoom.us). The
operator lists a few small resources on those domains; the browser loads each with a short
timeout (static/js/platform.js) and reports whether any answered. None answering, when the test
reached us, gives the reason platform_blocked (video with limits).
"""

import json
from urllib.parse import urlsplit

from ..checks import reasons
from ..checks.overall import LIMITED, worst

MAX_PROBES = 8
MAX_URL_LENGTH = 500
# A failed test that never reached us says nothing about the platform: the device was offline,
# or nothing got through at all.
NOT_JUDGED_AFTER = {reasons.OFFLINE, reasons.SERVER_UNREACHABLE}


class PlatformProbeError(ValueError):
    """A probe address the operator must fix; the message says which and why."""


def parse_probes(value) -> tuple[str, ...]:
    """The probe URLs from the setting: a list, a JSON list, or URLs separated by commas or
    spaces. Each must be an absolute http(s) URL with a host, no user name and no fragment."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        text = value.strip()
        items = json.loads(text) if text.startswith("[") else text.replace(",", " ").split()
    else:
        items = list(value)
    urls = []
    for item in items:
        url = str(item).strip()
        parts = urlsplit(url)
        if len(url) > MAX_URL_LENGTH or parts.scheme not in ("http", "https") or not parts.hostname:
            raise PlatformProbeError(
                f"READINESS_PLATFORM_PROBES: {url[:80]!r} is not an https (or http) address "
                "with a host."
            )
        if parts.username or parts.password or parts.fragment or any(c in url for c in "'\"; "):
            raise PlatformProbeError(
                f"READINESS_PLATFORM_PROBES: {url[:80]!r} must not hold a user name, a fragment, "
                "quotes, semicolons or spaces."
            )
        if url not in urls:
            urls.append(url)
    if len(urls) > MAX_PROBES:
        raise PlatformProbeError(f"READINESS_PLATFORM_PROBES: at most {MAX_PROBES} addresses.")
    return tuple(urls)


def insecure_probes(urls) -> list[str]:
    """The probes a production page (served over HTTPS) could not load: plain http."""
    return [url for url in urls if urlsplit(url).scheme != "https"]


def probe_origins(urls) -> list[str]:
    """scheme://host[:port] of each probe, each once: what the CSP lets the page reach."""
    origins = []
    for url in urls:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins


def read_reachable(data: dict, probes_set: bool) -> bool | None:
    """The browser's platform_reachable: true, false or absent. Kept only when probes are set
    (a value without probes means nothing); raises ValueError for anything but a boolean."""
    value = data.get("platform_reachable")
    if value is not None and not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value if probes_set else None


def with_platform(
    connection: tuple[str, list[str]], reachable: bool | None, failure: str | None
) -> tuple[str, list[str]]:
    """The connection's (verdict, reasons), with platform_blocked when no probe answered."""
    verdict, codes = connection
    if reachable is not False or failure in NOT_JUDGED_AFTER:
        return verdict, codes
    return worst(verdict, LIMITED), [*codes, reasons.PLATFORM_BLOCKED]
