"""Pure arithmetic for the bench: sizes, rates, errors, percentiles and targets. No I/O."""

import math

MBIT = 1_000_000

# The targets the connection test is held to (issue 19, "Targets").
ACCURACY_PERCENT = 2.0
LOSSY_ACCURACY_PERCENT = 5.0  # on a link that drops packets at random
FAST_DIRECTION_SECONDS = 4.0  # at the guidance (10 Mbit/s) and above
SLOW_DIRECTION_SECONDS = 7.0  # below it
FAST_FROM_MBIT = 10.0
LATENCY_PHASE_SECONDS = 1.5
BYTES_FACTOR = 1.2  # bytes on the link at most 1.2 x rate x the direction's time
PAGE_P99_MS = 100.0


# A full-size segment on loopback at MTU 1500: 1448 bytes of payload (TCP timestamps on) in
# 1514 bytes on the wire (with the 14-byte link header the qdisc counts). No goodput over a
# link of R can exceed this share of R, even before the ACKs that share the same qdisc.
PAYLOAD_SHARE = 1448 / 1514


def goodput_ceiling(rate_mbit: float) -> float:
    """The most payload a tbf-shaped loopback at rate_mbit can carry, in Mbit/s."""
    return rate_mbit * PAYLOAD_SHARE


def burst_bytes(rate_mbit: float) -> int:
    """tbf's bucket: 10 ms at the rate, and never less than ten full-size packets."""
    return max(15_000, math.ceil(rate_mbit * MBIT / 8 / 100))


def bytes_for_seconds(rate_mbit: float, seconds: float) -> int:
    """How many bytes take about `seconds` to cross a link of rate_mbit."""
    return math.ceil(rate_mbit * MBIT / 8 * seconds)


def mbit_per_second(size: int, seconds: float) -> float:
    """Goodput: bytes over seconds, in Mbit/s."""
    return size * 8 / seconds / MBIT


STEADY_MIN_SECONDS = 1.0  # a steady part shorter than this says nothing


def steady_goodput(points: list[tuple[float, int]], ramp_s: float) -> float | None:
    """Goodput from ramp_s after the first byte to the last, in Mbit/s.

    points are (time in seconds, bytes so far) as the bytes arrived, in order: curl's stdout on
    the client for a download, the receiver's reads on the server for an upload. Slow start and
    tbf's first bucket fall inside the ramp and are left out; None when less than
    STEADY_MIN_SECONDS is left after it.
    """
    if not points:
        return None
    opened = points[0][0] + ramp_s
    base = next(((t, n) for t, n in points if t >= opened), None)
    end, total = points[-1]
    if base is None or end - base[0] < STEADY_MIN_SECONDS:
        return None
    return mbit_per_second(total - base[1], end - base[0])


def parallel_steady_goodput(streams: list[list[tuple[float, int]]], ramp_s: float) -> float | None:
    """Summed goodput of streams run at once, from ramp_s after the first byte of any of them
    until the first of them ends, in Mbit/s; None when that leaves under STEADY_MIN_SECONDS."""
    if not streams or not all(streams):
        return None
    start = min(points[0][0] for points in streams) + ramp_s
    end = min(points[-1][0] for points in streams)
    if end - start < STEADY_MIN_SECONDS:
        return None
    # Each stream's count at both moments, interpolated between its reads (0 before its first).
    moved = sum((counter_at(points, end) or 0) - (counter_at(points, start) or 0)
                for points in streams)  # fmt: skip
    return mbit_per_second(moved, end - start)


def spread_percent(values: list[float]) -> float | None:
    """(largest - smallest) / mean, in percent: how far repeated references disagree."""
    found = [v for v in values if v]
    if len(found) < 2:
        return None
    return (max(found) - min(found)) / (sum(found) / len(found)) * 100


def error_percent(measured: float, reference: float) -> float:
    """How far measured is from reference, signed, in percent of the reference."""
    return (measured - reference) / reference * 100


def median(values: list[float]) -> float:
    """The middle value (the mean of the two middle values for an even count)."""
    return percentile(values, 50)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile, interpolated linearly between ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def direction_seconds_target(rate_mbit: float) -> float:
    """The longest one direction of the test may take on a link of rate_mbit."""
    return FAST_DIRECTION_SECONDS if rate_mbit >= FAST_FROM_MBIT else SLOW_DIRECTION_SECONDS


