// The support desk's view of a caller's check: refreshes its parts while the caller is active.
//
// Polls the check's /live address every few seconds, only while this page is visible and the
// server says the caller was seen recently. Each part is replaced only when its version changes,
// so nothing moves while the agent reads; changes are announced politely, focus never moves.
import { announce, fill, pageMessages } from "./page.js";

const INTERVAL_MS = 4000;

const root = document.querySelector("[data-live]");
const messages = pageMessages();

if (root) {
  const url = root.dataset.liveUrl;
  const lastSeen = root.querySelector("[data-last-seen]");
  const state = root.querySelector("[data-live-state]");
  const announcer = root.querySelector("[data-announce]");
  const parts = new Map(
    [...root.querySelectorAll("[data-fragment]")].map((element) => [element.dataset.fragment, element]),
  );
  let active = root.dataset.active === "true";
  let timer = null;
  let busy = false;

  const stop = (text) => {
    active = false;
    window.clearTimeout(timer);
    if (text) state.textContent = text;
  };

  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      const type = response.headers.get("Content-Type") ?? "";
      if (!response.ok || !type.includes("application/json")) {
        // Signed out, or the check is gone: say so rather than show stale results silently.
        stop(messages.failed);
        return;
      }
      const answer = await response.json();
      const changed = [];
      for (const [name, fragment] of Object.entries(answer.fragments)) {
        const element = parts.get(name);
        if (element && element.dataset.version !== fragment.version) {
          element.innerHTML = fragment.html;
          element.dataset.version = fragment.version;
          changed.push(messages.parts[name] ?? name);
        }
      }
      lastSeen.textContent = answer.last_seen;
      if (changed.length) announce(announcer, fill(messages.updated, { parts: changed.join(", ") }));
      if (!answer.active) stop(messages.stopped);
    } catch {
      stop(messages.failed);
    } finally {
      busy = false;
    }
  };

  const schedule = () => {
    window.clearTimeout(timer);
    if (!active || document.hidden) return;
    timer = window.setTimeout(async () => {
      await refresh();
      schedule();
    }, INTERVAL_MS);
  };

  document.addEventListener("visibilitychange", async () => {
    if (document.hidden) {
      window.clearTimeout(timer);
    } else if (active) {
      await refresh();
      schedule();
    }
  });

  schedule();
}
