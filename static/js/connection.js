// The connection test page: runs the measurement, shows it live, saves the result.
import {
  bytesAt,
  connectionType,
  deviceSummary,
  measureDownload,
  measureLatency,
  measureUpload,
  measurableRoundTrip,
  loadedLatency,
  ratesPerInterval,
  startLatencyProbes,
  TestFailure,
} from "./measure.js";
import { measureMediaPath } from "./media.js";
import { probePlatform } from "./platform.js";
import { announce, fill, pageMessages, postJSON } from "./page.js";

const root = document.querySelector("[data-connection-test]");
const messages = pageMessages();
const settings = JSON.parse(document.getElementById("connection-settings").textContent);
const lang = document.documentElement.lang;
const decimals = new Intl.NumberFormat(`${lang}-CA`, { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat(`${lang}-CA`, { maximumFractionDigits: 0 });

const parts = {
  progress: root.querySelector("[data-progress]"),
  phase: root.querySelector("[data-phase]"),
  figure: root.querySelector("[data-live-figure]"),
  chart: root.querySelector("[data-chart] polyline"),
  cancel: root.querySelector("[data-cancel]"),
  announcer: root.querySelector("[data-announce]"),
  message: root.querySelector("[data-message]"),
  start: root.querySelector("[data-start]"),
  slot: document.querySelector("[data-result-slot]"),
};

let running = null;

function speed(mbps) {
  return fill(messages.speed, { value: decimals.format(mbps) });
}

function showPhase(text) {
  parts.phase.textContent = text;
  parts.figure.textContent = "";
  parts.chart.setAttribute("points", "");
  announce(parts.announcer, text);
}

/** The live figure and the chart: the rate over the last second, and every quarter second. */
function drawProgress(phase, liveBytes) {
  const now = performance.now();
  const recent = liveBytes(now) - liveBytes(now - 1000);
  if (now - phase.started > 500) parts.figure.textContent = speed((recent * 8) / 1000 / 1000);
  const rates = ratesPerInterval(phase.liveSeries, phase.started, now);
  const top = Math.max(1, ...rates);
  const step = 300 / Math.max(20, rates.length);
  parts.chart.setAttribute(
    "points",
    rates.map((rate, i) => `${(i * step).toFixed(1)},${(78 - (rate / top) * 74).toFixed(1)}`).join(" "),
  );
}

function liveTracker(phase, counter) {
  phase.liveSeries = [{ t: phase.started, bytes: 0 }];
  return () => {
    phase.liveSeries.push({ t: performance.now(), bytes: counter() });
  };
}

function bytesSince(series) {
  return (t) => bytesAt(series, t);
}

function showMessage(text) {
  parts.message.textContent = text;
  parts.message.hidden = !text;
}

function setRunning(isRunning) {
  parts.progress.hidden = !isRunning;
  parts.start.disabled = isRunning;
  if (!isRunning) {
    parts.start.textContent = messages.startAgain;
  }
}

async function saveResult(report, { quiet = false } = {}) {
  if (!quiet) announce(parts.announcer, messages.saving);
  let answer;
  try {
    answer = await postJSON(settings.resultUrl, report);
  } catch {
    // After a failure the patient already has its message; an unsaved failure adds nothing.
    if (!quiet) showMessage(messages.notSaved);
    return;
  }
  parts.slot.innerHTML = answer.html;
  announce(parts.announcer, messages.finished);
  parts.slot.querySelector("h2")?.focus();
}

async function runTest() {
  if (running) return;
  const controller = new AbortController();
  running = controller;
  const started = performance.now();
  const samples = { device: deviceSummary() };
  const loaded = {};
  let answered = {};
  let bytesUsed = 0;
  showMessage("");
  setRunning(true);
  // The video platform's own addresses, loaded alongside the test (platform.js).
  const platform = probePlatform(settings);
  try {
    showPhase(messages.phaseLatency);
    const latency = await measureLatency(settings, controller.signal, (ms) => {
      parts.figure.textContent = fill(messages.milliseconds, { value: whole.format(ms) });
    });
    samples.latency_ms = latency.samples;
    answered = { latency_ms: round(latency.latencyMs), jitter_ms: round(latency.jitterMs) };
    // A round trip too long to measure the link in the time allowed: a clear failure with the
    // round trip that explains it, not figures read off the ramp-up.
    if (!measurableRoundTrip(latency.latencyMs, settings)) throw new TestFailure("latency_high");

    showPhase(messages.phaseDownload);
    // The ramp-up and the size of each request follow the round trip just measured.
    const linkSettings = { ...settings, roundTripMs: latency.latencyMs };
    // The probes' answers share the link with the download: counted with it.
    const link = {};
    const onAnswer = (bytes) => link.add?.(bytes);
    let stopProbes = startLatencyProbes(settings, controller.signal, { onAnswer });
    const download = await measureDownload(
      linkSettings,
      controller.signal,
      (phase) => {
        phase.liveSeries = phase.series;
        drawProgress(phase, bytesSince(phase.series));
      },
      link,
    ).finally(async () => {
      loaded.down = await stopProbes();
      samples.loaded_latency_down_ms = loaded.down.all;
    });
    bytesUsed += download.phase.bytesUsed;
    samples.download_mbps = ratesPerInterval(
      download.phase.series,
      download.phase.started,
      download.phase.lastData,
    );

    showPhase(messages.phaseUpload);
    let track = null;
    stopProbes = startLatencyProbes(settings, controller.signal);
    const upload = await measureUpload(linkSettings, controller.signal, (phase) => {
      track ??= liveTracker(phase, () => phase.sent);
      track();
      drawProgress(phase, bytesSince(phase.liveSeries));
    }).finally(async () => {
      loaded.up = await stopProbes();
      samples.loaded_latency_up_ms = loaded.up.all;
    });
    bytesUsed += upload.phase.bytesUsed;
    samples.upload_mbps = ratesPerInterval(
      upload.phase.series,
      upload.phase.started,
      upload.phase.series.at(-1)?.t ?? upload.phase.started,
    );
    samples.seconds = {
      download: Math.round(download.phase.lastData - download.phase.started) / 1000,
      upload: Math.round(performance.now() - upload.phase.started) / 1000,
    };

    const media = await mediaPath(controller);
    setRunning(false);
    await saveResult({
      ...media,
      ...(await platform),
      download_mbps: round(download.mbps),
      upload_mbps: round(upload.mbps),
      ...answered,
      loaded_latency_down_ms: roundOrNull(loadedLatency(loaded.down)),
      loaded_latency_up_ms: roundOrNull(loadedLatency(loaded.up)),
      samples,
      bytes_used: bytesUsed,
      duration_ms: Math.round(performance.now() - started),
      connection_type: connectionType(),
    });
  } catch (error) {
    const cause = controller.signal.aborted ? controller.signal.reason : error;
    // A speed test that found no steady part (timeout) or was blocked still reached us: the
    // call's packets are worth checking, as a lossy link is often why the test stalled.
    const media =
      cause instanceof TestFailure && MEDIA_AFTER_FAILURE.has(cause.reason) && !controller.signal.aborted
        ? await mediaPath(controller).catch(() => null)
        : null;
    setRunning(false);
    if (cause instanceof TestFailure) {
      showMessage(fill(messages[cause.reason], { value: whole.format(answered.latency_ms ?? 0) }));
      await saveResult(
        {
          ...answered,
          ...media,
          ...(await platform),
          failure: cause.reason,
          samples,
          bytes_used: bytesUsed,
          duration_ms: Math.round(performance.now() - started),
          connection_type: connectionType(),
        },
        { quiet: true },
      );
    } else if (controller.signal.aborted) {
      showMessage(messages.cancelled);
    } else {
      showMessage(messages.server_unreachable);
    }
  } finally {
    running = null;
  }
}

const MEDIA_AFTER_FAILURE = new Set(["timeout", "transfer_blocked"]);

/** The media path's figures, or null when this browser or our server cannot check it. */
async function mediaPath(controller) {
  if (settings.mediaOfferUrl) showPhase(messages.phaseMedia);
  return measureMediaPath(settings, controller.signal).catch((error) => {
    if (controller.signal.aborted) throw error;
    return null; // a browser or server that cannot run it: left out, not failed
  });
}

function round(value) {
  return Math.round(value * 100) / 100;
}

function roundOrNull(value) {
  return value === null ? null : round(value);
}

parts.start.addEventListener("click", runTest);
parts.cancel.addEventListener("click", () => running?.abort());
window.addEventListener("offline", () => running?.abort(new TestFailure("offline")));
if (root.dataset.autostart === "true") {
  runTest();
}
