"""The device step in Chromium: fake camera and microphone, refused permissions, advice, axe."""

import re

import pytest
from playwright.sync_api import expect

from readiness.extensions import db
from readiness.models import Check, SettingAnswers
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

WORDS = {
    "en": {
        "chrome_steps": "Allow the camera and microphone in Chrome",
        "volume_steps": "Turn the sound up",
        "in_app_steps": "Open this page in Safari",
        "yes": "Yes",
        "no": "No",
        "private": "Will you be in a private place where you can talk freely?",
        "continue": "Continue",
        "microphone_choice": "Microphone to use",
        "speakers_choice": "Speakers to use",
    },
    "fr": {
        "chrome_steps": "Autoriser la caméra et le micro dans Chrome",
        "volume_steps": "Monter le son",
        "in_app_steps": "Ouvrir cette page dans Safari",
        "yes": "Oui",
        "no": "Non",
        "private": "Serez-vous dans un endroit privé où vous pourrez parler librement ?",
        "continue": "Continuer",
        "microphone_choice": "Micro à utiliser",
        "speakers_choice": "Haut-parleurs à utiliser",
    },
}

INSTAGRAM_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Instagram 312.0.0.32.112 (iPhone14,5; iOS 17_2; fr_CA)"
)


@pytest.fixture(scope="module")
def refusing_chromium(chromium):
    """Chromium with fake devices but without the flag that answers every prompt with yes.

    In this browser a page that was not granted the camera and microphone gets NotAllowedError,
    as when a patient taps Block; a page that was granted them gets two fake cameras.
    """
    args = [
        "--use-fake-device-for-media-stream=device-count=2"
        if arg.startswith("--use-fake-dev")
        else arg
        for arg in CHROMIUM_ARGS
        if arg != "--use-fake-ui-for-media-stream"
    ]
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


@pytest.fixture
def refused_page(refusing_chromium, live_server, make_app):
    make_app()  # so the tables are emptied after the test
    pages = []

    def open_page(locale="en-CA", permissions=()):
        context = refusing_chromium.new_context(
            base_url=live_server, locale=locale, permissions=list(permissions)
        )
        context.set_default_timeout(15_000)
        pages.append(context)
        return context.new_page()

    yield open_page
    for context in pages:
        context.close()


def start_check(page, lang: str) -> str:
    """Start a check from the start page, read its code, and open the device step."""
    page.goto(f"/{lang}/")
    page.get_by_test_id("start-check").click()
    # The start button leads to the check's first step (or to the check's page while that
    # step does not exist yet).
    page.wait_for_url(re.compile(rf"/{lang}/check(/connection)?$"))
    page.goto(f"/{lang}/check")
    code = page.get_by_test_id("reference-code").inner_text().replace("-", "")
    page.goto(f"/{lang}/check/devices")
    return code


def wait_for_status(page, kind: str, status: str):
    page.wait_for_selector(f'[data-testid="device-{kind}"][data-status="{status}"]')
    return page.get_by_test_id(f"device-{kind}")


def stored(app, code: str) -> dict:
    """The latest stored result of each device check: kind -> (status, reason)."""
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        latest = {row.kind: row for row in check.device_results}
        return {kind: (row.status, row.reason, row.details) for kind, row in latest.items()}


