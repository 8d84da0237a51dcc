// The connection measurement: latency and jitter, then download, then upload, against our own
// server. No library. Figures are goodput: the bytes that really crossed, over the time taken.

const MBIT = 1_000_000;

/** The middle value (the mean of the two middle values for an even count). */
export function median(values) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Jitter: the mean absolute difference between consecutive samples. */
export function meanAbsoluteDifference(values) {
  if (values.length < 2) return 0;
  let total = 0;
  for (let i = 1; i < values.length; i += 1) total += Math.abs(values[i] - values[i - 1]);
  return total / (values.length - 1);
}

/** Cumulative bytes at time t in a series of {t, bytes} points, interpolated linearly. */
export function bytesAt(series, t) {
  if (!series.length || t <= series[0].t) return series.length ? series[0].bytes : 0;
  let low = 0;
  let high = series.length - 1;
  if (t >= series[high].t) return series[high].bytes;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (series[mid].t <= t) low = mid;
    else high = mid;
  }
  const a = series[low];
  const b = series[high];
  return a.bytes + ((b.bytes - a.bytes) * (t - a.t)) / (b.t - a.t);
}

/**
 * Goodput over the steady part of a transfer, in Mbit/s: the bytes that crossed after the
 * ramp-up, over the time they took. Short windows swing with the link's bursts (a median of
 * three of them read 15 % high on a 1 Mbit/s link); the whole steady span does not.
 *
 * The window opens at the first count taken at or after `start`, and that count's bytes stay
 * outside it: no byte counted before the window is spread into it. A count that ends a stall
 * straddling the start (a burst the link's bucket let through after the pause) is left out
 * with the pause, so the figure is the link's rate after the ramp, not the pause's nor the
 * burst's.
 */
export function steadyRate(series, start, end, minimumMs = 1000) {
  const first = series.find((point) => point.t >= start);
  if (!first || end - first.t < minimumMs) return null;
  return ((bytesAt(series, end) - first.bytes) * 8 * 1000) / (end - first.t) / MBIT;
}

/**
 * Whether a transfer is still opening up at `until`: its last second ran more than `margin`
 * above its whole steady window. Out of time in that state (a round trip of half a second and
 * more), the window's figure is the ramp's, not the link's.
 */
export function stillRising(series, start, until, margin = RISING, lastMs = 1000) {
  const whole = steadyRate(series, start, until);
  const last = steadyRate(series, until - lastMs, until, lastMs / 2);
  return whole !== null && last !== null && last > whole * (1 + margin);
}

/**
 * How long a direction's ramp-up lasts, in ms: a second, or 12 round trips on a long one:
 * TCP's window doubles once per round trip from 10 segments and must fill the link's
 * bandwidth-delay product before the figure means anything (on a 150 ms link, four streams
 * took 1.8 to 2 s to settle; with the ramp cut at 1.2 s the download read 5 % low).
 */
export function rampMs(roundTripMs) {
  return Math.max(RAMP_MS, RAMP_ROUND_TRIPS * (roundTripMs || 0));
}

/**
 * How long each request should last, in seconds: a second, or 10 round trips on a long one.
 * Between two requests a stream waits one round trip with nothing in flight; on a 150 ms link
 * one-second requests showed as dips in the download (with the short ramp, it read 5-7 % low).
 */
export function requestSeconds(roundTripMs) {
  return Math.max(1, (REQUEST_ROUND_TRIPS * (roundTripMs || 0)) / 1000);
}

/**
 * Whether a round trip leaves time to measure the link: its ramp-up and the steady part after
 * it must fit in the time allowed, at or above the guidance and below it. Beyond (a round trip
 * of about half a second and more), the figures would be the ramp's, not the link's: the test
 * fails clearly instead, and the round trip alone already rules out a smooth video visit.
 */
export function measurableRoundTrip(roundTripMs, settings) {
  const ramp = rampMs(roundTripMs);
  // A short round trip is never the reason: a short time allowed is the configuration's choice.
  if (ramp <= RAMP_MS) return true;
  return (
    ramp + MIN_STEADY_MS <= settings.maxSeconds * 1000 &&
    ramp + SLOW_MIN_STEADY_MS <= settings.slowMaxSeconds * 1000
  );
}

