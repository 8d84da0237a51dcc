"""The measurement endpoints, /probe/...: no language, no session, no page around them.

The patient's browser and speedtest-cli measure the link to this server with them, so they do
as little as possible: stream bytes out, count bytes in, answer at once.
"""

from flask import Blueprint, current_app, request

from ..extensions import csrf, limiter
from ..ops.metrics import PROBE_TRANSFERS
from .origin import cors_headers
from .slots import TransferSlots

bp = Blueprint("probe", __name__, url_prefix="/probe")

# Nothing here changes state: the upload sink throws its bytes away.
csrf.exempt(bp)


def probe_rate_limit() -> str:
    return current_app.config["PROBE_RATE_LIMIT"]


limiter.limit(probe_rate_limit, per_method=False)(bp)


@bp.record_once
def make_transfer_slots(state) -> None:
    config = state.app.config
    state.app.extensions["probe_slots"] = TransferSlots(
        total=int(config["PROBE_MAX_TRANSFERS"]),
        per_client=int(config["PROBE_MAX_TRANSFERS_PER_CLIENT"]),
        on_change=PROBE_TRANSFERS.set,
    )


def transfer_slots() -> TransferSlots:
    return current_app.extensions["probe_slots"]


@bp.after_request
def allow_our_pages_only(response):
    """CORS for the pages' origin alone, when the probe runs on hosts of its own."""
    response.headers.update(
        cors_headers(request.headers.get("Origin"), current_app.config["PAGES_ORIGIN"])
    )
    response.vary.add("Origin")
    return response


@bp.before_request
def allow_large_uploads():
    """Uploads may be larger than a form; the sink counts them without keeping them."""
    request.max_content_length = current_app.config["PROBE_MAX_UPLOAD_BYTES"]


from . import media, views  # noqa: E402,F401