def shown(page) -> dict:
    found = {}
    for kind in ("camera", "microphone", "speakers", "browser"):
        element = page.get_by_test_id(f"device-{kind}")
        found[kind] = (element.get_attribute("data-status"), element.get_attribute("data-reason"))
    return found


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_fake_camera_microphone_and_speakers_pass_and_are_stored_as_shown(
    app, new_browser_page, assert_accessible, lang
):
    page = new_browser_page(locale=f"{lang}-CA")
    code = start_check(page, lang)
    wait_for_status(page, "browser", "pass")
    assert_accessible(page)

    page.get_by_test_id("test-camera").click()
    camera = wait_for_status(page, "camera", "pass")
    assert page.locator("video[data-role=preview]").is_visible()
    # Grouped as each language writes numbers: « 1 280 × 720 » in French (review 3, m3).
    grouped = {"en": "1,280 × 720", "fr": "1\u00a0280 × 720"}[lang]
    assert grouped in camera.inner_text()

    page.get_by_test_id("test-microphone").click()
    wait_for_status(page, "microphone", "pass")
    # Chromium's fake devices include several microphones: the patient may pick another one,
    # which tests it again.
    choice = page.get_by_label(WORDS[lang]["microphone_choice"])
    assert choice.is_visible() and choice.locator("option").count() >= 2
    with page.expect_response("**/check/devices/result"):
        choice.select_option(index=1)
    wait_for_status(page, "microphone", "pass")

    # Chromium lets the page choose the output once the microphone is allowed.
    outputs = page.get_by_label(WORDS[lang]["speakers_choice"])
    assert outputs.is_visible() and outputs.locator("option").count() >= 2
    outputs.select_option(index=1)
    page.get_by_test_id("play-sound").click()
    page.get_by_test_id("speakers-heard").click()
    wait_for_status(page, "speakers", "pass")
    assert_accessible(page)

    results = stored(app, code)
    assert {kind: (status, reason) for kind, (status, reason, _) in results.items()} == shown(page)
    assert shown(page) == {kind: ("pass", None) for kind in shown(page)}
    assert (results["camera"][2]["width"], results["camera"][2]["height"]) == (1280, 720)
    assert results["microphone"][2]["speech_ms"] >= 300
    assert results["microphone"][2]["microphones"] >= 2
    assert results["browser"][2]["browser"] == "chrome"

    page.get_by_test_id("devices-continue").click()
    page.wait_for_url(f"**/{lang}/check/setting")
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_camera_refused_shows_permission_steps_for_chrome(
    app, refused_page, assert_accessible, lang
):
    page = refused_page(locale=f"{lang}-CA")
    code = start_check(page, lang)
    page.get_by_test_id("test-camera").click()
    camera = wait_for_status(page, "camera", "fail")
    assert camera.get_attribute("data-reason") == "permission_denied"
    steps = camera.get_by_role("heading", name=WORDS[lang]["chrome_steps"])
    assert steps.is_visible()
    assert page.evaluate("document.activeElement.dataset.reason") == "permission_denied"
    assert_accessible(page)

    page.get_by_test_id("test-microphone").click()
    microphone = wait_for_status(page, "microphone", "fail")
    assert microphone.get_attribute("data-reason") == "permission_denied"
    assert microphone.get_by_role("heading", name=WORDS[lang]["chrome_steps"]).is_visible()

    results = stored(app, code)
    assert results["camera"][:2] == ("fail", "permission_denied")
    assert results["microphone"][:2] == ("fail", "permission_denied")
    assert results["camera"][2]["error"] == "NotAllowedError"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sound_not_heard_gives_volume_and_output_advice(app, browser_page, assert_accessible, lang):
    page = browser_page
    code = start_check(page, lang)
    page.get_by_test_id("play-sound").click()
    page.get_by_test_id("speakers-not-heard").click()
    speakers = wait_for_status(page, "speakers", "fail")
    assert speakers.get_attribute("data-reason") == "not_heard"
    assert speakers.get_by_role("heading", name=WORDS[lang]["volume_steps"]).is_visible()
    assert_accessible(page)
    assert stored(app, code)["speakers"][:2] == ("fail", "not_heard")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_answer_buttons_and_turn_off_stay_hidden_until_their_time(new_browser_page, lang):
    """The hidden attribute wins over .button-row and .button display rules."""
    page = new_browser_page(locale=f"{lang}-CA")
    start_check(page, lang)
    wait_for_status(page, "browser", "pass")
    heard, not_heard = (
        page.get_by_test_id("speakers-heard"),
        page.get_by_test_id("speakers-not-heard"),
    )
    stop = page.get_by_test_id("stop-camera")
    assert heard.is_hidden() and not_heard.is_hidden() and stop.is_hidden()
    assert stop.evaluate("e => getComputedStyle(e).display") == "none"

    page.get_by_test_id("play-sound").click()
    heard.wait_for(state="visible")
    assert not_heard.is_visible() and stop.is_hidden()
    page.get_by_test_id("test-camera").click()
    wait_for_status(page, "camera", "pass")
    assert stop.is_visible()


