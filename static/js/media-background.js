// The connection test's media part, run after its result was shown: in the background of the
// device step (a call's packets at about 400 kbit/s, no camera or microphone involved), then
// added to the stored result. If the page closes first, the part is simply not counted.
import { measureMediaPath } from "./media.js";
import { postJSON } from "./page.js";

const element = document.getElementById("media-check-settings");

async function runMediaCheck(settings) {
  const controller = new AbortController();
  // Leaving the page ends the check: nothing half measured is sent.
  window.addEventListener("pagehide", () => controller.abort(), { once: true });
  let media;
  try {
    media = await measureMediaPath(settings, controller.signal);
  } catch {
    if (controller.signal.aborted) return;
    media = null; // a browser or server that cannot run it: left out, not failed
  }
  if (controller.signal.aborted) return;
  try {
    await postJSON(settings.mediaResultUrl, { result_id: settings.resultId, ...(media ?? {}) });
  } catch {
    // Refused (the patient tested again, or the summary stopped waiting): nothing to show here.
  }
}

if (element) {
  const settings = JSON.parse(element.textContent);
  document.documentElement.dataset.mediaCheck = "running";
  runMediaCheck(settings).finally(() => {
    document.documentElement.dataset.mediaCheck = "done";
  });
}
