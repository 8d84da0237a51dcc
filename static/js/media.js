// The media path: can a call's packets reach our server and come back, and by which route?
// A WebRTC peer connection to our own server (no camera, no microphone: only test packets),
// packets the size and rate of a video call sent unordered and unreliable, each way.

import { median } from "./measure.js";

const HEADER_BYTES = 13; // kind (1 byte), sequence number (4), sender's clock in ms (8)
// After a direction's last packet: how long its last packets may still be on their way.
const LAST_PACKETS_MS = 500;
// On a lossy link the data channel's congestion window shrinks and packets wait in the
// sender's queue: they are late, not lost. How long each end waits for that queue to empty.
const QUEUE_DRAIN_MS = 8000;
// While connecting: how often to look whether every candidate pair has failed.
const PAIR_LOOK_MS = 250;
// A pair whose checks went unanswered this long (and for at least 6 round trips of the link the
// speed test measured) has failed: on a 60 ms link that is about 30 checks with no answer.
const QUIET_MS = 2000;
const QUIET_ROUND_TRIPS = 6;
const MIN_UNANSWERED_CHECKS = 10;

/** The route a call would take, from the local candidate of the pair in use. */
export function routeOf(localCandidate) {
  if (!localCandidate) return "none";
  if (localCandidate.candidateType === "relay") {
    const protocol = localCandidate.relayProtocol ?? localCandidate.protocol;
    if (protocol === "tls") return "tls";
    return protocol === "tcp" ? "relay-tcp" : "relay-udp";
  }
  return localCandidate.protocol === "tcp" ? "tcp" : "udp";
}

export function lossPercent(sent, received) {
  if (!sent) return null;
  return (Math.max(0, sent - received) * 100) / sent;
}

/** RFC 3550's interarrival jitter, in ms: the smoothed change in one-way transit time. */
export class TransitJitter {
  constructor() {
    this.jitter = 0;
    this.lastTransit = null;
  }

  add(sentMs, arrivedMs) {
    const transit = arrivedMs - sentMs;
    if (this.lastTransit !== null) {
      this.jitter += (Math.abs(transit - this.lastTransit) - this.jitter) / 16;
    }
    this.lastTransit = transit;
  }
}

function packet(kind, sequence, size) {
  const buffer = new ArrayBuffer(Math.max(size, HEADER_BYTES));
  const view = new DataView(buffer);
  view.setUint8(0, kind.charCodeAt(0));
  view.setUint32(1, sequence);
  view.setFloat64(5, performance.timeOrigin + performance.now());
  return buffer;
}

function readPacket(data) {
  const view = new DataView(data);
  return {
    kind: String.fromCharCode(view.getUint8(0)),
    sequence: view.getUint32(1),
    sentMs: view.getFloat64(5),
  };
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** Resolve true once check() is true (looked at every 50 ms), or false after ms. */
async function waitFor(check, ms, signal) {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) return false;
    await sleep(50, signal);
  }
  return true;
}

/** The next control message of the given type, or null after ms. */
function nextMessage(channel, type, ms) {
  return new Promise((resolve) => {
    const listener = (event) => {
      let message = null;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message?.type !== type) return;
      clearTimeout(timer);
      channel.removeEventListener("message", listener);
      resolve(message);
    };
    const timer = setTimeout(() => {
      channel.removeEventListener("message", listener);
      resolve(null);
    }, ms);
    channel.addEventListener("message", listener);
  });
}

/**
 * Whether a candidate pair has failed: the browser says so, or its connectivity checks have gone
 * unanswered for `quietMs` (Chromium itself gives up on a pair only after 15 s of silence, with
 * about 16 checks a second; an answer takes one round trip, so seconds of silence are a verdict).
 */
export function pairFailed(pair, silentMs, quietMs) {
  if (pair.state === "failed") return true;
  if (pair.state === "succeeded" || pair.responsesReceived > 0) return false;
  return pair.requestsSent >= MIN_UNANSWERED_CHECKS && silentMs >= quietMs;
}

/**
 * Whether ICE has given up: gathering is over and every candidate pair it formed has failed.
 * Waiting out the rest of the connect timeout then tells nothing more.
 */