def test_patient_without_a_camera_skips_it_and_the_skip_is_stored_as_skipped(app, browser_page):
    page = browser_page
    code = start_check(page, "en")
    page.get_by_test_id("skip-camera").click()
    camera = wait_for_status(page, "camera", "skipped")
    assert camera.get_attribute("data-reason") == "device_not_found"
    assert "Skipped" in camera.inner_text()
    assert stored(app, code)["camera"][:2] == ("skipped", "device_not_found")


def test_link_opened_in_instagram_tells_the_patient_to_open_safari(
    app, new_browser_page, assert_accessible
):
    page = new_browser_page(locale="fr-CA", user_agent=INSTAGRAM_ON_IPHONE)
    code = start_check(page, "fr")
    browser = wait_for_status(page, "browser", "fail")
    assert browser.get_attribute("data-reason") == "in_app_browser"
    assert browser.get_by_role("heading", name=WORDS["fr"]["in_app_steps"]).is_visible()
    assert "Instagram" in browser.inner_text()
    assert_accessible(page)
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        assert check.device_summary["in_app"] == "Instagram"
        assert check.device_summary["system"] == "ios"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_setting_checklist_keeps_answers_shows_advice_then_leads_to_summary(
    app, browser_page, assert_accessible, lang
):
    words = WORDS[lang]
    page = browser_page
    code = start_check(page, lang)
    page.goto(f"/{lang}/check/setting")
    assert_accessible(page)
    page.get_by_role("group", name=words["private"]).get_by_label(words["no"]).check()
    page.get_by_role("button", name=words["continue"]).click()
    # The summary takes the focus once focus-errors.js has run, which is what a person waits for.
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.get_by_role("group", name=words["private"]).get_by_label(words["no"]).is_checked()
    assert_accessible(page)

    # Radio ids are the field's name and the choice's index: 0 for yes, 1 for no.
    for choice in ("#public_wifi-1", "#phone_at_hand-0", "#headset-0"):
        page.locator(choice).check()
    page.get_by_role("button", name=words["continue"]).click()
    advice = page.get_by_test_id("setting-advice")
    advice.wait_for()
    assert_accessible(page)
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        answers = db.session.scalars(
            db.select(SettingAnswers).where(SettingAnswers.check_id == check.id)
        ).all()
        assert len(answers) == 1 and answers[0].private_place is False
    page.get_by_test_id("setting-continue").click()
    page.wait_for_url(f"**/{lang}/check/summary")


