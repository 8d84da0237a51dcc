// The device step: browser support, camera, microphone and speakers, tested in this browser.
// Nothing the camera or microphone captures leaves the page: only the outcome is sent.
import { announce, fill, pageMessages, postJSON } from "./page.js";

const messages = pageMessages();
const root = document.getElementById("device-check");
const resultUrl = root.dataset.resultUrl;
const announcer = document.getElementById("device-announcer");
const section = (kind) => root.querySelector(`[data-kind="${kind}"]`);
const part = (kind, role) => section(kind).querySelector(`[data-role="${role}"]`);
const action = (kind, name) => section(kind).querySelector(`[data-action="${name}"]`);

const DARK_LUMINANCE = 18; // mean luma (0-255) under which a picture counts as black
const SPEECH_RMS = 0.02; // about -34 dBFS: a voice at arm's length, not room noise
const SPEECH_MS = 300; // that much sound above the threshold counts as speech

// Every stream this page opened, so each can be stopped when the step ends.
const streams = { camera: null, microphone: null };
let microphoneRun = null;
let speakerContext = null;

function stopStream(kind) {
  const stream = streams[kind];
  if (stream) {
    stream.getTracks().forEach((track) => track.stop());
    streams[kind] = null;
  }
}

function stopEverything() {
  stopStream("camera");
  stopStream("microphone");
  if (microphoneRun) microphoneRun.cancel();
  if (speakerContext) speakerContext.close();
  speakerContext = null;
}

window.addEventListener("pagehide", stopEverything);

// Showing a result: status words (never colour alone), the reason and its instructions.

function show(kind, status, reason, detail, moveFocus = true) {
  const element = section(kind);
  element.dataset.status = status;
  if (reason) {
    element.dataset.reason = reason;
  } else {
    delete element.dataset.reason;
  }
  part(kind, "status-word").textContent = messages.status[status];
  const text = detail || (reason ? messages.reasons[reason] : "");
  part(kind, "status-detail").textContent = text;
  const help = part(kind, "help");
  help.replaceChildren();
  const template = reason && status === "fail" && document.querySelector(
    `template[data-help-reason="${reason}"]`,
  );
  if (template) {
    help.append(template.content.cloneNode(true));
    help.dataset.reason = reason;
  } else {
    delete help.dataset.reason;
  }
  announce(announcer, `${messages.status[status]}. ${text}`);
  if (moveFocus && template && template.content.childElementCount > 0) {
    help.focus();
  }
}

/** A test is under way: the earlier result no longer stands. */
function startTest(kind) {
  const element = section(kind);
  element.dataset.status = "";
  delete element.dataset.reason;
  part(kind, "status-word").textContent = messages.status.testing;
  part(kind, "status-detail").textContent = "";
  part(kind, "help").replaceChildren();
}

function showProgress(kind, text) {
  part(kind, "status-detail").textContent = text;
  announce(announcer, text);
}

/** Store a result; the page shows it only once the server has it, so both always agree. */
async function record(kind, status, reason = null, details = {}, detail = "") {
  try {
    const saved = await postJSON(resultUrl, { kind, status, reason, details });
    show(kind, saved.status, saved.reason, detail);
  } catch {
    showProgress(kind, messages.save_failed);
  }
}

// getUserMedia errors, told apart.

async function hasDevice(kind) {
  const wanted = kind === "camera" ? "videoinput" : "audioinput";
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices.some((device) => device.kind === wanted);
  } catch {
    return false;
  }
}

async function reasonFor(error, kind) {
  if (!window.isSecureContext) return "insecure_page";
  switch (error && error.name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return "permission_denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
      return "device_not_found";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "device_busy";
    case "OverconstrainedError":
    case "ConstraintNotSatisfiedError":
      return (await hasDevice(kind)) ? "device_constraints" : "device_not_found";
    default:
      return "device_not_found";
  }
}

function mediaAvailable() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

/** Offer a choice when there is more than one device of a kind. */
async function fillChoice(kind, deviceKind, currentId) {
  let devices = [];
  try {
    devices = (await navigator.mediaDevices.enumerateDevices()).filter(
      (device) => device.kind === deviceKind,
    );
  } catch {
    return;
  }
  const select = part(kind, "select");
  select.replaceChildren(
    ...devices.map((device, index) => {
      const option = document.createElement("option");
      option.value = device.deviceId;
      option.textContent =
        device.label || fill(messages.device_number, { number: index + 1 });
      option.selected = device.deviceId === currentId;
      return option;
    }),
  );
  part(kind, "choice").hidden = devices.length < 2;
  return devices.length;
}

