"""One progress bar for the whole connection step, its phase in words, the live speed, and what
screen readers hear: each phase as it starts and the speed now and then, not every tick."""

import re

import pytest

from tests.browser.test_connection import throttle

# Every text the polite live region was given, with when (the page's clock, ms).
RECORD_ANNOUNCEMENTS = """
window.__announced = [];
new MutationObserver(() => {
  const region = document.querySelector("[data-announce]");
  const text = region ? region.textContent : "";
  if (text && window.__announced.at(-1)?.text !== text) {
    window.__announced.push({ text, t: performance.now() });
  }
}).observe(document, { childList: true, subtree: true, characterData: true });
// The bar's value and the phase line, every 100 ms.
window.__bar = [];
setInterval(() => {
  const bar = document.querySelector("[data-progress-bar]");
  const phase = document.querySelector("[data-phase]");
  if (bar && !bar.closest("[hidden]")) window.__bar.push([bar.value, phase.textContent]);
}, 100);
"""

WORDS = {
    "en": {
        "bar": "Progress of the connection test",
        "download": "Step 2 of 3: measuring the download speed…",
        "upload": "Step 3 of 3: measuring the upload speed…",
        "live": r"^Download speed so far: [\d,]+(\.\d)? Mbps$",
    },
    "fr": {
        "bar": "Progression du test de connexion",
        "download": "Étape 2 sur 3\u00a0: nous mesurons la vitesse de réception (téléchargement)…",
        "upload": "Étape 3 sur 3\u00a0: nous mesurons la vitesse d’envoi (téléversement)…",
        # Decimal comma, a non-breaking space before the colon and the unit.
        "live": r"^Vitesse de réception jusqu’ici\u00a0: [\d\u00a0\u202f]+(,\d)?\u00a0Mbit/s$",
    },
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_one_progress_bar_moves_through_the_phases_and_speaks_politely(
    new_browser_page, assert_accessible, lang
):
    words = WORDS[lang]
    page = new_browser_page(locale=f"{lang}-CA")
    page.context.add_init_script(RECORD_ANNOUNCEMENTS)
    # A link a patient has (loopback's speed hits the data cap in half a second).
    throttle(page, 20, 10)
    page.goto(f"/{lang}/")
    page.get_by_test_id("start-check").click()
    page.wait_for_url(f"**/{lang}/check/connection")

    bar = page.get_by_role("progressbar", name=words["bar"])
    page.locator("[data-phase]", has_text=words["download"]).wait_for(timeout=20_000)
    assert bar.is_visible()
    during_download = float(bar.get_attribute("value"))
    assert 10 <= during_download <= 55
    # The live speed, in the page's language, while the bar moves.
    page.locator("[data-live-figure]", has_text=re.compile("Mbps|Mbit/s")).wait_for()
    assert_accessible(page)
    page.get_by_test_id("connection-result").wait_for(timeout=60_000)
    assert not bar.is_visible()
    region = page.locator("[data-announce]")
    assert region.get_attribute("aria-live") == "polite"
    assert region.get_attribute("role") == "status"
    samples = page.evaluate("window.__bar")
    values = [value for value, _ in samples]
    assert values == sorted(values), "the bar never moves back"
    upload = [value for value, text in samples if text == words["upload"]]
    assert upload and min(upload) >= 55 and max(upload) <= 100
    announced = page.evaluate("window.__announced")
    texts = [entry["text"] for entry in announced]
    assert words["download"] in texts and words["upload"] in texts
    live = [text for text in texts if re.match(words["live"], text)]
    assert live, texts
    # Not every tick (the bar and the figure change four times a second): the phases, the
    # speed now and then, saving and finished.
    seconds = (announced[-1]["t"] - announced[0]["t"]) / 1000
    assert len(texts) <= 3 + 2 + 2 * (seconds / 4 + 1), texts
