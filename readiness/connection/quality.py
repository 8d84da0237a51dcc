"""The call quality to expect from the connection's figures. Pure: no Flask, no database.

Three pieces, each documented with its source in the README ("The call quality to expect"):

- ``busy_network_level``: how much the latency rises while the link is busy (bufferbloat), judged
  against two thresholds from configuration;
- ``video_rung``: the best rung of a configurable video ladder that the upload *and* the download
  can carry (default rungs from Zoom's and Microsoft Teams' published bandwidth needs);
- ``audio_mos``: a mean opinion score for the voice from round-trip time, jitter and, when
  measured, packet loss, by the simplified ITU-T G.107 E-model of Cole and Rosenbluth (2001).
"""

import math
from dataclasses import dataclass

READY, LIMITED, NOT_READY = "ready", "limited", "not_ready"


@dataclass(frozen=True)
class Rung:
    """One rung of the video ladder: its name and what it needs each way, in Mbit/s."""

    name: str
    upload_mbps: float
    download_mbps: float


# Best first. hd_720p: Teams' recommended 1.5 Mbit/s for HD peer-to-peer video (Zoom asks 1.2);
# standard: Zoom's 600 kbit/s "high quality" one-to-one video, above Teams' 500 kbit/s minimum;
# low: Teams' 150 kbit/s floor for the smallest video; audio_only: Zoom's 60-80 kbit/s VoIP,
# Teams' 76 kbit/s audio, with headroom.
DEFAULT_LADDER = (
    Rung("hd_720p", 1.5, 1.5),
    Rung("standard", 0.6, 0.6),
    Rung("low", 0.15, 0.15),
    Rung("audio_only", 0.1, 0.1),
)
NO_CALL = "none"


def parse_ladder(text: str) -> tuple[Rung, ...]:
    """'hd_720p:1.5:1.5,standard:0.6:0.6' (name:upload:download, best first) -> rungs."""
    rungs = []
    for item in text.split(","):
        name, upload, download = (part.strip() for part in item.split(":"))
        if not name or float(upload) < 0 or float(download) < 0:
            raise ValueError(f"bad ladder rung: {item!r}")
        rungs.append(Rung(name, float(upload), float(download)))
    if not rungs:
        raise ValueError("the ladder needs at least one rung")
    return tuple(rungs)


def video_rung(
    upload_mbps: float | None, download_mbps: float | None, ladder=DEFAULT_LADDER
) -> str | None:
    """The best rung both directions can carry; NO_CALL below the last; None if unmeasured."""
    if upload_mbps is None or download_mbps is None:
        return None
    for rung in ladder:
        if upload_mbps >= rung.upload_mbps and download_mbps >= rung.download_mbps:
            return rung.name
    return NO_CALL


# The E-model's assumptions for a browser call (G.711-like codec, 20 ms packets).
CODEC_DELAY_MS = 20.0  # packetisation and codec look-ahead, one way
JITTER_BUFFER_FACTOR = 2.0  # an adaptive jitter buffer holds about twice the jitter
R_DEFAULT = 94.2  # G.107's R with default values (Cole and Rosenbluth's R0 - Is)


def r_factor(rtt_ms: float, jitter_ms: float, loss_percent: float | None = None) -> float:
    """The E-model's transmission rating R, simplified (Cole and Rosenbluth 2001):

    d  = one-way mouth-to-ear delay = rtt/2 + 2 * jitter (the jitter buffer) + codec delay
    Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)        (delay impairment)
    Ie = 30 ln(1 + 15 e), e the loss fraction            (G.711 with random loss)
    R  = 94.2 - Id - Ie
    """
    delay = rtt_ms / 2 + JITTER_BUFFER_FACTOR * jitter_ms + CODEC_DELAY_MS
    impairment_delay = 0.024 * delay + (0.11 * (delay - 177.3) if delay > 177.3 else 0.0)
    loss = max(0.0, min(100.0, loss_percent or 0.0)) / 100
    impairment_loss = 30 * math.log(1 + 15 * loss)
    return R_DEFAULT - impairment_delay - impairment_loss


