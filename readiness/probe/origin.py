"""Where the browser measures: this site, or the probe's own hosts. Pure: no Flask.

READINESS_PROBE_BASE_URL (on the pages' hosts) points the browser at the probe's hosts, e.g.
https://probe.example.org; READINESS_PAGES_ORIGIN (on the probe's hosts) names the one origin
whose pages may read the probe's answers (CORS). Unset, everything stays on one origin.
"""

from urllib.parse import urlsplit


def probe_base_url(config) -> str:
    return str(config.get("PROBE_BASE_URL") or "").rstrip("/")


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, or "" for none."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def cors_headers(request_origin: str | None, pages_origin: str) -> dict[str, str]:
    """The headers that let our own pages, and no other origin, read the probe's answers."""
    if not pages_origin or request_origin != pages_origin.rstrip("/"):
        return {}
    return {
        "Access-Control-Allow-Origin": request_origin,
        "Access-Control-Allow-Methods": "GET, POST",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Expose-Headers": "Server-Timing",
        "Access-Control-Max-Age": "600",
        # Resource timing (the latency's server-side start) across origins.
        "Timing-Allow-Origin": request_origin,
    }