// Camera.

function meanLuminance(video, canvas) {
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    sum += 0.2126 * pixels[i] + 0.7152 * pixels[i + 1] + 0.0722 * pixels[i + 2];
  }
  return sum / (pixels.length / 4);
}

const pause = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

/** The brightest of a few samples: one bright frame is enough to show the lens is open. */
async function brightestFrame(video) {
  const canvas = document.createElement("canvas");
  canvas.width = 32;
  canvas.height = 24;
  let brightest = 0;
  for (let sample = 0; sample < 5; sample += 1) {
    await pause(250);
    if (video.videoWidth > 0) {
      brightest = Math.max(brightest, meanLuminance(video, canvas));
    }
  }
  return brightest;
}

async function testCamera(deviceId = null) {
  stopStream("camera");
  startTest("camera");
  const preview = part("camera", "preview");
  if (!mediaAvailable()) {
    await record("camera", "fail", await reasonFor(null, "camera"));
    return;
  }
  showProgress("camera", messages.camera_asking);
  const video = { width: { ideal: 1280 }, height: { ideal: 720 } };
  if (deviceId) video.deviceId = { exact: deviceId };
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video });
  } catch (error) {
    await record("camera", "fail", await reasonFor(error, "camera"), { error: error.name });
    return;
  }
  streams.camera = stream;
  preview.srcObject = stream;
  preview.hidden = false;
  action("camera", "stop").hidden = false;
  await preview.play().catch(() => {});
  const track = stream.getVideoTracks()[0];
  const settings = track.getSettings();
  const cameras = await fillChoice("camera", "videoinput", settings.deviceId);
  showProgress("camera", messages.camera_checking);
  const luminance = await brightestFrame(preview);
  const details = {
    width: settings.width ?? null,
    height: settings.height ?? null,
    frame_rate: settings.frameRate ? Math.round(settings.frameRate * 10) / 10 : null,
    cameras: cameras ?? null,
    luminance: Math.round(luminance),
  };
  if (luminance < DARK_LUMINANCE) {
    await record("camera", "fail", "black_picture", details);
    return;
  }
  // Canadian formats, as the server writes them: « 1 280 × 720 » in French.
  const locale = document.documentElement.lang === "fr" ? "fr-CA" : "en-CA";
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const text = fill(messages.camera_pass, {
    width: details.width == null ? "?" : numbers.format(details.width),
    height: details.height == null ? "?" : numbers.format(details.height),
    rate: details.frame_rate === null ? "?" : numbers.format(details.frame_rate),
  });
  await record("camera", "pass", null, details, text);
}

action("camera", "test").addEventListener("click", () => testCamera(part("camera", "select").value || null));
part("camera", "select").addEventListener("change", (event) => testCamera(event.target.value));
action("camera", "skip").addEventListener("click", () => {
  stopStream("camera");
  part("camera", "preview").hidden = true;
  record("camera", "skipped", "device_not_found", {}, messages.camera_skipped);
});
action("camera", "stop").addEventListener("click", () => {
  stopStream("camera");
  const preview = part("camera", "preview");
  preview.srcObject = null;
  preview.hidden = true;
  action("camera", "stop").hidden = true;
  announce(announcer, messages.camera_off);
  action("camera", "test").focus();
});

// Microphone: a level meter, and a pass once speech-level sound has been heard.

function newAudioContext() {
  const AudioContextClass = window.AudioContext || window.webkitAudioContext;
  return new AudioContextClass();
}

function listen(context, stream, meter, timeoutSeconds) {
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let heardMs = 0;
  let peak = 0;
  let timer = null;
  let finish;
  const done = new Promise((resolve) => {
    finish = resolve;
  });
  const started = performance.now();
  let last = started;
  const stop = (outcome) => {
    window.clearInterval(timer);
    context.close();
    meter.value = 0;
    finish(outcome);
  };
  context.resume();
  timer = window.setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const value of samples) sum += value * value;
    const rms = Math.sqrt(sum / samples.length);
    peak = Math.max(peak, rms);
    const decibels = 20 * Math.log10(Math.max(rms, 1e-6));
    meter.value = Math.max(0, Math.min(100, ((decibels + 60) / 60) * 100));
    const now = performance.now();
    if (rms >= SPEECH_RMS) heardMs += now - last;
    last = now;
    if (heardMs >= SPEECH_MS) {
      stop({ heard: true, heardMs, peak });
    } else if (now - started > timeoutSeconds * 1000) {
      stop({ heard: false, heardMs, peak });
    }
  }, 50);
  return { done, cancel: () => stop({ heard: false, cancelled: true, heardMs, peak }) };
}