/**
 * How long the steady part must last before its figure may settle, in ms: 2 s at or above the
 * guidance, 3 s down to half of it, 4 s below. A tbf bucket's burst is 10 ms of the link's rate
 * or 15 kB, whichever is more: 12 ms at 10 Mbit/s but 120 ms at 1 Mbit/s, a share of the
 * window that only the slowest links need the longer span to dilute. A 10 Mbit/s link carries
 * 9.56 Mbit/s of payload, just under a 10 Mbit/s guidance: 4 s each way left its connection
 * step over 20 s on a 150 ms round trip.
 */
export function minimumSteadyMs(estimate, guidanceMbps) {
  // A link of the guidance's own rate carries 1448/1514 of it as goodput (9.56 of 10 Mbit/s,
  // read within 1 %): it gets the short window too (its bucket's burst, 12 ms at 10 Mbit/s, is
  // 0.6 % of 2 s). A 3 s window costs such a link a second each way: about 10 s, not 8.4.
  if (estimate >= guidanceMbps * GUIDANCE_LINK_SHARE) return MIN_STEADY_MS;
  return estimate >= guidanceMbps / 2 ? NEAR_MIN_STEADY_MS : SLOW_MIN_STEADY_MS;
}

/** Mbit/s per quarter second, for the chart and the stored samples. */
export function ratesPerInterval(series, start, end, intervalMs = 250) {
  const rates = [];
  for (let from = start; from + intervalMs <= end; from += intervalMs) {
    const bytes = bytesAt(series, from + intervalMs) - bytesAt(series, from);
    rates.push(Math.round(((bytes * 8 * 1000) / intervalMs / MBIT) * 100) / 100);
  }
  return rates;
}

export class TestFailure extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

// 15 pings, or as many as fit in 1.1 s on a slow-answering link, but at least 5 kept (four
// differences for the jitter): ten one after the other took 2.07 s on a 150 ms round trip.
const PING_COUNT = 15;
const PING_MIN_KEPT = 5;
const PING_FEW_KEPT = 3;
const PING_BUDGET_MS = 1100;
const PING_TIMEOUT_MS = 5000;
const STREAMS = 4;
const RAMP_MS = 1000;
const RAMP_ROUND_TRIPS = 12;
const REQUEST_ROUND_TRIPS = 10;
// Out of time on a long round trip, a last second 5 % above the window means still rising.
const RISING = 0.05;
// At or above the guidance 2 s of steady transfer settle the figure; a slower link's bursts
// weigh more, so it gets up to 4 s (its time cap is longer too).
const MIN_STEADY_MS = 2000;
const NEAR_MIN_STEADY_MS = 3000;
const SLOW_MIN_STEADY_MS = 4000;
// The goodput of a link at the guidance's rate: 1448/1514 of it (0.956), less 1 % of reading.
const GUIDANCE_LINK_SHARE = 0.95;
const STALL_MS = 10_000;
const STABLE = 0.02;
// The probe answers 503 when this client (or the server) already runs its share of transfers.
const BUSY_STATUS = 503;
const BUSY_PAUSE_MS = 1000;
const BUSY = Symbol("busy");

/** Wait ms, or less if the signal aborts first. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** Why a transfer broke: offline, the server gone, or something between that stops it. */
async function networkFailure(error, settings) {
  if (error instanceof TestFailure) return error;
  if (navigator.onLine === false) return new TestFailure("offline");
  try {
    const answer = await fetch(`${settings.pingUrl}?after-failure`, {
      cache: "no-store",
      signal: AbortSignal.timeout(PING_TIMEOUT_MS),
    });
    return new TestFailure(answer.ok ? "transfer_blocked" : "server_unreachable");
  } catch {
    return new TestFailure("server_unreachable");
  }
}

/**
 * Whether the pings kept so far settle the latency once the time budget is spent: five of
 * them, or three whose median is already a round trip too long to measure the link (the test
 * fails on it anyway; five pings of 600 ms took 4.3 s to say so).
 */
export function enoughPings(samples, settings) {
  if (samples.length >= PING_MIN_KEPT) return true;
  return samples.length >= PING_FEW_KEPT && !measurableRoundTrip(median(samples), settings);
}

