// Hear yourself: 3 seconds from the microphone, recorded and played back in this page only.
// The recording is never sent anywhere: it lives in a blob: URL, dropped on the next recording
// and when the page goes away. Only the patient's answer (clearly, badly, not at all) is sent.
import { announce, pageMessages, postJSON } from "./page.js";

const messages = pageMessages();
const root = document.getElementById("device-check");
const box = root.querySelector('[data-role="echo"]');
const part = (role) => box.querySelector(`[data-role="${role}"]`);
const record = box.querySelector('[data-testid="echo-record"]');
const audio = part("echo-audio");
const answers = part("echo-answers");
const announcer = document.getElementById("device-announcer");
const seconds = Number(box.dataset.seconds) || 3;
let recordingUrl = null;

function say(text) {
  part("echo-progress").textContent = text;
  announce(announcer, text);
}

function forget() {
  if (recordingUrl) URL.revokeObjectURL(recordingUrl);
  recordingUrl = null;
  audio.removeAttribute("src");
  audio.hidden = true;
}

/** Record `seconds` from the chosen microphone; resolves with the recording as a Blob. */
async function recordVoice() {
  const choice = root.querySelector('[data-kind="microphone"] [data-role="select"]')?.value;
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: choice ? { deviceId: { exact: choice } } : true,
  });
  try {
    const recorder = new MediaRecorder(stream);
    const chunks = [];
    recorder.addEventListener("dataavailable", (event) => chunks.push(event.data));
    const stopped = new Promise((resolve) => recorder.addEventListener("stop", resolve));
    recorder.start();
    await new Promise((resolve) => window.setTimeout(resolve, seconds * 1000));
    recorder.stop();
    await stopped;
    return new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
  } finally {
    stream.getTracks().forEach((track) => track.stop());
  }
}

async function recordAndPlay() {
  record.disabled = true;
  answers.hidden = true;
  delete box.dataset.state;
  forget();
  say(messages.echo_recording);
  let recording;
  try {
    recording = await recordVoice();
  } catch {
    say(messages.echo_failed);
    record.disabled = false;
    box.dataset.state = "failed";
    return;
  }
  recordingUrl = URL.createObjectURL(recording);
  box.dataset.recordedBytes = String(recording.size);
  audio.src = recordingUrl;
  audio.hidden = false;
  answers.hidden = false;
  record.disabled = false;
  box.dataset.state = "recorded";
  try {
    await audio.play();
    say(messages.echo_playing);
  } catch {
    // A browser that plays sound only right after a tap (Safari): the player's own button.
    say(messages.echo_press_play);
  }
}

audio.addEventListener("playing", () => {
  box.dataset.state = "playing";
});
audio.addEventListener("ended", () => {
  box.dataset.state = "played";
});

async function answer(value) {
  try {
    const saved = await postJSON(box.dataset.echoUrl, { answer: value });
    const detail = saved.status === "pass" ? messages.echo_pass : "";
    part("echo-progress").textContent = ""; // the microphone's result says it now
    // devices.js shows it like every other result (status words, reason, help).
    root.dispatchEvent(new CustomEvent("device-result", { detail: { ...saved, detail } }));
  } catch {
    say(messages.save_failed);
  }
}

if (typeof window.MediaRecorder === "function" && navigator.mediaDevices?.getUserMedia) {
  part("echo-controls").hidden = false;
  record.addEventListener("click", recordAndPlay);
  answers.querySelectorAll("[data-answer]").forEach((button) => {
    button.addEventListener("click", () => answer(button.dataset.answer));
  });
  window.addEventListener("pagehide", forget);
} else {
  part("echo-unsupported").hidden = false;
}
