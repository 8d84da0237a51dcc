"""The patient's step-by-step instructions, one block per browser, system or problem.

readiness.device_help chooses the blocks; this module holds their words. Titles may name the
patient's browser (%(browser)s), the browser we recommend (%(recommended)s) or the app the page
was opened in (%(app)s).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p


@dataclass(frozen=True)
class Block:
    title: object
    steps: tuple


# The app's name only when we know it (browser_support.app_name): « iOS app » or « Android
# WebView » inside a French sentence would be English and jargon.
IN_APP_NAMED = _l("You opened the link inside the %(app)s app, which often blocks the camera.")
IN_APP_UNNAMED = _l(
    "You opened the link inside another app instead of a browser, which often blocks the camera."
)


def step_text(step, values: dict) -> str:
    """One step with the page's values filled in; the in-app sentence without a name when the
    app has none."""
    if step is IN_APP_NAMED and not values.get("app"):
        step = IN_APP_UNNAMED
    return str(step) % values


BLOCKS = {
    # Permission refused, browser by browser.
    "permission_chrome_desktop": Block(
        _l("Allow the camera and microphone in %(browser)s"),
        (
            _l("Click the icon just left of the web address (a padlock or two sliders)."),
            _l("Next to Camera and Microphone, choose Allow (or turn the switches on)."),
            _l("Reload the page, then click the test button again."),
        ),
    ),
    "permission_edge_desktop": Block(
        _l("Allow the camera and microphone in Microsoft Edge"),
        (
            _l("Click the padlock just left of the web address."),
            _l("Click Permissions for this site."),
            _p("Edge", "Set Camera and Microphone to Allow."),
            _l("Reload the page, then click the test button again."),
        ),
    ),
    "permission_firefox_desktop": Block(
        _l("Allow the camera and microphone in Firefox"),
        (
            _l("Click the crossed-out camera or microphone icon just left of the web address."),
            _l("Next to Blocked temporarily or Blocked, click the × to remove the block."),
            _l("Reload the page, click the test button again and choose Allow."),
        ),
    ),
    "permission_safari_macos": Block(
        _l("Allow the camera and microphone in Safari on a Mac"),
        (
            _l(
                "In the menu bar at the top of the screen, click Safari, then Settings for This "
                "Website."
            ),
            _p("Safari on a Mac", "Set Camera and Microphone to Allow (or Ask)."),
            _l("Reload the page, then click the test button again."),
        ),
    ),
    "permission_safari_ios": Block(
        _l("Allow the camera and microphone in Safari on an iPhone or iPad"),
        (
            _l(
                "Tap the page settings button at the left of the address bar (aA, or a small page "
                "icon)."
            ),
            _l("Tap Website Settings."),
            _p("Safari on iPhone", "Set Camera and Microphone to Allow (or Ask)."),
            _l("Tap Done, reload the page, then tap the test button again."),
        ),
    ),
    "permission_ios_settings_safari": Block(
        _l("If that does not work: the iPhone or iPad settings"),
        (
            _l("Open the Settings app."),
            _l("Tap Apps if you see it, then Safari."),
            _l("Tap Camera and choose Ask or Allow. Do the same for Microphone."),
            _l("Come back to this page, reload it, then tap the test button again."),
        ),
    ),
    "permission_ios_settings_app": Block(
        _l("Allow the camera and microphone for %(browser)s on an iPhone or iPad"),
        (
            _l("Open the Settings app."),
            _l("Tap Apps if you see it, then scroll down and tap %(browser)s."),
            _l("Turn on Camera and Microphone."),
            _l("Come back to this page, reload it, then tap the test button again."),
        ),
    ),
    "permission_chromium_android": Block(
        _l("Allow the camera and microphone in %(browser)s on Android"),
        (
            _l("Tap the icon just left of the web address (a padlock or two sliders)."),
            _l("Tap Permissions (or Site settings)."),
            _p("Chrome on Android", "Set Camera and Microphone to Allow."),
            _l("Reload the page, then tap the test button again."),
        ),
    ),
    "permission_firefox_android": Block(
        _l("Allow the camera and microphone in Firefox on Android"),
        (
            _l("Tap the padlock just left of the web address."),
            _l("Where Camera and Microphone say Blocked, tap them and choose Allowed."),
            _l("Reload the page, then tap the test button again."),
        ),
    ),
    "permission_samsung": Block(
        _l("Allow the camera and microphone in Samsung Internet"),
        (
            _l("Tap the menu button (three lines) at the bottom of the screen, then Settings."),
            _l("Tap Sites and downloads, then Site permissions (or Manage website data)."),
            _l("Open Camera, then Microphone, and allow this website in each."),
            _l("Come back to this page, reload it, then tap the test button again."),
        ),
    ),
    "permission_android_system": Block(
        _l("If that does not work: the Android settings"),
        (
            _l("Open the Settings app, then Apps."),
            _l("Tap %(browser)s, then Permissions."),
            _l("Set Camera and Microphone to Allow only while using the app."),
            _l("Come back to this page, reload it, then tap the test button again."),
        ),
    ),
    "permission_generic": Block(
        _l("Allow the camera and microphone in your browser"),
        (
            _l("Look for a padlock, a camera icon or a settings icon near the web address."),
            _l("Allow the camera and the microphone for this website."),
            _l("Reload the page, then select the test button again."),
        ),
    ),
    # The system itself can keep every browser from the camera and microphone.
    "privacy_windows": Block(
        _l("Check the Windows privacy settings"),
        (
            _l("Open Start, then Settings, then Privacy & security."),
            _l(
                "Click Camera. Turn on Camera access, Let apps access your camera and Let desktop "
                "apps access your camera."
            ),
            _l("Go back, click Microphone and turn on the same switches."),
            _l("Close your browser completely, open it again and come back to this page."),
        ),
    ),
    "privacy_macos": Block(
        _l("Check the Mac privacy settings"),
        (
            _l("Open the Apple menu, then System Settings, then Privacy & Security."),
            _l("Click Camera and turn on %(browser)s. Do the same under Microphone."),
            _l("Quit %(browser)s when the Mac asks, open it again and come back to this page."),
        ),
    ),
    # Another app is using the device.
    "busy_computer": Block(
        _l("Free the camera and microphone"),
        (
            _l(
                "Close other apps that may use the camera or microphone: Zoom, Teams, Skype, "
                "FaceTime, Photo Booth or the Camera app."
            ),
            _l("Close other browser tabs or windows that have a video call open."),
            _l("Come back to this page and click the test button again."),
            _l("If it still does not work, restart the computer."),
        ),
    ),
    "busy_phone": Block(
        _l("Free the camera and microphone"),
        (
            _l("End any phone or video call (FaceTime, WhatsApp, Zoom, Teams)."),
            _l("Open the list of recent apps and close the other apps that use the camera."),
            _l("Come back to this page and tap the test button again."),
            _l("If it still does not work, restart the device."),
        ),
    ),
    # No device found.
    "not_found_computer": Block(
        _l("Connect a camera or microphone"),
        (
            _l(
                "If your camera or headset plugs in, plug it in firmly (try another USB port), "
                "wait a few seconds."
            ),
            _l(
                "If it is a Bluetooth headset, turn it on and check that it is connected to the "
                "computer."
            ),
            _l(
                "Some laptops have a key or switch that turns the camera off: look for a camera "
                "icon."
            ),
            _l("Reload the page, then click the test button again."),
        ),
    ),
    "not_found_phone": Block(
        _l("Make the camera or microphone available"),
        (
            _l("Open the device's own Camera app to check that the camera works."),
            _l("Close this browser completely, open it again and come back to this page."),
            _l("If it still does not work, restart the device."),
        ),
    ),
    "constraints": Block(
        _l("Try another setting"),
        (
            _l("If a list of cameras or microphones is shown, choose another one."),
            _l("Close other apps that use the camera or microphone."),
            _l("Close your browser completely, open it again and come back to this page."),
        ),
    ),
    "insecure_page": Block(
        _l("Open the secure page"),
        (
            _l(
                "The camera and microphone only work on a secure page, whose address starts with "
                "https://."
            ),
            _l(
                "Open the link from your invitation again, or type the address exactly as it was "
                "given to you."
            ),
            _l("If the address still does not start with https://, call the support desk."),
        ),
    ),
    "black_picture_computer": Block(
        _l("Uncover the camera"),
        (
            _l("Slide open the camera's cover or privacy shutter, or remove any sticker or tape."),
            _l(
                "Some laptops have a key that turns the camera off (a camera icon, often on F8 or "
                "F10): press it."
            ),
            _l("Gently wipe the lens with a soft cloth and turn on a light in front of you."),
            _l(
                "If a list of cameras is shown, choose another one. "
                "Then click the test button again."
            ),
        ),
    ),
    "black_picture_phone": Block(
        _l("Uncover the camera"),
        (
            _l(
                "Remove any case, cover or sticker over the front camera, at the top of the screen."
            ),
            _l("Gently wipe the lens with a soft cloth and turn on a light in front of you."),
            _l(
                "If a list of cameras is shown, choose the front camera. Then tap the test button "
                "again."
            ),
        ),
    ),
    # The microphone heard nothing.
    "no_sound": Block(
        _l("Help the microphone hear you"),
        (
            _l(
                "Check that the microphone is not muted: a headset often has a mute button or "
                "switch on its cable."
            ),
            _l("If a list of microphones is shown, choose another one."),
            _l(
                "Do not cover the bottom of a phone or the edge of a laptop, where the microphone "
                "is."
            ),
            _l("Select the test button again and say your name clearly."),
        ),
    ),
    # The patient heard their own recording badly or not at all.
    "echo_not_heard": Block(
        _l("Make your voice clearer"),
        (
            _l(
                "If you have a headset or earphones with a microphone, plug them in or connect "
                "them: the other side hears you better."
            ),
            _l(
                "If a list of microphones is shown, choose the one you speak into, such as your "
                "headset, not the one in the screen or the webcam."
            ),
            _l(
                "A Bluetooth headset can sound muffled in calls: try the device's own microphone "
                "instead, or a wired headset."
            ),
            _l("Speak close to the microphone, then record again and listen."),
        ),
    ),
    # The test sound was not heard.
    "not_heard_volume": Block(
        _l("Turn the sound up"),
        (
            _l("Turn the volume up with the device's volume buttons or keys."),
            _l("Check that the sound is not muted (a speaker icon with a line through it)."),
            _l("Select Play the test sound again."),
        ),
    ),
    "not_heard_ios": Block(
        _l("On an iPhone or iPad"),
        (
            _l(
                "Turn off silent mode: move the Ring/Silent switch on the side so no orange "
                "shows, or open Control Centre and tap the bell."
            ),
            _l("Press the volume-up button while the sound plays."),
        ),
    ),
    "not_heard_android": Block(
        _l("On Android"),
        (
            _l(
                "Press a volume button, then raise the media volume (the slider with a music note)."
            ),
            _l("Check that Do not disturb is off."),
        ),
    ),
    "not_heard_windows": Block(
        _l("On Windows"),
        (
            _l("Click the speaker icon at the right of the taskbar and raise the volume."),
            _l(
                "Click the arrow next to the volume and choose the speakers or headset you want "
                "to use."
            ),
        ),
    ),
    "not_heard_macos": Block(
        _l("On a Mac"),
        (
            _l("Open Control Centre in the menu bar, then Sound, and raise the volume."),
            _l("Under Output, choose the speakers or headset you want to use."),
        ),
    ),
    "not_heard_computer": Block(
        _l("On a computer"),
        (
            _l("Open the system's sound settings and raise the volume."),
            _l("Choose the speakers or headset you want to use as the output device."),
        ),
    ),
    "not_heard_bluetooth": Block(
        _l("If you use a Bluetooth headset or earbuds"),
        (
            _l(
                "The sound may be playing in them: put them on, or turn Bluetooth off to use the "
                "device's speaker."
            ),
            _l("If this page shows a list of speakers, choose the one you want to use."),
        ),
    ),
    # The browser.
    "in_app_ios": Block(
        _l("Open this page in Safari"),
        (
            IN_APP_NAMED,
            _l("Tap the menu button (… or ⋯) or the Share button in the app."),
            _l("Choose Open in Safari (or Open in browser)."),
            _l("If you do not see it, copy the link, open Safari and paste it in the address bar."),
        ),
    ),
    "in_app_android": Block(
        _l("Open this page in %(recommended)s"),
        (
            IN_APP_NAMED,
            _l("Tap the menu button (⋮ or …) at the top of the screen."),
            _l("Choose Open in browser (or Open in Chrome)."),
            _l(
                "If you do not see it, copy the link, open %(recommended)s and paste it in the "
                "address bar."
            ),
        ),
    ),
    "in_app_generic": Block(
        _l("Open this page in %(recommended)s"),
        (
            IN_APP_NAMED,
            _l("Copy the link, open %(recommended)s and paste it in the address bar."),
        ),
    ),
    "unsupported_browser": Block(
        _l("Use an up-to-date browser"),
        (
            _l("Open this page in %(recommended)s, the browser we recommend for your device."),
            _l(
                "If you already use it, update it: open its menu, then Help or About, or update "
                "it from your app store."
            ),
            _l("Come back to this page once it is updated."),
        ),
    ),
    "unsupported_ios": Block(
        _l("Update your iPhone or iPad"),
        (
            _l("Open the Settings app, then General, then Software Update."),
            _l("Install the update, then open this page again in Safari."),
            _l("If no update is offered, your visit can be by phone: continue the check."),
        ),
    ),
}

# Advice on the patient's setting, one paragraph per answer that calls for it.
SETTING_ADVICE = {
    "not_private": _l(
        "Find a room where you can close the door and talk without being overheard, such as a "
        "bedroom or your car when it is parked. If you cannot, tell the clinician at the start of "
        "the visit."
    ),
    "not_private_with_headset": _l(
        "Find a room where you can close the door and talk without being overheard. If you "
        "cannot, wear your headset so that no one else hears the clinician, and tell the "
        "clinician at the start of the visit."
    ),
    "public_wifi": _l(
        "Public and shared Wi-Fi (café, library, hotel, clinic waiting room) is often slow and "
        "less private. Use your home internet, or your cellphone's data if your plan allows it."
    ),
    "no_backup_phone": _l(
        "Keep a phone within reach during the visit: if the video stops, the clinician will call "
        "you. Check the number you give us at the end of the check."
    ),
    "no_headset": _l(
        "Without a headset, sit in a quiet room, close to the device, and keep its volume at a "
        "comfortable level so others do not hear the clinician."
    ),
}