/** Latency and jitter: small requests on a warm connection, the first one dropped. */
export async function measureLatency(settings, signal, onSample) {
  performance.clearResourceTimings?.();
  const samples = [];
  const began = performance.now();
  for (let i = 0; i < PING_COUNT; i += 1) {
    if (performance.now() - began > PING_BUDGET_MS && enoughPings(samples, settings)) break;
    const url = `${settings.pingUrl}?n=${i}-${Math.random().toString(36).slice(2)}`;
    const timeout = AbortSignal.timeout(PING_TIMEOUT_MS);
    const both = AbortSignal.any ? AbortSignal.any([signal, timeout]) : signal;
    const started = performance.now();
    let response;
    try {
      response = await fetch(url, { cache: "no-store", signal: both });
      await response.arrayBuffer();
    } catch (error) {
      if (signal.aborted) throw error;
      if (timeout.aborted) throw new TestFailure("timeout");
      throw new TestFailure(navigator.onLine === false ? "offline" : "server_unreachable");
    }
    if (!response.ok) throw new TestFailure("server_unreachable");
    const wall = performance.now() - started;
    const entry = performance.getEntriesByName(new URL(url, location.href).href).pop();
    // Resource timing leaves out the browser's own queueing; fall back to the wall clock.
    const ms = entry && entry.responseStart > 0 ? entry.responseStart - entry.requestStart : wall;
    if (i > 0) samples.push(ms);
    onSample?.(ms);
  }
  return {
    latencyMs: median(samples),
    jitterMs: meanAbsoluteDifference(samples),
    samples: samples.map((ms) => Math.round(ms * 10) / 10),
  };
}

// Latency under load: a small probe every 300 ms (within the 200-400 ms the design asks) while a
// transfer runs, on a connection of its own (HTTP/1.1 keeps the transfer's streams busy, so the
// browser sends the probe on another one). Probes from the transfer's ramp-up are left out when
// enough come after it: the queue a busy link builds is what counts.
const PROBE_INTERVAL_MS = 300;
const STATUS_LINE_BYTES = "HTTP/1.1 200 OK\r\n".length;

function probeTime(url, started) {
  const entry = performance.getEntriesByName(new URL(url, location.href).href).pop();
  const wall = performance.now() - started;
  return entry && entry.responseStart > 0 ? entry.responseStart - entry.requestStart : wall;
}

/**
 * The bytes an HTTP/1.1 answer put on the link: its status line, its headers, the blank line
 * after them and its body. The probes' answers cross the link with the download: about 1 kB
 * every 300 ms, 2.7 % of a 1 Mbit/s link, which the download read low by as much.
 */
export function answerBytes(headers, bodyBytes) {
  let bytes = STATUS_LINE_BYTES + 2;
  for (const [name, value] of headers) bytes += name.length + value.length + 4;
  return bytes + bodyBytes;
}

/**
 * The bytes of its request the server says it received (the ping's received_bytes): the
 * request line and headers, about 400 bytes every 300 ms, 1 % of a 1 Mbit/s upload.
 */
export function receivedBytes(body) {
  try {
    const bytes = JSON.parse(new TextDecoder().decode(body)).received_bytes;
    return Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  } catch {
    return 0;
  }
}

// While an upload is measured: where the latency probes' requests are counted (they share its
// direction of the link, as their answers share the download's).
let uploadSink = null;

/**
 * Starts probing; returns a function that stops and resolves with the samples in ms: `all`, and
 * `steady` (those sent after the transfer's ramp-up). A probe that fails is left out: the
 * transfer itself reports a broken link.
 */
/** The loaded latency: the median of the steady probes, or of all when fewer than three. */
export function loadedLatency(probes) {
  return median(probes.steady.length >= 3 ? probes.steady : probes.all);
}

export function startLatencyProbes(
  settings,
  signal,
  { intervalMs = PROBE_INTERVAL_MS, skipMs = RAMP_MS, onAnswer = null } = {},
) {
  performance.setResourceTimingBufferSize?.(2000);
  const samples = [];
  const began = performance.now();
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal.addEventListener("abort", stop, { once: true });
  const loop = (async () => {
    for (let i = 0; !controller.signal.aborted; i += 1) {
      const started = performance.now();
      const url = `${settings.pingUrl}?loaded=${i}-${Math.random().toString(36).slice(2)}`;
      try {
        const response = await fetch(url, { cache: "no-store", signal: controller.signal });
        const body = await response.arrayBuffer();
        if (response.ok) {
          samples.push({ ms: probeTime(url, started), steady: started - began >= skipMs });
          onAnswer?.(answerBytes(response.headers, body.byteLength));
          // The probe's request crossed the other way: an upload under way counts it.
          uploadSink?.(receivedBytes(body), performance.now());
        }
      } catch {
        if (controller.signal.aborted) break;
      }
      const wait = intervalMs - (performance.now() - started);
      // Stopped: at once, not after the rest of the interval (the next phase waits for it).
      if (wait > 0) await pause(wait, controller.signal);
    }
  })();
  return async () => {
    stop();
    signal.removeEventListener("abort", stop);
    await loop;
    const rounded = (list) => list.map((sample) => Math.round(sample.ms * 10) / 10);
    return { all: rounded(samples), steady: rounded(samples.filter((sample) => sample.steady)) };
  };
}

