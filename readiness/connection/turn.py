"""Short-lived TURN credentials, as coturn's REST API scheme expects them. Pure.

coturn (use-auth-secret, static-auth-secret=S) accepts a username "<expiry>:<name>", where
expiry is a Unix time, and the password base64(HMAC-SHA1(S, username)), until that time.
"""

import base64
import hashlib
import hmac


def turn_credentials(secret: str, now: float, lifetime_seconds: int, name: str = "readiness"):
    """(username, password) valid for lifetime_seconds from now."""
    username = f"{int(now) + int(lifetime_seconds)}:{name}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(urls: str, secret: str, now: float, lifetime_seconds: int) -> list[dict]:
    """The browser's RTCIceServer list: our TURN server with fresh credentials, or nothing.

    Never a public STUN server: a patient's browser contacts no third party.
    """
    url_list = [url.strip() for url in (urls or "").split(",") if url.strip()]
    if not url_list or not secret:
        return []
    username, password = turn_credentials(secret, now, lifetime_seconds)
    return [{"urls": url_list, "username": username, "credential": password}]
