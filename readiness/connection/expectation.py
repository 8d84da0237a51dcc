"""The call quality to expect, in words for patients and in figures for staff.

The maths is in readiness.connection.quality (pure); this turns a stored expectation (the dict
kept on ConnectionResult.expected_quality) into sentences and short labels.
"""

from flask_babel import lazy_gettext as _l

from . import quality

VIDEO_WORDS = {
    "hd_720p": _l("Your picture should be clear and sharp (HD)."),
    "standard": _l("Your picture should be good, a little less sharp than HD."),
    "low": _l("Your picture may be small or blurry, but the visit can go ahead."),
    "audio_only": _l(
        "Your connection can carry your voice but not a steady picture: expect a call without "
        "video."
    ),
    quality.NO_CALL: _l("Your connection is too slow for a video or voice call today."),
}
AUDIO_WORDS = {
    "good": _l("The sound should be clear both ways."),
    "fair": _l("Talking should be easy, with a short delay now and then."),
    "poor": _l("The sound may break up or lag behind."),
    "bad": _l("Talking may be hard over this connection: a phone call may work better."),
}
BUSY_WORDS = _l("If others at home are streaming or backing up files, the picture may freeze.")

VIDEO_LABELS = {
    "hd_720p": _l("HD 720p"),
    "standard": _l("Standard (360p)"),
    "low": _l("Low (180p)"),
    "audio_only": _l("Audio only"),
    quality.NO_CALL: _l("No call"),
}
AUDIO_LABELS = {
    "good": _l("good"),
    "fair": _l("fair"),
    "poor": _l("poor"),
    "bad": _l("bad"),
}


def patient_sentences(expected: dict | None) -> list[str]:
    """What the visit should be like, in plain words."""
    if not expected:
        return []
    found = []
    if expected.get("video") in VIDEO_WORDS:
        found.append(str(VIDEO_WORDS[expected["video"]]))
    if expected.get("audio") in AUDIO_WORDS and expected.get("video") != quality.NO_CALL:
        found.append(str(AUDIO_WORDS[expected["audio"]]))
    if expected.get("freezes_when_busy"):
        found.append(str(BUSY_WORDS))
    return found


def video_label(expected: dict | None) -> str | None:
    video = (expected or {}).get("video")
    return None if video is None else str(VIDEO_LABELS.get(video, video))


def audio_label(expected: dict | None) -> str | None:
    audio = (expected or {}).get("audio")
    return None if audio is None else str(AUDIO_LABELS.get(audio, audio))