/**
 * Runs one direction until the estimate is stable, the time or data cap is reached, or the
 * signal aborts. `transfer(stream, size, abort)` moves `size` bytes and reports progress
 * through the callbacks given to it; it resolves with the bytes that count.
 */
class Phase {
  constructor(settings, onProgress) {
    this.settings = settings;
    this.onProgress = onProgress;
    this.started = performance.now();
    this.series = [{ t: this.started, bytes: 0 }];
    this.total = 0;
    this.bytesUsed = 0;
    this.lastData = this.started;
    this.estimates = [];
    this.controller = new AbortController();
    this.rampMs = rampMs(settings.roundTripMs);
    this.requestSeconds = requestSeconds(settings.roundTripMs);
  }

  add(bytes, t = performance.now()) {
    this.total += bytes;
    this.series.push({ t, bytes: this.total });
    this.lastData = t;
  }

  /** The estimate and whether to stop, looking at the series up to `until`. */
  judge(now, until) {
    const elapsed = now - this.started;
    const steadyStart = this.started + this.rampMs;
    const estimate = steadyRate(this.series, steadyStart, until);
    if (estimate !== null) this.estimates.push({ t: now, estimate });
    const fast = estimate !== null && estimate >= this.settings.guidanceMbps;
    const cap = fast ? this.settings.maxSeconds : this.settings.slowMaxSeconds;
    const outOfData = this.bytesUsed >= this.settings.maxBytes;
    if (elapsed >= cap * 1000 || outOfData) {
      // Out of time before any steady part, or while the rate still climbs (a round trip too
      // long to open the link in time): say so rather than report a figure from the ramp-up.
      const longTrip = this.rampMs > RAMP_MS;
      const rising = longTrip && stillRising(this.series, steadyStart, until);
      if (!outOfData && (estimate === null || rising)) {
        throw new TestFailure("timeout");
      }
      // On a very fast link the data cap comes before the steady part: use the second half.
      const middle = (this.started + until) / 2;
      const fallback =
        until - middle > 100
          ? ((bytesAt(this.series, until) - bytesAt(this.series, middle)) * 8 * 1000) /
            (until - middle) /
            MBIT
          : null;
      return { estimate: estimate ?? fallback, stop: true };
    }
    if (now - this.lastData > STALL_MS) throw new TestFailure("timeout");
    const needed = minimumSteadyMs(estimate, this.settings.guidanceMbps);
    if (estimate === null || until - steadyStart < needed) return { estimate, stop: false };
    // Stable: the estimate moved by less than 2 % over the last second and the last half second.
    const earlier = this.estimates.filter((e) => e.t <= now - 500);
    const halfAgo = earlier.at(-1)?.estimate;
    const secondAgo = this.estimates.filter((e) => e.t <= now - 1000).at(-1)?.estimate;
    const steady = (a) => a !== undefined && Math.abs(estimate - a) <= STABLE * estimate;
    return { estimate, stop: steady(halfAgo) && steady(secondAgo) };
  }
}

function nextSize(phase, stream, seconds, min, max) {
  const elapsed = (performance.now() - phase.started) / 1000;
  const perStream = elapsed > 0.2 ? phase.total / elapsed / STREAMS : 0;
  const wanted = Math.max(min, Math.min(max, Math.round(perStream * seconds), stream.last * 4));
  stream.last = wanted;
  return wanted;
}

async function runPhase(phase, signal, startStream, seriesUntil) {
  const stop = () => phase.controller.abort();
  signal.addEventListener("abort", stop, { once: true });
  const streams = [];
  let broken = null;
  for (let i = 0; i < STREAMS; i += 1) {
    streams.push(
      startStream(phase).catch((error) => {
        if (!phase.controller.signal.aborted) {
          broken = error;
          stop();
        }
      }),
    );
  }
  let estimate = null;
  try {
    while (!phase.controller.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = performance.now();
      const judged = phase.judge(now, seriesUntil(now));
      estimate = judged.estimate;
      phase.onProgress?.(phase);
      if (judged.stop) break;
    }
  } catch (error) {
    broken = error;
  } finally {
    stop();
    signal.removeEventListener("abort", stop);
  }
  await Promise.all(streams);
  if (signal.aborted) throw new DOMException("cancelled", "AbortError");
  if (broken) throw await networkFailure(broken, phase.settings);
  if (estimate === null) throw new TestFailure("timeout");
  return estimate;
}