export function everyPairFailed(pairs, gatheringComplete, silentMs = () => 0, quietMs = 0) {
  return (
    gatheringComplete &&
    pairs.length > 0 &&
    pairs.every((pair) => pairFailed(pair, silentMs(pair), quietMs))
  );
}

/** How long a pair's checks may go unanswered before it counts as failed, in ms. */
export function quietLimitMs(roundTripMs) {
  return Math.max(QUIET_MS, QUIET_ROUND_TRIPS * (roundTripMs || 0));
}

function iceWatcher(pc, quietMs) {
  const firstCheck = new Map(); // pair id -> when its first check was seen going out
  return async () => {
    if (["failed", "closed"].includes(pc.connectionState) || pc.iceConnectionState === "failed") {
      return true;
    }
    const stats = await pc.getStats();
    const now = performance.now();
    const pairs = [];
    stats.forEach((report) => {
      if (report.type !== "candidate-pair") return;
      pairs.push(report);
      if (report.requestsSent > 0 && !firstCheck.has(report.id)) firstCheck.set(report.id, now);
    });
    const silent = (pair) => now - (firstCheck.get(pair.id) ?? now);
    return everyPairFailed(pairs, pc.iceGatheringState === "complete", silent, quietMs);
  };
}

/**
 * Resolve true once both channels are open; false at the connect timeout, or as soon as every
 * candidate pair has failed (UDP dropped with no relay: no need to wait the whole timeout).
 */
async function waitForConnection(pc, open, timeoutMs, quietMs, signal) {
  const until = performance.now() + timeoutMs;
  const gaveUp = iceWatcher(pc, quietMs);
  let nextLook = 0;
  while (!open()) {
    const now = performance.now();
    if (now > until) return false;
    if (now >= nextLook) {
      nextLook = now + PAIR_LOOK_MS;
      if (await gaveUp()) return open();
    }
    await sleep(50, signal);
  }
  return true;
}

async function selectedCandidate(pc) {
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((report) => {
    if (report.type === "transport" && report.selectedCandidatePairId) {
      pair = stats.get(report.selectedCandidatePairId);
    }
  });
  if (!pair) {
    stats.forEach((report) => {
      if (report.type === "candidate-pair" && report.state === "succeeded" && report.nominated) {
        pair ??= report;
      }
    });
  }
  return { pair, local: pair ? stats.get(pair.localCandidateId) : null };
}

async function iceServers(settings) {
  try {
    const response = await fetch(settings.mediaIceServersUrl, { cache: "no-store" });
    return response.ok ? (await response.json()).ice_servers : [];
  } catch {
    return [];
  }
}