def accuracy_target(loss_percent: float = 0) -> float:
    """How far from curl a figure may be, in percent: wider on a lossy link."""
    return LOSSY_ACCURACY_PERCENT if loss_percent else ACCURACY_PERCENT


def judging_reference(single: float | None, parallel: float | None, loss_percent: float = 0):
    """The curl figure a measurement is judged against: one stream's, except on a lossy link,
    where what one TCP stream gets depends on its congestion control (CUBIC or Reno fall far
    below the rate, BBR barely) and the check's own four streams are the fair comparison."""
    return parallel if loss_percent and parallel else single


def within_accuracy(measured: float, reference: float, loss_percent: float = 0) -> bool:
    return abs(error_percent(measured, reference)) <= accuracy_target(loss_percent)


def bytes_ratio(link_bytes: int, rate_mbit: float, seconds: float) -> float | None:
    """Bytes on the link over what the rate carries in the direction's time (target <= 1.2)."""
    if not seconds:
        return None
    return link_bytes / (rate_mbit * MBIT / 8 * seconds)


def counter_at(samples: list[tuple[float, int]], moment: float) -> float | None:
    """A counter's value at `moment`, interpolated linearly between the samples around it."""
    if not samples or moment < samples[0][0] or moment > samples[-1][0]:
        return None
    for (t0, v0), (t1, v1) in zip(samples, samples[1:], strict=False):
        if t0 <= moment <= t1:
            return v0 if t1 == t0 else v0 + (v1 - v0) * (moment - t0) / (t1 - t0)
    return samples[-1][1]


def counter_between(samples: list[tuple[float, int]], start: float, end: float) -> int | None:
    """How much a counter grew from start to end; None when the samples do not cover both."""
    first, last = counter_at(samples, start), counter_at(samples, end)
    if first is None or last is None:
        return None
    return round(last - first)


# The media path (table 7): round trip within 5 ms or 5 % of the link's, the wider.
MEDIA_RTT_MS = 5.0
MEDIA_RTT_SHARE = 0.05
CONFIDENCE = 0.95


def media_rtt_within(measured_ms: float, imposed_ms: float) -> bool:
    """The media round trip is the link's, give or take 5 ms or 5 % (the wider)."""
    return abs(measured_ms - imposed_ms) <= max(MEDIA_RTT_MS, MEDIA_RTT_SHARE * imposed_ms)


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return min(1.0, sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1)))


