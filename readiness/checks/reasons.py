"""Reason codes: why a part of the check did not pass.

One vocabulary for the whole product: the verdict and the device checks produce these codes,
the patient pages turn them into advice, the support desk into scripts, the handoff into
payloads. Codes are stable: add new ones, never rename.
"""

from ..vocabulary import ReasonFamily

# The connection test (readiness.verdict and the browser's failure modes).
DOWNLOAD_LOW = "download_low"
UPLOAD_LOW = "upload_low"
LATENCY_HIGH = "latency_high"
JITTER_HIGH = "jitter_high"
SERVER_UNREACHABLE = "server_unreachable"
OFFLINE = "offline"
TIMEOUT = "timeout"
TRANSFER_BLOCKED = "transfer_blocked"  # a proxy or filter that stops large transfers
BUSY_NETWORK = "busy_network"  # latency rises too much while the link is busy (bufferbloat)
# The media path (readiness.connection.media_verdict).
UDP_BLOCKED = "udp_blocked"  # a call's packets got through only over TCP or TLS
PACKET_LOSS_HIGH = "packet_loss_high"
# No route at all for a call's packets. Kept for checks stored before media_unreachable: a
# missing route to *our* server no longer rules video out (Zoom falls back to TCP/TLS 443).
MEDIA_BLOCKED = "media_blocked"
MEDIA_UNREACHABLE = "media_unreachable"  # no route to our media server: video with limits
# None of the video platform's own resources (READINESS_PLATFORM_PROBES) loaded: the network
# seems to block the platform itself, though it reached us (video with limits).
PLATFORM_BLOCKED = "platform_blocked"

CONNECTION = (
    DOWNLOAD_LOW,
    UPLOAD_LOW,
    LATENCY_HIGH,
    JITTER_HIGH,
    SERVER_UNREACHABLE,
    OFFLINE,
    TIMEOUT,
    TRANSFER_BLOCKED,
    BUSY_NETWORK,
    UDP_BLOCKED,
    PACKET_LOSS_HIGH,
    MEDIA_BLOCKED,
    MEDIA_UNREACHABLE,
    PLATFORM_BLOCKED,
)

# Camera and microphone (getUserMedia errors and what the page notices).
PERMISSION_DENIED = "permission_denied"
DEVICE_NOT_FOUND = "device_not_found"
DEVICE_BUSY = "device_busy"
DEVICE_CONSTRAINTS = "device_constraints"  # cannot give the requested picture or sound
INSECURE_PAGE = "insecure_page"
BLACK_PICTURE = "black_picture"
NO_SOUND = "no_sound"  # microphone: no speech-level sound before the timeout
NOT_HEARD = "not_heard"  # speakers: the patient did not hear the test sound
# Microphone: the patient heard their own 3-second recording badly or not at all (muffled
# headset, wrong input) although the level meter moved: video with limits.
ECHO_NOT_HEARD = "echo_not_heard"
UNSUPPORTED_BROWSER = "unsupported_browser"
IN_APP_BROWSER = "in_app_browser"
# The patient said "I do not have a camera": the camera was skipped. Recorded on the device
# result as DEVICE_NOT_FOUND (as before); the overall result names it so that the microphone,
# tested on its own, is not said to be missing.
NO_CAMERA = "no_camera"

DEVICES = (
    PERMISSION_DENIED,
    DEVICE_NOT_FOUND,
    DEVICE_BUSY,
    DEVICE_CONSTRAINTS,
    INSECURE_PAGE,
    BLACK_PICTURE,
    NO_SOUND,
    NOT_HEARD,
    ECHO_NOT_HEARD,
    UNSUPPORTED_BROWSER,
    IN_APP_BROWSER,
    NO_CAMERA,
)

# The patient's own checklist.
NOT_PRIVATE = "not_private"
PUBLIC_WIFI = "public_wifi"
NO_BACKUP_PHONE = "no_backup_phone"

SETTING = (NOT_PRIVATE, PUBLIC_WIFI, NO_BACKUP_PHONE)

ALL = CONNECTION + DEVICES + SETTING

FAMILIES = {
    ReasonFamily.CONNECTION: CONNECTION,
    ReasonFamily.DEVICES: DEVICES,
    ReasonFamily.SETTING: SETTING,
}


def family(code: str) -> ReasonFamily | None:
    """The part of the check a reason code comes from; None for a code we do not know."""
    return next((name for name, codes in FAMILIES.items() if code in codes), None)
