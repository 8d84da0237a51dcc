"""Signalling for the media-path check: the browser posts its WebRTC offer, gets our answer.

The peer itself runs in readiness.connection.media_service, beside the workers' threads.
"""

import time
from concurrent.futures import TimeoutError as AnswerTimeout

from flask import current_app, jsonify, request

from .. import throttle
from ..connection.turn import ice_servers
from ..errors import json_error
from ..extensions import client_key
from ..stalled_clients import hang_up
from . import bp
from .views import uncached

MAX_OFFER_BYTES = 16 * 1024


def live_check():
    """The check this browser has under way (started, not finished, not erased), or None."""
    from ..patient.session_check import current_check

    check = current_check()
    if check is None or check.completed_at is not None or check.erased_at is not None:
        return None
    return check


@bp.route("/media/ice-servers")
def media_ice_servers():
    """Our TURN server with credentials that expire soon, fetched just before each check.

    Only for a browser with a check under way, a few times per check: credentials for our relay
    are not handed to anyone who asks (security review 3, F7).
    """
    config = current_app.config
    check = live_check()
    if check is None:
        return json_error(403, "no_check", "TURN credentials are for a check under way")
    if config["TURN_URLS"] and not (
        throttle.count(config["TURN_CREDENTIAL_LIMIT"], "turn-credentials", check.public_id)
        and throttle.count(config["TURN_ADDRESS_LIMIT"], "turn-address", client_key())
    ):
        return json_error(429, "rate_limited", "enough TURN credentials for now")
    servers = ice_servers(
        config["TURN_URLS"], config["TURN_SECRET"], time.time(), config["TURN_CREDENTIAL_SECONDS"]
    )
    return uncached(jsonify(ice_servers=servers))


@bp.route("/media/offer", methods=["POST"])
def media_offer():
    config = current_app.config
    if not config["MEDIA_CHECK_ENABLED"]:
        return json_error(404, "media_check_disabled", "the media-path check is turned off")
    if (request.content_length or 0) > MAX_OFFER_BYTES:
        return json_error(413, "too_large", f"the offer must be at most {MAX_OFFER_BYTES} bytes")
    # A chunked body has no Content-Length: cap what is read, not only what is announced
    # (the probe's 32 MiB upload limit let 30 MiB of JSON be parsed, review 3 F9). The rest
    # is never read: hang up, so that closing the connection does not wait for it.
    request.max_content_length = MAX_OFFER_BYTES + 1
    if len(request.get_data()) > MAX_OFFER_BYTES:
        sock = request.environ.get("gunicorn.socket")
        if sock is not None:
            hang_up(sock, discard_unsent=False)
        return json_error(413, "too_large", f"the offer must be at most {MAX_OFFER_BYTES} bytes")
    data = request.get_json(silent=True)
    sdp = data.get("sdp") if isinstance(data, dict) else None
    if not isinstance(sdp, str) or not sdp.startswith("v=0") or len(sdp) > MAX_OFFER_BYTES:
        return json_error(400, "invalid_offer", "sdp must be a WebRTC session description")
    # Imported here: aiortc takes a second to load, which no other page or command should pay.
    from ..connection import media_service

    addresses = [a.strip() for a in config["MEDIA_HOST_ADDRESSES"].split(",") if a.strip()]
    peers = media_service.service(
        config["MEDIA_MAX_PEERS"],
        config["MEDIA_PEER_SECONDS"],
        addresses,
        int(config["MEDIA_MAX_PEERS_PER_CLIENT"]),
        # The browser gives up after its connect timeout; the peer a little later.
        float(config["MEDIA_CONNECT_TIMEOUT_SECONDS"]) + 2,
    )
    try:
        answer = peers.answer(
            sdp, config["MEDIA_PUBLIC_ADDRESS"] or None, client=request.remote_addr or "-"
        )
    except media_service.ClientBusy:
        return json_error(429, "media_client_busy", "this address has media checks running")
    except media_service.MediaBusy:
        return json_error(503, "media_busy", "too many media checks at once; try again soon")
    except AnswerTimeout:
        return json_error(503, "media_timeout", "the media service did not answer in time")
    except ValueError:
        return json_error(400, "invalid_offer", "the offer could not be used")
    return uncached(jsonify(sdp=answer, type="answer"))