def _solve(falling, target: float) -> float:
    """The p in [0, 1] where the decreasing function falling(p) crosses target (bisection)."""
    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        if falling(middle) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def loss_interval(lost: int, sent: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Clopper-Pearson interval of the loss share, in percent, for `lost` of `sent` packets.

    Exact (it never covers less than `confidence`): 3 lost of 100 gives 0.62-8.52 %: a link
    losing any share in there could well have lost those 3.
    """
    if sent <= 0 or not 0 <= lost <= sent:
        raise ValueError(f"{lost} lost of {sent} sent")
    tail = (1 - confidence) / 2
    # P(X >= lost | p) rises with p: the lowest p at which `lost` or more is still likely.
    low = 0.0 if lost == 0 else _solve(lambda p: binomial_cdf(lost - 1, sent, p), 1 - tail)
    high = 1.0 if lost == sent else _solve(lambda p: binomial_cdf(lost, sent, p), tail)
    return low * 100, high * 100


def loss_consistent(imposed_percent: float, lost: int, sent: int) -> bool:
    """The link's loss share lies inside the measured figure's 95 % interval."""
    low, high = loss_interval(lost, sent)
    return low <= imposed_percent <= high


def packets_to_tell_apart(loss_percent: float, threshold_percent: float) -> int | None:
    """How many packets a direction needs before a link losing loss_percent is, with 95 %
    confidence, measured on its own side of threshold_percent (normal approximation)."""
    p, t = loss_percent / 100, threshold_percent / 100
    if p in (0, 1) or p == t:
        return None
    return math.ceil(1.96**2 * p * (1 - p) / (p - t) ** 2)


def loss_band(loss_percent: float, ready_percent: float, limited_percent: float) -> str:
    """The media verdict the thresholds give a loss: ready, limited (over ready_percent) or
    not_ready (over limited_percent), as connection/media_verdict.py judges it."""
    if loss_percent > limited_percent:
        return "not_ready"
    return "limited" if loss_percent > ready_percent else "ready"


def chance_of_band(
    loss_percent: float, sent: int, ready_percent: float, limited_percent: float
) -> float:
    """The chance that a check sending `sent` packets each way on a link losing loss_percent
    each way measures the worse direction in the band the link's own loss is in."""
    p = loss_percent / 100
    band = loss_band(loss_percent, ready_percent, limited_percent)
    # The most packets lost that still read as at most ready_percent / limited_percent.
    ready_max = math.floor(ready_percent * sent / 100 + 1e-9)
    limited_max = math.floor(limited_percent * sent / 100 + 1e-9)
    both_at_most = {k: binomial_cdf(k, sent, p) ** 2 for k in (ready_max, limited_max)}
    if band == "ready":
        return both_at_most[ready_max]
    if band == "limited":
        return both_at_most[limited_max] - both_at_most[ready_max]
    return 1 - both_at_most[limited_max]


# The whole connection step, "Start" -> result shown (the media path runs after it, during the
# device step): within 9 s on a link of 10 Mbit/s and more, 14 s below, on links of up to
# 60 ms round trip (issue 29, item 1); a longer round trip has no bound.
FAST_STEP_SECONDS = 9.0
SLOW_STEP_SECONDS = 14.0
STEP_BOUND_MAX_RTT_MS = 60.0


def step_seconds_target(link_mbit: float, rtt_ms: float = 0.0) -> float | None:
    """The time allowed for the whole step on a link of this nominal rate (its download) and
    round trip; None past STEP_BOUND_MAX_RTT_MS."""
    if rtt_ms > STEP_BOUND_MAX_RTT_MS:
        return None
    return FAST_STEP_SECONDS if link_mbit >= FAST_FROM_MBIT else SLOW_STEP_SECONDS


def phase_spans(marks: list[dict], done: float) -> dict[str, list[tuple[float, float]]]:
    """Each measurement type's spans, from the marks an engine left as it changed type (each
    {"type", "epoch_ms"}, in order) to the next mark, the last one to `done`: Cloudflare's engine
    goes back and forth between latency, download and upload."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for mark, following in zip(marks, [*marks[1:], {"epoch_ms": done}], strict=True):
        if following["epoch_ms"] > mark["epoch_ms"]:
            spans.setdefault(mark["type"], []).append((mark["epoch_ms"], following["epoch_ms"]))
    return spans


def spans_seconds(spans: list[tuple[float, float]]) -> float:
    """The time spans (in ms) cover, in seconds."""
    return sum(end - start for start, end in spans) / 1000


# Below this rate (and with no loss) a figure must be within SLOW_ACCURACY_PERCENT of curl:
# issue 29 asks ±1 % at 1-5 Mbit/s, on shallow and on deep queues.
SLOW_ACCURACY_UP_TO_MBIT = 5.0
SLOW_ACCURACY_PERCENT = 1.0


def accuracy_for(rate_mbit: float, loss_percent: float = 0) -> float:
    """How far from curl a figure on this link may be, in percent: ±1 % at 1-5 Mbit/s without
    loss, otherwise accuracy_target()."""
    if not loss_percent and rate_mbit <= SLOW_ACCURACY_UP_TO_MBIT:
        return SLOW_ACCURACY_PERCENT
    return accuracy_target(loss_percent)


def as_accurate_and_faster(
    ours_errors: list[float],
    ours_seconds: list[float],
    peer_error: float | None,
    peer_seconds: float | None,
) -> dict:
    """Ours against a peer on one row and direction: at least as accurate (every run's error,
    as shown to 0.1 %, no larger than the peer's) and faster (every run's time shorter)."""

    def shown(value):
        return round(abs(value), 1)

    accurate = (bool(ours_errors) and peer_error is not None
                and all(shown(e) <= shown(peer_error) for e in ours_errors))  # fmt: skip
    faster = (bool(ours_seconds) and peer_seconds is not None
              and all(s < peer_seconds for s in ours_seconds))  # fmt: skip
    return {"accurate": accurate, "faster": faster}
