"""CSRF: Flask-WTF's token, plus a same-origin check that works over HTTP and HTTPS alike.

Flask-WTF's own strict check (WTF_CSRF_SSL_STRICT) wants a Referer on every secure POST. Our
pages used to send none (`Referrer-Policy: no-referrer`), so over HTTPS every form was refused.
Now the pages send `Referrer-Policy: same-origin` (the full address, invitation tokens included,
only ever goes back to this site) and this check reads `Origin` first, the Referer second.
"""

from urllib.parse import urlsplit

from flask import request
from flask_wtf import CSRFProtect

# Browsers send "null" for an opaque origin (a privacy setting, a sandboxed frame): it says
# nothing either way, so the token alone decides, as for a client that sends no Origin at all.
OPAQUE_ORIGIN = "null"


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, lower-cased, default ports dropped; '' if not a URL."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return ""
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return ""
    if port is None or (scheme, port) in {("http", 80), ("https", 443)}:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def request_origin() -> str:
    """Where the browser says the form came from: Origin, else the Referer; '' if neither."""
    origin = request.headers.get("Origin", "").strip()
    if origin and origin != OPAQUE_ORIGIN:
        return origin_of(origin) or origin
    return origin_of(request.referrer or "")


class SameOriginCSRF(CSRFProtect):
    """The token must be valid, and a form sent from another site is refused."""

    def protect(self, apply_exemptions=False):
        super().protect(apply_exemptions)
        came_from = request_origin()
        if came_from and came_from != origin_of(request.host_url):
            self._error_response("The form was sent from another site.")