async function sendOffer(settings, pc) {
  const response = await fetch(settings.mediaOfferUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sdp: pc.localDescription.sdp }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/**
 * Our packets out, echoes back: how many left, the round trips of those that came back.
 * Resolves once every packet has left the browser's queue and had time to arrive, so the
 * server's count asked for next does not call a packet still queued here lost.
 */
export async function sendPackets(media, count, intervalMs, size, signal) {
  const sentAt = new Map();
  const roundTrips = [];
  const onEcho = (event) => {
    const echo = readPacket(event.data);
    if (echo.kind !== "E" || !sentAt.has(echo.sequence)) return;
    roundTrips.push(performance.now() - sentAt.get(echo.sequence));
    sentAt.delete(echo.sequence);
  };
  media.addEventListener("message", onEcho);
  const started = performance.now();
  let sent = 0;
  for (; sent < count && media.readyState === "open"; sent += 1) {
    await sleep(Math.max(0, started + sent * intervalMs - performance.now()), signal);
    sentAt.set(sent, performance.now());
    media.send(packet("U", sent, size));
  }
  // The control channel's request may overtake media packets still queued here (the browser
  // sends from each channel in turn): first let the queue empty, then the last ones arrive.
  await waitFor(() => media.bufferedAmount === 0, QUEUE_DRAIN_MS, signal);
  await sleep(LAST_PACKETS_MS + (median(roundTrips) ?? 0), signal);
  media.removeEventListener("message", onEcho);
  return { sent, roundTrips };
}

/**
 * The server's packets in: how many arrived, and how steadily. The server says "sent" on the
 * control channel behind its last packet (its queue is first in, first out), so the count
 * waits for that word even when a shrunken congestion window holds its packets back.
 */
export async function receivePackets(control, media, count, intervalMs, size, signal) {
  const arrived = new Set();
  const jitter = new TransitJitter();
  const onPacket = (event) => {
    const data = readPacket(event.data);
    if (data.kind !== "D" || arrived.has(data.sequence)) return;
    arrived.add(data.sequence);
    jitter.add(data.sentMs, performance.timeOrigin + performance.now());
  };
  media.addEventListener("message", onPacket);
  const finished = nextMessage(control, "sent", count * intervalMs + QUEUE_DRAIN_MS);
  control.send(JSON.stringify({ type: "send", count, interval_ms: intervalMs, size }));
  const report = await finished;
  await sleep(LAST_PACKETS_MS, signal); // packets still on their way when the word arrived
  media.removeEventListener("message", onPacket);
  return { sent: report?.count ?? count, received: arrived.size, jitterMs: jitter.jitter };
}

/**
 * The media-path figures for the connection report, or null when this browser cannot run the
 * check or our server does not offer it (the check is then left out, not failed).
 */
export async function measureMediaPath(settings, signal) {
  if (!settings.mediaOfferUrl || typeof RTCPeerConnection === "undefined") return null;
  const started = performance.now();
  const pc = new RTCPeerConnection({ iceServers: await iceServers(settings) });
  try {
    const control = pc.createDataChannel("control");
    const media = pc.createDataChannel("media", { ordered: false, maxRetransmits: 0 });
    media.binaryType = "arraybuffer";
    await pc.setLocalDescription(await pc.createOffer());
    await waitFor(() => pc.iceGatheringState === "complete", 5000, signal);
    let answer;
    try {
      answer = await sendOffer(settings, pc);
    } catch {
      return null;
    }
    await pc.setRemoteDescription(answer);
    const open = () => control.readyState === "open" && media.readyState === "open";
    const quietMs = quietLimitMs(settings.roundTripMs);
    const connected = await waitForConnection(
      pc,
      open,
      settings.mediaConnectTimeoutMs,
      quietMs,
      signal,
    );
    if (signal?.aborted) throw signal.reason;
    if (!connected) return { media_route: "none" };
    const connectMs = performance.now() - started;
    const { pair, local } = await selectedCandidate(pc);

    const count = Math.round(settings.mediaSeconds * settings.mediaPacketsPerSecond);
    const intervalMs = 1000 / settings.mediaPacketsPerSecond;
    const up = await sendPackets(media, count, intervalMs, settings.mediaPacketBytes, signal);
    const counts = await askCounts(control);
    const down = await receivePackets(
      control,
      media,
      count,
      intervalMs,
      settings.mediaPacketBytes,
      signal,
    );
    const pairRtt = pair?.currentRoundTripTime != null ? pair.currentRoundTripTime * 1000 : null;
    return {
      media_route: routeOf(local),
      media_candidate_type: local?.candidateType ?? null,
      media_connect_ms: round(connectMs),
      media_rtt_ms: round(median(up.roundTrips) ?? pairRtt),
      media_jitter_ms: round(Math.max(down.jitterMs, counts?.jitter_ms ?? 0)),
      media_loss_up_percent: counts ? round(lossPercent(up.sent, counts.received)) : null,
      media_loss_down_percent: round(lossPercent(down.sent, down.received)),
    };
  } finally {
    pc.close();
  }
}

/**
 * The server's count of our packets. On a lossy link the reliable control channel's answer may
 * wait out a retransmission timeout or two (1 s, then 2 s): it gets as long as a queue drains.
 */
export function askCounts(control, ms = QUEUE_DRAIN_MS) {
  return nextMessageAfter(control, { type: "counts" }, "counts", ms);
}

function nextMessageAfter(channel, request, type, ms) {
  const reply = nextMessage(channel, type, ms);
  channel.send(JSON.stringify(request));
  return reply;
}

function round(value) {
  return value == null ? null : Math.round(value * 100) / 100;
}