async function testMicrophone(deviceId = null) {
  if (microphoneRun) microphoneRun.cancel();
  stopStream("microphone");
  startTest("microphone");
  if (!mediaAvailable()) {
    await record("microphone", "fail", await reasonFor(null, "microphone"));
    return;
  }
  showProgress("microphone", messages.microphone_asking);
  // Made before the first await, while the tap still counts: Safari wants that for sound.
  const context = newAudioContext();
  const audio = deviceId ? { deviceId: { exact: deviceId } } : true;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio });
  } catch (error) {
    context.close();
    await record("microphone", "fail", await reasonFor(error, "microphone"), {
      error: error.name,
    });
    return;
  }
  streams.microphone = stream;
  offerOutputs(); // with the microphone allowed, the browser names the outputs too
  const settings = stream.getAudioTracks()[0].getSettings();
  const microphones = await fillChoice("microphone", "audioinput", settings.deviceId);
  showProgress("microphone", messages.microphone_listening);
  const timeout = Number(section("microphone").dataset.timeoutSeconds) || 15;
  const run = listen(context, stream, part("microphone", "meter"), timeout);
  microphoneRun = run;
  const outcome = await run.done;
  if (microphoneRun === run) microphoneRun = null;
  if (streams.microphone === stream) stopStream("microphone");
  if (outcome.cancelled) return;
  const details = {
    microphones: microphones ?? null,
    speech_ms: Math.round(outcome.heardMs),
    peak_level: Math.round(outcome.peak * 1000) / 1000,
  };
  if (outcome.heard) {
    await record("microphone", "pass", null, details, messages.microphone_pass);
  } else {
    await record("microphone", "fail", "no_sound", details);
  }
}

action("microphone", "test").addEventListener("click", () =>
  testMicrophone(part("microphone", "select").value || null),
);
part("microphone", "select").addEventListener("change", (event) =>
  testMicrophone(event.target.value),
);

// Speakers: a short chime made here, then the patient says whether they heard it.

async function playChime() {
  if (!speakerContext || speakerContext.state === "closed") {
    speakerContext = newAudioContext();
  }
  const context = speakerContext;
  const choice = part("speakers", "select").value;
  if (choice && typeof context.setSinkId === "function") {
    await context.setSinkId(choice).catch(() => {});
  }
  await context.resume();
  const start = context.currentTime + 0.05;
  [523.25, 659.25, 783.99, 1046.5].forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    const at = start + index * 0.3;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.5, at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.28);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.3);
  });
}

/** Chromium lets the page send sound to a chosen output once the page may list devices. */
async function offerOutputs() {
  if (typeof (window.AudioContext && AudioContext.prototype.setSinkId) !== "function") return;
  await fillChoice("speakers", "audiooutput", "");
}

action("speakers", "test").addEventListener("click", async () => {
  startTest("speakers");
  showProgress("speakers", messages.speakers_playing);
  part("speakers", "answers").hidden = false;
  await playChime();
});
action("speakers", "heard").addEventListener("click", () =>
  record("speakers", "pass", null, {}, messages.speakers_pass),
);
action("speakers", "not-heard").addEventListener("click", () =>
  record("speakers", "fail", "not_heard"),
);

// Browser and device: what only the browser knows, judged on the server.

async function checkBrowser() {
  const features = {
    media_devices: mediaAvailable(),
    peer_connection: typeof window.RTCPeerConnection === "function",
    secure_context: window.isSecureContext === true,
    audio_context: Boolean(window.AudioContext || window.webkitAudioContext),
    sink_choice: Boolean(window.AudioContext && AudioContext.prototype.setSinkId),
  };
  const detail = () => (section("browser").dataset.status === "pass" ? messages.browser_pass : "");
  try {
    const saved = await postJSON(resultUrl, {
      kind: "browser",
      features,
      touch_points: navigator.maxTouchPoints || 0,
    });
    section("browser").dataset.status = saved.status;
    show("browser", saved.status, saved.reason, detail(), false);
  } catch {
    showProgress("browser", messages.save_failed);
  }
}

// A result stored by another script on this page (echo.js: hearing oneself back).
root.addEventListener("device-result", (event) => {
  const { kind, status, reason, detail } = event.detail;
  show(kind, status, reason, detail);
});

checkBrowser();
offerOutputs();
