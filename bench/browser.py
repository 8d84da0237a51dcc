"""The patient's connection test, in headless Chromium running inside a namespace."""

import stat
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
RESULT = '[data-testid="connection-result"]'
RESULT_FIELDS = ("download-mbps", "upload-mbps", "latency-ms", "jitter-ms", "verdict", "failure",
                 "bytes-used", "duration-ms", "loaded-latency-down-ms",
                 "loaded-latency-up-ms", "media-route", "packet-loss-percent",
                 "media-rtt-ms")  # fmt: skip

# The page offers no timing of its phases, so we watch its phase line change: each change is
# stamped with performance.now() (t) and with the wall clock in ms (epoch_ms: timeOrigin + now,
# the clock the bench's link counters use), as is the moment the result appears.
PHASE_WATCH = """
window.__benchPhases = [];
const benchStamp = () => {
  const now = performance.now();
  return { t: now, epoch_ms: performance.timeOrigin + now };
};
new MutationObserver(() => {
  const line = document.querySelector("[data-phase]");
  const text = line ? line.textContent : "";
  const last = window.__benchPhases.at(-1);
  if (text && (!last || last.text !== text)) {
    window.__benchPhases.push({ text, ...benchStamp() });
  }
  if (document.querySelector('[data-testid="connection-result"]') && !window.__benchDone) {
    window.__benchDone = benchStamp();
  }
}).observe(document, { childList: true, subtree: true, characterData: true });
"""
# The page's phase lines, in order, by the start of their text (English page).
PHASES = (("Step 1", "latency"), ("Step 2", "download"), ("Step 3", "upload"),
          ("Step 4", "media"))  # fmt: skip


@contextmanager
def chromium_in(ns, workdir: Path):
    """Chromium launched inside ns (through a wrapper Playwright can start), closed after."""
    from playwright.sync_api import sync_playwright

    wrapper = workdir / "chromium-in-namespace"
    wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {ns.name} {CHROMIUM} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(wrapper), args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


def run_check(browser, base_url: str, timeout_s: float = 60, media: bool = False) -> dict:
    """Start a check on /en/ and let the connection test run; its figures and phase times.
    clicked_epoch_ms: the wall clock when "Start" was clicked, for the whole step's time (Start
    -> result shown). media: go on to the device step, where the media path is checked after
    the result, and wait until its part is sent."""
    context = browser.new_context(base_url=base_url, locale="en-CA")
    try:
        context.set_default_timeout(15_000)
        context.add_init_script(PHASE_WATCH)
        page = context.new_page()
        page.goto("/en/")
        clicked_epoch_ms = time.time() * 1000
        page.get_by_test_id("start-check").click()
        page.wait_for_url("**/en/check/connection")
        result = page.locator(RESULT)
        result.wait_for(timeout=timeout_s * 1000)
        figures = {field: result.get_attribute(f"data-{field}") for field in RESULT_FIELDS}
        timing = page.evaluate("({ phases: window.__benchPhases, done: window.__benchDone })")
        done = timing["done"] or {}
        if media:
            page.goto("/en/check/devices")
            page.locator("html[data-media-check=done]").wait_for(
                state="attached", timeout=timeout_s * 1000
            )
        return {"figures": figures, "phases": timing["phases"], "done_ms": done.get("t"),
                "done_epoch_ms": done.get("epoch_ms"),
                "clicked_epoch_ms": clicked_epoch_ms}  # fmt: skip
    finally:
        context.close()


def phase_bounds(phases: list[dict], done: float | None, key: str = "t") -> dict:
    """(start, end) of each phase the page showed, in ms on the clock `key` names: from its
    line to the next phase's line, the last to the result (done). 'Step 1 of 4' is latency."""
    starts = {}
    for phase in phases:
        for prefix, name in PHASES:
            if phase["text"].startswith(prefix) and phase.get(key) is not None:
                starts.setdefault(name, phase[key])
    order = [name for _, name in PHASES]
    bounds = {}
    for i, name in enumerate(order):
        begin = starts.get(name)
        following = [starts[n] for n in order[i + 1 :] if starts.get(n) is not None]
        end = following[0] if following else done
        if begin is not None and end is not None:
            bounds[name] = (begin, end)
    return bounds


def phase_seconds(phases: list[dict], done_ms: float | None) -> dict:
    """Seconds spent on each phase as the page showed it."""
    return {name: round((end - begin) / 1000, 3)
            for name, (begin, end) in phase_bounds(phases, done_ms).items()}  # fmt: skip


def number(text: str | None) -> float | None:
    return float(text) if text not in (None, "") else None


def step_seconds(page: dict) -> float | None:
    """The whole connection step as the patient waits for it: from the click on "Start" to
    the result on the screen, both on this machine's wall clock."""
    done, clicked = page.get("done_epoch_ms"), page.get("clicked_epoch_ms")
    return round((done - clicked) / 1000, 2) if done and clicked else None