/**
 * Download: parallel streams of random bytes, counted as they arrive. Each stream asks for the
 * largest answer the probe serves and the phase cuts it off when it is done: between two
 * requests a stream sends nothing for a round trip, and on a 150 ms link the requests sized for
 * a second or two read 5-11 % low. Cutting a transfer short costs no more than before (the
 * streams were cut mid-request anyway): only bytes that crossed count, here and on the link.
 */
export async function measureDownload(settings, signal, onProgress, link = {}) {
  const phase = new Phase(settings, onProgress);
  // What else crosses the link meanwhile (the latency probes' answers) is the link's goodput too.
  link.add = (bytes) => phase.add(bytes);
  const startStream = async (p) => {
    while (!p.controller.signal.aborted) {
      // Never under 64 kB: a network that refuses that much is one that blocks the test.
      const size = Math.max(64 * 1024, settings.maxDownloadBytes);
      const response = await fetch(`${settings.downloadUrl}?bytes=${size}`, {
        cache: "no-store",
        signal: p.controller.signal,
      }).catch((error) => {
        if (p.controller.signal.aborted) return null;
        throw error;
      });
      if (!response) return;
      if (response.status === BUSY_STATUS) {
        // The server runs as many transfers as it may for now: wait a moment, then go on.
        await response.body?.cancel();
        await pause(BUSY_PAUSE_MS, p.controller.signal);
        continue;
      }
      if (!response.ok || !response.body) throw new TestFailure("transfer_blocked");
      const reader = response.body.getReader();
      let received = 0;
      for (;;) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (p.controller.signal.aborted) return;
          throw error;
        }
        if (chunk.done) break;
        received += chunk.value.byteLength;
        p.bytesUsed += chunk.value.byteLength;
        p.add(chunk.value.byteLength);
      }
      if (received < size) throw new TestFailure("transfer_blocked");
    }
  };
  const mbps = await runPhase(phase, signal, startStream, () => phase.lastData).finally(() => {
    link.add = null;
  });
  return { mbps, phase };
}

let randomBuffer = null;

function randomBytes() {
  if (!randomBuffer) {
    randomBuffer = new Uint8Array(1024 * 1024);
    for (let i = 0; i < randomBuffer.length; i += 65536) {
      crypto.getRandomValues(randomBuffer.subarray(i, i + 65536));
    }
  }
  return randomBuffer;
}

function uploadBody(size) {
  const block = randomBytes();
  const parts = [];
  for (let left = size; left > 0; left -= block.length) {
    parts.push(left >= block.length ? block : block.subarray(0, left));
  }
  return new Blob(parts, { type: "application/octet-stream" });
}

function postBlob(url, body, signal, onSent) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.responseType = "json";
    let sent = 0;
    xhr.upload.onprogress = (event) => {
      onSent(event.loaded - sent);
      sent = event.loaded;
    };
    xhr.onload = () => {
      const answer = xhr.response;
      if (xhr.status === BUSY_STATUS) {
        resolve(BUSY);
        return;
      }
      if (xhr.status !== 200 || !answer || typeof answer.bytes !== "number") {
        reject(new TestFailure("transfer_blocked"));
      } else {
        resolve({
          bytes: answer.bytes,
          headBytes: Number.isFinite(answer.head_bytes) ? answer.head_bytes : 0,
          received: answer.received,
        });
      }
    };
    xhr.onerror = () => reject(new TypeError("network error"));
    xhr.ontimeout = () => reject(new TestFailure("timeout"));
    const stop = () => xhr.abort();
    signal.addEventListener("abort", stop, { once: true });
    xhr.onloadend = () => signal.removeEventListener("abort", stop);
    xhr.onabort = () => resolve(null);
    xhr.send(body);
  });
}

/**
 * Upload: parallel streams of random bytes. The figure counts only what the server says it
 * received, spread over each request's time; progress events drive the live figure alone.
 */
