"""What a patient can do about a device result on the summary, in plain words.

The device step itself shows the step-by-step instructions for the patient's browser; the summary
says what the result means for the visit and the one thing to try.
"""

from flask_babel import lazy_gettext as _l

from ..checks import reasons
from ..checks.overall import NOT_READY

TEXTS = {
    reasons.NO_CAMERA: _l(
        "Without a camera, your visit will be by phone. If you have another device with a "
        "camera, such as a phone or tablet, you can run the check on it."
    ),
    reasons.DEVICE_NOT_FOUND: _l(
        "Without a working camera and microphone, your visit will be by phone. If you have "
        "another device with a camera, such as a phone or tablet, you can run the check on it."
    ),
    reasons.NOT_HEARD: _l(
        "The visit can go ahead by video, but you may not hear your care team well: use "
        "earphones or a headset if you have them, or turn the volume up, then play the sound "
        "again."
    ),
    reasons.ECHO_NOT_HEARD: _l(
        "The visit can go ahead by video, but your care team may hear you badly: use a headset "
        "or earphones with a microphone if you have them, and choose the microphone you speak "
        "into on the camera and microphone step, then record yourself again."
    ),
    reasons.IN_APP_BROWSER: _l(
        "Open the link in your usual browser (Safari, Chrome, Edge or Firefox) rather than "
        "inside another app."
    ),
    reasons.UNSUPPORTED_BROWSER: _l(
        "This browser cannot run the video visit: open the link in an up-to-date Safari, "
        "Chrome, Edge or Firefox, or plan for a phone visit."
    ),
}
# Under "not ready" nothing says the visit can be on video (French review S4).
NOT_READY_TEXTS = {
    reasons.ECHO_NOT_HEARD: _l(
        "Your care team may hear you badly: use a headset or earphones with a microphone if you "
        "have them, and choose the microphone you speak into on the camera and microphone step, "
        "then record yourself again."
    ),
    reasons.NOT_HEARD: _l(
        "You may not hear your care team well: use earphones or a headset if you have them, or "
        "turn the volume up, then play the sound again."
    ),
}
# Every other device problem: the device step shows the steps for this browser.
BACK_TO_DEVICES = _l(
    "Go back to the camera and microphone step: it shows what to do on your device, step by step."
)


def advice(codes: list[str], verdict: str | None = None) -> list[str]:
    """Advice for the device reasons among these codes, each once, in their order, in words
    that agree with the overall verdict."""
    found: list[str] = []
    for code in codes:
        if code not in reasons.DEVICES:
            continue
        texts = NOT_READY_TEXTS if verdict == NOT_READY and code in NOT_READY_TEXTS else TEXTS
        text = str(texts.get(code, BACK_TO_DEVICES))
        if text not in found:
            found.append(text)
    return found