def write_black_video(path, width=320, height=240, frames=10):
    """A Y4M clip of black frames: what a camera behind a closed privacy shutter sends."""
    header = f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode()
    frame = b"FRAME\n" + bytes([16]) * (width * height) + bytes([128]) * (width * height // 2)
    path.write_bytes(header + frame * frames)


def write_silence(path, seconds=2, rate=48_000):
    import wave

    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(b"\0\0" * rate * seconds)


@pytest.fixture(scope="module")
def covered_chromium(chromium, tmp_path_factory):
    """Chromium whose fake camera sends black frames and whose fake microphone hears silence.

    It also resolves insecure.test to this machine, so the app can be opened over plain HTTP
    on a name that is not localhost: an insecure page, as the browser sees it.
    """
    folder = tmp_path_factory.mktemp("media")
    write_black_video(folder / "black.y4m")
    write_silence(folder / "silence.wav")
    args = [
        *CHROMIUM_ARGS,
        f"--use-file-for-fake-video-capture={folder / 'black.y4m'}",
        f"--use-file-for-fake-audio-capture={folder / 'silence.wav'}",
        "--host-resolver-rules=MAP insecure.test 127.0.0.1",
    ]
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


@pytest.fixture
def covered_page(covered_chromium, live_server, make_app):
    make_app()  # so the tables are emptied after the test
    contexts = []

    def open_page(base_url=live_server, locale="en-CA"):
        context = covered_chromium.new_context(
            base_url=base_url, locale=locale, permissions=["camera", "microphone"]
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_black_picture_and_silent_microphone_fail_with_their_advice(app, covered_page):
    page = covered_page()
    code = start_check(page, "en")
    page.get_by_test_id("test-camera").click()
    camera = wait_for_status(page, "camera", "fail")
    assert camera.get_attribute("data-reason") == "black_picture"
    assert camera.get_by_role("heading", name="Uncover the camera").is_visible()

    # The configured timeout is 15 seconds; a shorter one keeps the test quick.
    page.get_by_test_id("device-microphone").evaluate(
        "element => element.dataset.timeoutSeconds = 2"
    )
    page.get_by_test_id("test-microphone").click()
    microphone = wait_for_status(page, "microphone", "fail")
    assert microphone.get_attribute("data-reason") == "no_sound"
    assert microphone.get_by_role("heading", name="Help the microphone hear you").is_visible()

    results = stored(app, code)
    assert results["camera"][:2] == ("fail", "black_picture")
    assert results["camera"][2]["luminance"] < 18
    assert results["microphone"][:2] == ("fail", "no_sound")


def test_insecure_page_is_told_apart_from_a_refused_permission(app, covered_page, live_server):
    port = live_server.rsplit(":", 1)[1]
    page = covered_page(base_url=f"http://insecure.test:{port}")
    code = start_check(page, "en")
    browser = wait_for_status(page, "browser", "fail")
    assert browser.get_attribute("data-reason") == "insecure_page"
    page.get_by_test_id("test-camera").click()
    camera = wait_for_status(page, "camera", "fail")
    assert camera.get_attribute("data-reason") == "insecure_page"
    assert camera.get_by_role("heading", name="Open the secure page").is_visible()
    assert stored(app, code)["camera"][:2] == ("fail", "insecure_page")


@pytest.mark.parametrize(
    "error, reason, heading",
    [
        ("NotReadableError", "device_busy", "Free the camera and microphone"),
        ("NotFoundError", "device_not_found", "Connect a camera or microphone"),
        ("OverconstrainedError", "device_constraints", "Try another setting"),
    ],
)
def test_each_camera_error_is_told_apart_with_its_own_steps(
    app, browser_page, error, reason, heading
):
    """The browser's own error, as another app holding the camera (for example) would cause."""
    page = browser_page
    page.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => "
        f"Promise.reject(new DOMException('simulated', '{error}'));"
    )
    code = start_check(page, "en")
    page.get_by_test_id("test-camera").click()
    camera = wait_for_status(page, "camera", "fail")
    assert camera.get_attribute("data-reason") == reason
    assert camera.get_by_role("heading", name=heading).is_visible()
    assert stored(app, code)["camera"][:2] == ("fail", reason)
    assert stored(app, code)["camera"][2]["error"] == error


def test_device_page_with_instructions_fits_a_320_pixel_phone(new_browser_page):
    page = new_browser_page(locale="fr-CA", viewport={"width": 320, "height": 640})
    start_check(page, "fr")
    page.get_by_test_id("play-sound").click()
    page.get_by_test_id("speakers-not-heard").click()
    wait_for_status(page, "speakers", "fail")
    page.get_by_test_id("skip-camera").click()
    wait_for_status(page, "camera", "skipped")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto("/fr/check/setting")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_patient_with_two_cameras_can_choose_the_other_one(app, refused_page):
    page = refused_page(permissions=["camera", "microphone"])
    code = start_check(page, "en")
    page.get_by_test_id("test-camera").click()
    wait_for_status(page, "camera", "pass")
    choice = page.get_by_label("Camera to use")
    assert choice.locator("option").count() == 2
    first = choice.input_value()
    with page.expect_response("**/check/devices/result"):
        choice.select_option(index=1)
    wait_for_status(page, "camera", "pass")
    assert choice.input_value() != first
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.reference_code == code))
        cameras = [row for row in check.device_results if row.kind == "camera"]
        assert [row.status for row in cameras] == ["pass", "pass"]
        assert cameras[-1].details["cameras"] == 2
    page.get_by_test_id("stop-camera").click()
    assert page.locator("video[data-role=preview]").is_hidden()
    assert page.evaluate("document.querySelector('video').srcObject") is None
