"""The media part of a connection result, which arrives after the result is shown.

The speed test's figures are judged and shown at once; the media-path check runs afterwards,
in the background of the device step, and its figures are added to the stored result when it
ends. Until then the result's media part is pending; the summary waits for it a few seconds,
and a part that never came (page closed, patient too quick) is left out: not counted at all.

Pure: no Flask, no database.
"""

PENDING = "pending"
MEASURED = "measured"
LEFT_OUT = "left_out"

# A speed test that failed this way still reached us: the call's packets may say why.
MEDIA_AFTER_FAILURE = ("timeout", "transfer_blocked")


def initial_status(fields: dict, media_enabled: bool) -> str | None:
    """The media status of a result just reported: pending when the check is still to run.
    A report that carries its own media part (an older page) is measured already."""
    if fields.get("media_route") is not None:
        return MEASURED
    if not media_enabled:
        return None
    failure = fields.get("failure")
    return PENDING if failure is None or failure in MEDIA_AFTER_FAILURE else None


class MediaPartRefused(ValueError):
    """Why a media part cannot be added: the code is for the browser, in English."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def accept(status: str | None, result_id: int, latest_id: int | None, completed: bool) -> None:
    """Raise MediaPartRefused unless the part is for the check's latest result, still waiting
    for it, in a check not finished yet (a finished check's verdict went out already)."""
    if latest_id is None or result_id != latest_id:
        raise MediaPartRefused("not_current")
    if completed:
        raise MediaPartRefused("check_finished")
    if status != PENDING:
        raise MediaPartRefused("not_pending")


def stored_fields(result) -> dict:
    """A stored result's figures, as readiness.connection.report.parse_report names them, for
    judging again once its media part is in."""
    names = (
        "download_mbps", "upload_mbps", "latency_ms", "jitter_ms", "failure",
        "loaded_latency_down_ms", "loaded_latency_up_ms", "media_route",
        "media_loss_up_percent", "media_loss_down_percent",
    )  # fmt: skip
    return {name: getattr(result, name) for name in names}
