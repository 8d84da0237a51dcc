// The summary, opened while the connection test's media part is still under way: wait for it a
// few seconds (the line says so, and is announced), then show the summary with it, or without.
import { announce, postJSON } from "./page.js";

const settings = JSON.parse(document.getElementById("media-wait-settings").textContent);
const line = document.querySelector("[data-media-wait]");
const POLL_MS = 500;

async function mediaStatus() {
  try {
    const response = await fetch(settings.statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    return response.ok ? (await response.json()).status : null;
  } catch {
    return null;
  }
}

async function waitForMediaPart() {
  announce(line, line.textContent);
  const until = performance.now() + settings.waitMs;
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const status = await mediaStatus();
    if (status !== null && status !== "pending") {
      window.location.reload();
      return;
    }
  }
  // Not in time (the device step's page closed, or is still at it): not counted.
  const answer = await postJSON(settings.mediaResultUrl, { result_id: settings.resultId }).catch(
    () => null,
  );
  // Refused because the part just arrived: show it. Refused for another reason: stop waiting
  // here rather than reload into the same wait.
  if (answer || (await mediaStatus()) !== "pending") {
    window.location.reload();
  } else {
    line.hidden = true;
  }
}

waitForMediaPart();
