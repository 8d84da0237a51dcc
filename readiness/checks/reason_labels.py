"""One plain sentence per reason code, for patients, desk staff and clinicians alike."""

from flask_babel import lazy_gettext as _l

from . import reasons

LABELS = {
    reasons.DOWNLOAD_LOW: _l("The download speed is too low for video."),
    reasons.UPLOAD_LOW: _l("The upload speed is too low to send video."),
    reasons.LATENCY_HIGH: _l("The connection is slow to respond (high latency)."),
    reasons.JITTER_HIGH: _l("The connection is unsteady (high jitter)."),
    reasons.SERVER_UNREACHABLE: _l("The test could not reach our server."),
    reasons.OFFLINE: _l("The device was not connected to the internet."),
    reasons.TIMEOUT: _l("The connection test took too long and stopped."),
    reasons.TRANSFER_BLOCKED: _l("Something on the network blocked the test (a proxy or filter)."),
    reasons.BUSY_NETWORK: _l(
        "The connection slows down a lot when it is busy: video may freeze while others at home "
        "stream or back up files."
    ),
    reasons.UDP_BLOCKED: _l(
        "The network blocks the fast route video calls use: the visit would take a slower one, "
        "with a weaker picture and more delay."
    ),
    reasons.PACKET_LOSS_HIGH: _l(
        "Part of the sound and picture was lost on the way (packet loss): the visit may break up."
    ),
    reasons.MEDIA_BLOCKED: _l(
        "The sound and picture of a video call do not get through this network."
    ),
    reasons.MEDIA_UNREACHABLE: _l(
        "The test's sound and picture found no route to our server: the visit may have to take "
        "a slower route, with a weaker picture and more delay."
    ),
    reasons.PLATFORM_BLOCKED: _l(
        "This network seems to block the video service itself: none of its test addresses "
        "could be reached."
    ),
    reasons.PERMISSION_DENIED: _l("The browser was not allowed to use the camera or microphone."),
    reasons.DEVICE_NOT_FOUND: _l("No camera or microphone was found."),
    reasons.DEVICE_BUSY: _l("The camera or microphone is being used by another app."),
    reasons.DEVICE_CONSTRAINTS: _l(
        "The camera or microphone could not give a usable picture or sound."
    ),
    reasons.INSECURE_PAGE: _l("The page was not opened over a secure connection."),
    reasons.BLACK_PICTURE: _l("The camera picture was black (lens covered or shutter closed)."),
    reasons.NO_SOUND: _l("The microphone did not pick up any voice."),
    reasons.NOT_HEARD: _l("The test sound was not heard through the speakers."),
    reasons.ECHO_NOT_HEARD: _l(
        "The microphone's test recording, played back, was heard badly or not at all."
    ),
    reasons.UNSUPPORTED_BROWSER: _l("This browser cannot run a video visit."),
    reasons.NO_CAMERA: _l("No camera on this device."),
    reasons.IN_APP_BROWSER: _l("The link was opened inside another app instead of a browser."),
    reasons.NOT_PRIVATE: _l("There is no private place to talk freely."),
    reasons.PUBLIC_WIFI: _l("The connection is a public or shared Wi-Fi."),
    reasons.NO_BACKUP_PHONE: _l("No phone is at hand in case the video stops."),
}


def label(code: str) -> str:
    return str(LABELS.get(code, code))


# A device check's name inside a sentence ("not tested yet: microphone, speakers").
DEVICE_NAMES = {
    "camera": _l("camera"),
    "microphone": _l("microphone"),
    "speakers": _l("speakers"),
    "browser": _l("browser"),
}


def device_names(kinds: list[str]) -> list[str]:
    return [str(DEVICE_NAMES.get(kind, kind)) for kind in kinds]


# "Not found" said of the one device it is about, where the kind is known.
NOT_FOUND = {
    "camera": _l("No camera was found."),
    "microphone": _l("No microphone was found."),
}


def device_label(kind: str, status: str, reason: str | None) -> str:
    """Why one device did not pass: a skipped camera is a camera the patient does not have."""
    if kind == "camera" and status == "skipped":
        return label(reasons.NO_CAMERA)
    if reason == reasons.DEVICE_NOT_FOUND and kind in NOT_FOUND:
        return str(NOT_FOUND[kind])
    return label(reason) if reason else ""
