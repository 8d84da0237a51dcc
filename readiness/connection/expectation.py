"""The call quality to expect, in words for patients and in figures for staff.

The maths is in readiness.connection.quality (pure); this turns a stored expectation (the dict
kept on ConnectionResult.expected_quality) into sentences and short labels.
"""

from flask_babel import lazy_gettext as _l

from ..checks import reasons
from ..checks.overall import LIMITED, NOT_READY, READY
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
# Chosen from the verdict the sentences sit under (French review S3): "not ready" promises no
# picture; "with limits" promises no sharp picture the connection's own problems may spoil.
PHONE_LIKELY = _l("Your visit will probably be by phone.")
BELOW_GUIDANCE = _l(
    "Your picture may be fine, but your connection is below the recommended %(value)s."
)
MAY_WEAKEN = _l(
    "Your picture may be good, but what we noticed below may make it weaker or freeze at times."
)
PICTURE_PROMISES = {"hd_720p", "standard"}
NO_PICTURE = {"audio_only", quality.NO_CALL}
# Connection problems the expectation does not already tell of (a busy link has BUSY_WORDS).
WEAKENING = set(reasons.CONNECTION) - {reasons.BUSY_NETWORK}

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


def patient_sentences(
    expected: dict | None,
    verdict: str | None = None,
    codes: list[str] | tuple = (),
    guidance: str | None = None,
) -> list[str]:
    """What the visit should be like, in plain words, agreeing with the verdict shown above
    them (the overall one on the summary, the connection's on its step): under "not ready",
    only that the visit will probably be by phone; under "with limits", no sharp picture
    promised when the connection itself has a problem (`guidance`: the recommended download
    speed, formatted); under "ready", nothing that says there will be no picture."""
    if not expected:
        return []
    if verdict == NOT_READY:
        return [str(PHONE_LIKELY)]
    video, audio = expected.get("video"), expected.get("audio")
    if verdict in (READY, LIMITED) and video in NO_PICTURE:
        # The verdict says video works: at worst a small picture, never "no call".
        video = "low" if verdict == LIMITED else None
    found = []
    if video in PICTURE_PROMISES and verdict == LIMITED and WEAKENING.intersection(codes):
        if reasons.DOWNLOAD_LOW in codes and guidance:
            found.append(str(BELOW_GUIDANCE) % {"value": guidance})
        else:
            found.append(str(MAY_WEAKEN))
    elif video in VIDEO_WORDS:
        found.append(str(VIDEO_WORDS[video]))
    if (
        audio in AUDIO_WORDS
        and expected.get("video") != quality.NO_CALL
        and not (verdict == READY and audio == "bad")
    ):
        found.append(str(AUDIO_WORDS[audio]))
    if expected.get("freezes_when_busy"):
        found.append(str(BUSY_WORDS))
    return found


def video_label(expected: dict | None) -> str | None:
    video = (expected or {}).get("video")
    return None if video is None else str(VIDEO_LABELS.get(video, video))


def audio_label(expected: dict | None) -> str | None:
    audio = (expected or {}).get("audio")
    return None if audio is None else str(AUDIO_LABELS.get(audio, audio))
