// "Continue on your phone", on the computer: poll until the phone has taken the check over and
// finished the device step, then move on. Screen readers hear each change (a polite status).
import { pageMessages } from "./page.js";

const messages = pageMessages();
const root = document.getElementById("handover");
const status = root.querySelector('[data-role="status"]');
const POLL_MS = 2000;
// A page left open stops asking after an hour (the patient session would otherwise never idle).
const GIVE_UP_MS = 60 * 60 * 1000;
const started = Date.now();
let timer = null;

function say(text) {
  status.textContent = text;
}

function show(state) {
  if (state === root.dataset.state) return;
  root.dataset.state = state;
  if (state === "taken" || state === "done") {
    // The link is used up: the code and its link no longer mean anything.
    root.querySelector('[data-role="code"]').hidden = true;
  }
  if (state === "taken") {
    say(messages.taken);
  } else if (state === "done") {
    say(messages.done);
    window.clearInterval(timer);
    // A moment for the announcement before the next page loads.
    window.setTimeout(() => window.location.assign(root.dataset.nextUrl), 1500);
  } else if (state === "expired") {
    say(messages.expired);
    window.clearInterval(timer);
    root.querySelector('[data-role="code"]').hidden = true;
    root.querySelector('[data-role="expired"]').hidden = false;
  }
}

async function poll() {
  if (Date.now() - started > GIVE_UP_MS) {
    window.clearInterval(timer);
    return;
  }
  try {
    const response = await fetch(root.dataset.statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    if (!response.ok) return;
    show((await response.json()).state);
  } catch {
    // Offline for a moment: the next poll tries again.
  }
}

timer = window.setInterval(poll, POLL_MS);
poll();