export async function measureUpload(settings, signal, onProgress) {
  const phase = new Phase(settings, onProgress);
  const done = [];
  const inFlight = new Set();
  phase.sent = 0;
  // The server's answer leaves right after its last read and reaches us a one-way trip later.
  const oneWayMs = (settings.roundTripMs || 0) / 2;
  uploadSink = (bytes, t) => {
    if (bytes) done.push({ start: t - oneWayMs, end: t - oneWayMs, bytes });
  };
  const startStream = async (p) => {
    const stream = { last: 32 * 1024 };
    while (!p.controller.signal.aborted) {
      // About a second per request (longer on a long round trip): each one ends with a round
      // trip in which its stream sends nothing, which shorter requests turn into a visible loss.
      const size = nextSize(p, stream, p.requestSeconds, 64 * 1024, settings.maxUploadBytes);
      const request = { start: performance.now() };
      inFlight.add(request);
      const received = await postBlob(
        settings.uploadUrl,
        uploadBody(size),
        p.controller.signal,
        (bytes) => {
          p.sent += bytes;
          p.bytesUsed += bytes;
        },
      ).finally(() => inFlight.delete(request));
      if (received === null) return;
      if (received === BUSY) {
        await pause(BUSY_PAUSE_MS, p.controller.signal);
        continue;
      }
      const end = performance.now();
      done.push(receivedRequest(request.start, end, received, oneWayMs));
      p.total += received.bytes + received.headBytes;
      p.lastData = end;
    }
  };
  // The series is rebuilt from the completed requests, up to the start of the oldest request
  // still under way: before that instant, every byte the server received is known.
  const seriesUntil = (now) => {
    let until = now;
    for (const request of inFlight) until = Math.min(until, request.start);
    phase.series = acknowledgedSeries(done, phase.started, until);
    return until;
  };
  const mbps = await runPhase(phase, signal, startStream, seriesUntil).finally(() => {
    uploadSink = null;
  });
  return { mbps, phase };
}

/**
 * A finished upload request as the series counts it: its body and head bytes, placed where the
 * server read them (`received`: [ms before its answer, body bytes so far]; the answer reached
 * us at `end`, a one-way trip after it left). Spread evenly over the request's own span, a deep
 * queue's 200 ms moved bytes across the window's edges (1 and 3 Mbit/s uploads read 1-5 % low).
 * Without `received` (an older server), the body is spread over the request's span.
 */
export function receivedRequest(start, end, answer, oneWayMs = 0) {
  const bytes = answer.bytes + (answer.headBytes || 0);
  const arrivals = answer.received;
  if (!Array.isArray(arrivals) || arrivals.length < 2) return { start, end, bytes };
  const answered = end - oneWayMs;
  const head = answer.headBytes || 0;
  const points = arrivals.map(([msBefore, body]) => ({
    t: Math.max(start, answered - msBefore),
    bytes: head + body,
  }));
  return { start: points[0].t, end: points.at(-1).t, bytes, points };
}

/** A request's bytes received by time t: along its points, or evenly over its span. */
function requestBytesAt(r, t) {
  if (t >= r.end) return r.bytes;
  if (t < r.start) return 0;
  if (r.points) return bytesAt(r.points, t);
  return r.end > r.start ? (r.bytes * (t - r.start)) / (r.end - r.start) : 0;
}

/**
 * Cumulative received bytes over time, each request's bytes placed along its points (where the
 * server read them) or spread evenly over its span. The last point is at `until` itself: a
 * series that stopped up to a step short of it left those bytes out of a window that still
 * ended at `until` (the upload read up to 1 % low).
 */
export function acknowledgedSeries(requests, from, until, stepMs = 50) {
  const series = [];
  const at = (t) => {
    let bytes = 0;
    for (const r of requests) bytes += requestBytesAt(r, t);
    return { t, bytes };
  };
  for (let t = from; t < until; t += stepMs) series.push(at(t));
  series.push(at(until));
  return series;
}

/** What the browser says about the device, stored with the result for the support desk. */
export function deviceSummary() {
  const connection = navigator.connection;
  return {
    user_agent: navigator.userAgent.slice(0, 300),
    platform: navigator.userAgentData?.platform ?? navigator.platform ?? null,
    mobile: navigator.userAgentData?.mobile ?? null,
    cores: navigator.hardwareConcurrency ?? null,
    memory_gb: navigator.deviceMemory ?? null,
    screen: `${screen.width}x${screen.height}`,
    effective_type: connection?.effectiveType ?? null,
    reported_downlink_mbps: connection?.downlink ?? null,
    reported_rtt_ms: connection?.rtt ?? null,
    save_data: connection?.saveData ?? null,
  };
}

export function connectionType() {
  const connection = navigator.connection;
  if (!connection) return null;
  return connection.type && connection.type !== "unknown"
    ? connection.type
    : connection.effectiveType ?? null;
}
