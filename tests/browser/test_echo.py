"""Hear yourself, in Chromium with its fake microphone: 3 seconds recorded and played back in the
page, the answer stored, and "not at all" giving echo_not_heard on the verdict page."""

import json

import pytest

from tests.browser.test_devices import start_check, stored, wait_for_status

WORDS = {
    "en": {
        "steps": "Make your voice clearer",
        "label": "The microphone's test recording, played back, was heard badly or not at all.",
        "advice": "use a headset or earphones with a microphone",
        "unsupported": "This browser cannot record sound",
    },
    "fr": {
        "steps": "Rendre votre voix plus claire",
        "label": "L’enregistrement d’essai du micro, une fois réécouté, a été mal entendu",
        "advice": "utilisez un casque d’écoute ou des écouteurs avec micro",
        "unsupported": "Ce navigateur ne peut pas enregistrer de son",
    },
}
GOOD_CONNECTION = {"download_mbps": 48.2, "upload_mbps": 11.5, "latency_ms": 18.0, "jitter_ms": 2.1}


def post_from_page(page, url: str, body: dict) -> int:
    """POST JSON from the page itself (its session and CSRF token), as its own scripts do."""
    return page.evaluate(
        """async ([url, body]) => {
            const token = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
            const response = await fetch(url, {method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify(body)});
            return response.status;
        }""",
        [url, body],
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_recording_plays_back_and_not_at_all_gives_its_reason_on_the_verdict(
    app, new_browser_page, assert_accessible, lang
):
    words = WORDS[lang]
    page = new_browser_page(locale=f"{lang}-CA")
    code = start_check(page, lang)
    wait_for_status(page, "browser", "pass")
    for kind, button in (("camera", "test-camera"), ("microphone", "test-microphone")):
        page.get_by_test_id(button).click()
        wait_for_status(page, kind, "pass")
    page.get_by_test_id("play-sound").click()
    page.get_by_test_id("speakers-heard").click()
    wait_for_status(page, "speakers", "pass")

    # Every request the page makes from here on: the recording must not be among them.
    sent = []
    page.on("request", lambda request: sent.append((request.url, request.post_data_buffer)))
    echo = page.locator('[data-role="echo"]')
    answers = page.get_by_test_id("echo-heard-not-at-all")
    assert answers.is_hidden()
    page.get_by_test_id("echo-record").click()
    # Recorded from the fake microphone, then played in the page to its end.
    page.wait_for_selector('[data-role="echo"][data-state="played"]', timeout=20_000)
    assert int(echo.get_attribute("data-recorded-bytes")) > 1000
    audio = page.locator('[data-role="echo-audio"]')
    assert audio.get_attribute("src").startswith("blob:")
    assert page.evaluate("document.querySelector('[data-role=echo-audio]').duration") > 0
    assert answers.is_visible()
    assert_accessible(page)

    with page.expect_response("**/check/devices/echo/result"):
        answers.click()
    microphone = wait_for_status(page, "microphone", "fail")
    assert microphone.get_attribute("data-reason") == "echo_not_heard"
    assert microphone.get_by_role("heading", name=words["steps"]).is_visible()
    assert_accessible(page)
    status, reason, details = stored(app, code)["microphone"]
    assert (status, reason, details["echo"]) == ("fail", "echo_not_heard", "not_at_all")
    # Never uploaded: the only thing sent is the answer (the recording was thousands of bytes).
    bodies = [(url, body) for url, body in sent if body]
    assert [url.rsplit("/", 2)[-2:] for url, _ in bodies] == [["echo", "result"]]
    assert json.loads(bodies[0][1]) == {"answer": "not_at_all"}

    assert post_from_page(page, f"/{lang}/check/connection/result", GOOD_CONNECTION) == 200
    page.goto(f"/{lang}/check/setting")
    for choice in ("#private_place-0", "#public_wifi-1", "#phone_at_hand-0", "#headset-0"):
        page.locator(choice).check()
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"**/{lang}/check/summary")
    verdict = page.get_by_test_id("overall-verdict")
    assert verdict.get_attribute("data-verdict") == "limited"
    text = page.locator("main").inner_text().replace("'", "’")
    assert words["label"].replace("'", "’") in text
    assert words["advice"] in text
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_heard_clearly_keeps_the_microphone_passed(app, new_browser_page, lang):
    page = new_browser_page(locale=f"{lang}-CA")
    code = start_check(page, lang)
    page.get_by_test_id("echo-record").click()
    page.wait_for_selector('[data-role="echo"][data-state="played"]', timeout=20_000)
    with page.expect_response("**/check/devices/echo/result"):
        page.get_by_test_id("echo-heard-clearly").click()
    microphone = wait_for_status(page, "microphone", "pass")
    assert microphone.get_attribute("data-reason") is None
    assert stored(app, code)["microphone"][:2] == ("pass", None)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_without_media_recorder_the_step_works_without_it(
    app, new_browser_page, assert_accessible, lang
):
    page = new_browser_page(locale=f"{lang}-CA")
    page.add_init_script("delete window.MediaRecorder;")
    code = start_check(page, lang)
    wait_for_status(page, "browser", "pass")
    assert page.get_by_test_id("echo-record").is_hidden()
    note = page.get_by_test_id("echo-unsupported")
    assert note.is_visible() and WORDS[lang]["unsupported"] in note.inner_text()
    page.get_by_test_id("test-microphone").click()
    microphone = wait_for_status(page, "microphone", "pass")
    assert microphone.get_attribute("data-reason") is None
    assert stored(app, code)["microphone"][:2] == ("pass", None)
    assert_accessible(page)


def test_the_echo_answers_fit_a_320_pixel_phone_and_work_by_keyboard(app, new_browser_page):
    page = new_browser_page(
        locale="fr-CA", viewport={"width": 320, "height": 640}, device_scale_factor=2
    )
    code = start_check(page, "fr")
    record = page.get_by_test_id("echo-record")
    record.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-role="echo"][data-state="played"]', timeout=20_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.locator('[data-role="echo"]').screenshot(path="/tmp/echo-320-fr.png")
    page.get_by_test_id("echo-heard-badly").focus()
    with page.expect_response("**/check/devices/echo/result"):
        page.keyboard.press("Enter")
    wait_for_status(page, "microphone", "fail")
    assert stored(app, code)["microphone"][:2] == ("fail", "echo_not_heard")


def test_where_the_browser_will_not_play_by_itself_the_patient_is_told_to_press_play(
    app, new_browser_page
):
    page = new_browser_page(locale="fr-CA")
    # As Safari does once the tap that started the recording is 3 seconds old.
    page.add_init_script(
        "HTMLMediaElement.prototype.play = function () {"
        " return Promise.reject(new DOMException('no tap', 'NotAllowedError')); };"
    )
    code = start_check(page, "fr")
    page.get_by_test_id("echo-record").click()
    page.wait_for_selector('[data-role="echo"][data-state="recorded"]', timeout=20_000)
    progress = page.get_by_test_id("echo-progress")
    assert "appuyez sur le bouton de lecture" in progress.inner_text()
    assert page.locator('[data-role="echo-audio"]').is_visible()
    with page.expect_response("**/check/devices/echo/result"):
        page.get_by_test_id("echo-heard-badly").click()
    wait_for_status(page, "microphone", "fail")
    assert stored(app, code)["microphone"][:2] == ("fail", "echo_not_heard")