def mos_from_r(r: float) -> float:
    """G.107 Annex B: R to an estimated mean opinion score, 1 to 4.5."""
    if r <= 0:
        return 1.0
    if r >= 100:
        return 4.5
    return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6


def audio_mos(
    rtt_ms: float | None, jitter_ms: float | None, loss_percent: float | None = None
) -> float | None:
    """The voice's expected MOS (1 bad to 4.5 best), to one decimal; None if unmeasured.

    loss_percent is optional: until the media path is measured, no loss is assumed.
    """
    if rtt_ms is None or jitter_ms is None:
        return None
    return round(mos_from_r(r_factor(rtt_ms, jitter_ms, loss_percent)), 1)


# G.107's user satisfaction bands, as MOS: R 80 (4.0) "satisfied", R 70 (3.6) "some users
# dissatisfied", R 60 (3.1) "many users dissatisfied"; below, nearly all.
AUDIO_GOOD, AUDIO_FAIR, AUDIO_POOR = 4.0, 3.6, 3.1


def audio_grade(mos: float | None) -> str | None:
    if mos is None:
        return None
    if mos >= AUDIO_GOOD:
        return "good"
    if mos >= AUDIO_FAIR:
        return "fair"
    return "poor" if mos >= AUDIO_POOR else "bad"


def latency_increase(idle_ms: float | None, loaded_ms: float | None) -> float | None:
    """How much a busy link adds to the idle latency (never below zero); None if unmeasured."""
    if idle_ms is None or loaded_ms is None:
        return None
    return max(0.0, loaded_ms - idle_ms)


def busy_network_level(
    idle_ms: float | None,
    loaded_down_ms: float | None,
    loaded_up_ms: float | None,
    limited_ms: float,
    not_ready_ms: float,
) -> tuple[str, float | None]:
    """(level, the larger increase). Above limited_ms video freezes when the home is busy;
    above not_ready_ms it is not usable. Unmeasured loaded latency judges nothing (ready)."""
    both = (latency_increase(idle_ms, loaded_down_ms), latency_increase(idle_ms, loaded_up_ms))
    increases = [found for found in both if found is not None]
    if not increases:
        return READY, None
    worst = max(increases)
    if worst > not_ready_ms:
        return NOT_READY, worst
    return (LIMITED if worst > limited_ms else READY), worst


@dataclass(frozen=True)
class Expectation:
    """What the visit should be like: the video rung, the voice's MOS and its grade, and
    whether a busy household will make the picture freeze."""

    video: str | None
    audio_mos: float | None
    audio: str | None
    freezes_when_busy: bool
    latency_increase_ms: float | None

    def as_dict(self) -> dict:
        return {
            "video": self.video,
            "audio_mos": self.audio_mos,
            "audio": self.audio,
            "freezes_when_busy": self.freezes_when_busy,
            "latency_increase_ms": self.latency_increase_ms,
        }


def expectation(
    *,
    download_mbps: float | None,
    upload_mbps: float | None,
    latency_ms: float | None,
    jitter_ms: float | None,
    loaded_latency_down_ms: float | None = None,
    loaded_latency_up_ms: float | None = None,
    loss_percent: float | None = None,
    ladder=DEFAULT_LADDER,
    busy_limited_ms: float = 100.0,
) -> Expectation:
    """The call quality to expect: the video by the narrower direction, the voice from the idle
    figures (a quiet home), and whether a busy home adds enough queueing to freeze the picture."""
    loaded = [ms for ms in (loaded_latency_down_ms, loaded_latency_up_ms) if ms is not None]
    increase = latency_increase(latency_ms, max(loaded)) if loaded else None
    mos = audio_mos(latency_ms, jitter_ms, loss_percent)
    return Expectation(
        video=video_rung(upload_mbps, download_mbps, ladder),
        audio_mos=mos,
        audio=audio_grade(mos),
        freezes_when_busy=increase is not None and increase > busy_limited_ms,
        latency_increase_ms=None if increase is None else round(increase, 1),
    )
