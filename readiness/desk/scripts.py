"""What the support desk reads aloud for each reason code, in short numbered sentences.

Pure: no Flask app needed (the sentences are lazy strings, turned into words in whatever
language is in force when they are read). A reason code and the caller's system and browser
give a list of scripts, most specific first. The system, browser and device type keys are those
of readiness.browser_support, as the device step keeps them in Check.device_summary.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from ..checks import reasons
from ..devices import browser_support
from ..devices.browser_support import (
    ANDROID,
    CHROME,
    EDGE,
    FIREFOX,
    IOS,
    MACOS,
    OPERA,
    SAFARI,
    SAMSUNG,
    WINDOWS,
)

# What the agent can choose from when the caller's device is not known or not the one tested.
SYSTEM_NAMES = browser_support.SYSTEM_NAMES
BROWSER_NAMES = browser_support.BROWSER_NAMES


@dataclass(frozen=True)
class Script:
    key: str
    title: object
    lines: tuple


def _script(key, title, *lines) -> Script:
    return Script(key, title, lines)


SCRIPTS = {
    s.key: s
    for s in (
        # The connection test.
        _script(
            reasons.DOWNLOAD_LOW,
            _l("Download speed too low"),
            _l("If you can, move closer to your Wi-Fi router, or into the same room."),
            _l("Ask the people at home to pause videos, downloads and games for a moment."),
            _l("If your phone has mobile data, try turning Wi-Fi off, or the reverse."),
            _l("Now select Test again on the screen, and tell me what it says."),
        ),
        _script(
            reasons.UPLOAD_LOW,
            _l("Upload speed too low"),
            _l("Is your device backing up photos or files right now? Please pause the backup."),
            _l("Close any other video call on this device."),
            _l("Move closer to your Wi-Fi router, or switch between Wi-Fi and mobile data."),
            _l("Now select Test again on the screen."),
        ),
        _script(
            reasons.LATENCY_HIGH,
            _l("Connection slow to respond"),
            _l("On a computer, plug a network cable into your router if you have one."),
            _l("Otherwise, move closer to your Wi-Fi router."),
            _l("If you are on a public Wi-Fi, try your phone's mobile data instead."),
            _l("Now select Test again on the screen."),
        ),
        _script(
            reasons.JITTER_HIGH,
            _l("Connection unsteady"),
            _l("Ask the people at home to pause videos, downloads and games for a moment."),
            _l("Public or shared Wi-Fi is often unsteady: use your home internet if you can."),
            _l("Move closer to your Wi-Fi router, then select Test again."),
        ),
        _script(
            reasons.BUSY_NETWORK,
            _l("Connection slows down when busy"),
            _l("Is anyone else at home watching videos, gaming or downloading right now?"),
            _l("During the visit, ask them to pause, and pause photo or file backups too."),
            _l("On a computer, plug a network cable into your router if you have one."),
            _l("If you know your router's settings, turn on its QoS or smart queue setting."),
            _l("Now select Test again on the screen, and tell me what it says."),
        ),
        _script(
            reasons.SERVER_UNREACHABLE,
            _l("Our server could not be reached"),
            _l("Please check that another website opens on your device."),
            _l("Wait a minute, then select Test again."),
            _l("On a work, school or hotel network, try your home Wi-Fi or mobile data instead."),
        ),
        _script(
            reasons.OFFLINE,
            _l("Not connected to the internet"),
            _l("Your device is not connected to the internet right now."),
            _l("On a phone, open the quick settings and check that Airplane mode is off."),
            _l("Turn on Wi-Fi or mobile data, then select Test again."),
        ),
        _script(
            reasons.TIMEOUT,
            _l("Connection test stopped: too slow"),
            _l("The test could not finish: the connection is too slow or unsteady."),
            _l("Move closer to your Wi-Fi router, or switch between Wi-Fi and mobile data."),
            _l("Now select Test again on the screen."),
        ),
        _script(
            reasons.TRANSFER_BLOCKED,
            _l("Network blocks the test"),
            _l("Something on your network stopped the test, such as a work or hotel network."),
            _l("Let's try another network: your home Wi-Fi, or your phone's mobile data."),
            _l("Then select Test again on the screen."),
        ),
        _script(
            reasons.UDP_BLOCKED,
            _l("Network blocks the fast route for video"),
            _l("Your network lets the visit through only by a slower route."),
            _l("The picture may be weaker and the sound may lag."),
            _l("If you can, use another network: your home Wi-Fi, or your phone's mobile data."),
            _l("Then select Test again on the screen."),
        ),
        _script(
            reasons.PACKET_LOSS_HIGH,
            _l("Sound and picture lost on the way"),
            _l("Part of the test's sound and picture did not arrive: the visit may break up."),
            _l("On a computer, plug a network cable into your router if you have one."),
            _l("Otherwise, move closer to your Wi-Fi router."),
            _l("Ask the people at home to pause videos, downloads and games for a moment."),
            _l("Then select Test again on the screen."),
        ),
        _script(
            reasons.MEDIA_BLOCKED,
            _l("Network blocks sound and picture"),
            _l("Your network does not let the sound and picture of a video call through."),
            _l("This often happens on work, school or hotel networks."),
            _l("Let's try another network: your home Wi-Fi, or your phone's mobile data."),
            _l("Then select Test again on the screen."),
        ),
        _script(
            reasons.PLATFORM_BLOCKED,
            _l("Network seems to block the video service"),
            _l("The test reached our server, but not the video service used for the visit."),
            _l("This often happens on work, school or hospital networks."),
            _l("If you can, use your phone's mobile data, or ask the network's owner to allow it."),
            _l("Then select Test again on the screen."),
        ),
        _script(
            reasons.MEDIA_UNREACHABLE,
            _l("Test sound and picture found no route to our server"),
            _l("The test could not send sound and picture to our server by any route."),
            _l("The visit can often still work: video calls fall back to a slower route."),
            _l("If you can, use another network: your home Wi-Fi, or your phone's mobile data."),
            _l("Now select Test again on the screen, and tell me what it says."),
        ),
        # Camera and microphone permission, browser by browser.
        _script(
            "permission_safari_ios",
            _l("Permission refused: Safari on iPhone or iPad"),
            _l("At the left of the address bar, tap the aA button or the small page icon."),
            _l("Tap Website Settings."),
            _p("Safari on iPhone", "Set Camera and Microphone to Allow."),
            _l("Tap Done, reload the page, then tap the test button again."),
            _l(
                "If you do not see Camera there: open the Settings app, tap Apps, then Safari, "
                "and set Camera and Microphone to Allow."
            ),
        ),
        _script(
            "permission_ios_app",
            _l("Permission refused: another browser on iPhone or iPad"),
            _l("Open the Settings app on your iPhone or iPad."),
            _l("Tap Apps, then scroll down and tap the browser you are using, such as Chrome."),
            _l("Turn on Camera and Microphone."),
            _l("Come back to the page, reload it, then tap the test button again."),
        ),
        _script(
            "permission_chrome_android",
            _l("Permission refused: Chrome on Android"),
            _l("Tap the icon just left of the web address: a padlock or two small sliders."),
            _l("Tap Permissions."),
            _p("Chrome on Android", "Set Camera and Microphone to Allow."),
            _l("Reload the page, then tap the test button again."),
            _l(
                "If it still does not work: open Settings, then Apps, then Chrome, then "
                "Permissions, and allow Camera and Microphone."
            ),
        ),
        _script(
            "permission_samsung",
            _l("Permission refused: Samsung Internet"),
            _l("Tap the menu button with three lines at the bottom of the screen, then Settings."),
            _l("Tap Sites and downloads, then Site permissions."),
            _l("Open Camera, then Microphone, and allow this website in each."),
            _l("Come back to the page, reload it, then tap the test button again."),
        ),
        _script(
            "permission_firefox_android",
            _l("Permission refused: Firefox on Android"),
            _l("Tap the padlock just left of the web address."),
            _l("Where Camera or Microphone says Blocked, tap it and choose Allowed."),
            _l("Reload the page, then tap the test button again."),
        ),
        _script(
            "permission_chrome_desktop",
            _l("Permission refused: Chrome on a computer"),
            _l("Click the icon just left of the web address: a padlock or two small sliders."),
            _l("Next to Camera and Microphone, choose Allow, or turn the switches on."),
            _l("Reload the page, then click the test button again."),
        ),
        _script(
            "permission_edge_desktop",
            _l("Permission refused: Microsoft Edge on a computer"),
            _l("Click the padlock just left of the web address."),
            _l("Click Permissions for this site."),
            _p("Edge", "Set Camera and Microphone to Allow."),
            _l("Reload the page, then click the test button again."),
        ),
        _script(
            "permission_firefox_desktop",
            _l("Permission refused: Firefox on a computer"),
            _l("Click the crossed-out camera or microphone icon just left of the web address."),
            _l("Next to Blocked, click the small x to remove the block."),
            _l("Reload the page, click the test button again and choose Allow."),
        ),
        _script(
            "permission_safari_macos",
            _l("Permission refused: Safari on a Mac"),
            _l("In the menu bar at the top of the screen, click Safari."),
            _l("Click Settings for This Website."),
            _p("Safari on a Mac", "Set Camera and Microphone to Allow."),
            _l("Reload the page, then click the test button again."),
        ),
        _script(
            "permission_generic",
            _l("Permission refused: other browsers"),
            _l("Look for a padlock, a camera icon or a settings icon near the web address."),
            _l("Allow the camera and the microphone for this website."),
            _l("Reload the page, then select the test button again."),
        ),
        # The computer's own settings can keep every browser away from the devices.
        _script(
            "privacy_windows",
            _l("Windows privacy settings"),
            _l("Open Start, then Settings, then Privacy and security."),
            _l("Click Camera, and turn on Camera access and Let apps access your camera."),
            _l("Go back, click Microphone, and turn on the same switches."),
            _l("Close the browser completely, open it again and come back to the page."),
        ),
        _script(
            "privacy_macos",
            _l("Mac privacy settings"),
            _l("Open the Apple menu, then System Settings, then Privacy and Security."),
            _l("Click Camera and turn on your browser. Do the same under Microphone."),
            _l("Quit the browser when the Mac asks, open it again and come back to the page."),
        ),
        # Another app holds the camera or microphone.
        _script(
            "busy_phone",
            _l("Camera or microphone in use: phone or tablet"),
            _l("Please end any other call, such as FaceTime, WhatsApp, Zoom or Teams."),
            _l("Open the list of recent apps and close the other apps."),
            _l("Come back to the page and tap the test button again."),
            _l("If it still does not work, restart the phone or tablet."),
        ),
        _script(
            "busy_computer",
            _l("Camera or microphone in use: computer"),
            _l("Please close Zoom, Teams, Skype, FaceTime or any other app that uses the camera."),
            _l("Close other browser tabs that have a video call open."),
            _l("Come back to the page and click the test button again."),
            _l("If it still does not work, restart the computer."),
        ),
        # No camera or microphone found.
        _script(
            "not_found_phone",
            _l("No camera or microphone found: phone or tablet"),
            _l("Close the browser completely, open it again and come back to the page."),
            _l("If it still finds nothing, restart the phone or tablet and test again."),
            _l("If the device has no working camera, the visit can be by phone."),
        ),
        _script(
            reasons.NO_CAMERA,
            _l("No camera"),
            _l("If the camera plugs in, plug it in firmly and test the camera again."),
            _l("The microphone and speakers can still be tested."),
            _l("Without a camera, the visit can be by phone."),
        ),
        _script(
            "not_found_computer",
            _l("No camera or microphone found: computer"),
            _l("If your camera or headset plugs in, plug it in firmly, or try another USB port."),
            _l("Wait a few seconds, reload the page and click the test button again."),
            _l("If the computer has no camera, the visit can be by phone."),
        ),
        _script(
            reasons.DEVICE_CONSTRAINTS,
            _l("Camera or microphone gives no usable picture or sound"),
            _l("Close other apps that may use the camera or microphone."),
            _l("If the camera plugs in, unplug it, plug it back in and wait a few seconds."),
            _l("Reload the page, then select the test button again."),
        ),
        _script(
            reasons.INSECURE_PAGE,
            _l("Page not opened securely"),
            _l("Please read me the web address at the top of the screen."),
            _l("It must start with https. If it does not, close the page."),
            _l("Type the address I give you again, exactly, and enter your code."),
        ),
        _script(
            "black_picture_phone",
            _l("Black picture: phone or tablet"),
            _l("Check that nothing covers the camera lens, such as a case, a sticker or a finger."),
            _l("Wipe the lens gently with a soft cloth."),
            _l("Then tap the test button again."),
        ),
        _script(
            "black_picture_computer",
            _l("Black picture: computer"),
            _l("Some laptops have a small sliding cover over the camera: slide it open."),
            _l("Some keyboards have a camera key with a crossed-out camera: press it once."),
            _l("Then click the test button again."),
        ),
        _script(
            reasons.NO_SOUND,
            _l("Microphone picked up no voice"),
            _l("Check that nothing covers the microphone, and that a headset is not muted."),
            _l("When the test starts, say your name out loud, close to the device."),
            _l("If it still hears nothing, select the test button again."),
        ),
        # The patient heard their own recording badly or not at all.
        _script(
            reasons.ECHO_NOT_HEARD,
            _l("Own voice heard badly in the recording"),
            _l("Do you have a headset or earphones with a microphone? Please put them on."),
            _l("If the page shows a list of microphones, choose the one you speak into."),
            _l("A Bluetooth headset can sound muffled: try a wired one, or the device's own."),
            _l("Now select Record 3 seconds and play it back, say a few words, and listen."),
        ),
        # The test sound was not heard.
        _script(
            "not_heard_ios",
            _l("Test sound not heard: iPhone or iPad"),
            _l(
                "On the side of the iPhone, check the ring and silent switch: if you see orange, "
                "push it toward the screen."
            ),
            _l("Press the volume up button on the side several times."),
            _l("If wireless earphones are connected, put them on, or turn Bluetooth off."),
            _l("Then play the sound again."),
        ),
        _script(
            "not_heard_android",
            _l("Test sound not heard: Android"),
            _l(
                "Press the volume up button on the side. If the bar is for calls or ringtones, "
                "tap the three dots and raise Media."
            ),
            _l("Check that Do not disturb is off in the quick settings."),
            _l("If wireless earphones are connected, put them on, or turn Bluetooth off."),
            _l("Then play the sound again."),
        ),
        _script(
            "not_heard_computer",
            _l("Test sound not heard: computer"),
            _l("Check that the speakers are on and that the sound is not muted."),
            _l("Click the speaker icon at the bottom or top of the screen and raise the volume."),
            _l("If headphones are plugged in or connected, put them on."),
            _l("Then play the sound again."),
        ),
        # The browser itself.
        _script(
            "unsupported_ios",
            _l("Browser cannot run the visit: iPhone or iPad"),
            _l("The iPhone or iPad needs an update for video visits."),
            _l("Open Settings, then General, then Software Update, and install the update."),
            _l("If it cannot be updated, the visit can be by phone, or on another device."),
        ),
        _script(
            reasons.UNSUPPORTED_BROWSER,
            _l("Browser cannot run the visit"),
            _l("This browser cannot run a video visit."),
            _l("Please open Chrome, Microsoft Edge, Firefox or Safari instead."),
            _l("Type the address I give you, and enter your code."),
        ),
        _script(
            "in_app_ios",
            _l("Opened inside another app: iPhone or iPad"),
            _l("The page opened inside another app, such as Facebook or Messenger."),
            _l("Tap the three dots or the share button, at the top or bottom of the screen."),
            _l("Choose Open in Safari, or Open in browser, and continue there."),
        ),
        _script(
            "in_app_android",
            _l("Opened inside another app: Android"),
            _l("The page opened inside another app, such as Facebook or Messenger."),
            _l("Tap the three dots at the top right of the screen."),
            _l("Choose Open in Chrome, or Open in browser, and continue there."),
        ),
        _script(
            reasons.IN_APP_BROWSER,
            _l("Opened inside another app"),
            _l("The page opened inside another app instead of a browser."),
            _l("Look for a menu with Open in browser, and continue there."),
            _l("Or open your browser yourself, type the address I give you, and enter your code."),
        ),
        # The setting checklist.
        _script(
            reasons.NOT_PRIVATE,
            _l("No private place"),
            _l("For the visit, you will need a place where no one can overhear you."),
            _l("Could you use a closed room, or ask others to step out for the visit?"),
            _l("Earphones help keep the care team's side of the talk private."),
        ),
        _script(
            reasons.PUBLIC_WIFI,
            _l("Public or shared Wi-Fi"),
            _l("Public Wi-Fi, in a café or a library, is often slow and less private."),
            _l("If you can, use your home internet or your phone's mobile data for the visit."),
        ),
        _script(
            reasons.NO_BACKUP_PHONE,
            _l("No phone at hand"),
            _l("Please keep a phone near you during the visit."),
            _l("If the video stops, the care team will call you on it."),
            _l("Let's check the number they should call."),
        ),
    )
}


def is_mobile(system: str | None, device_type: str | None) -> bool:
    return system in (IOS, ANDROID) or device_type in (
        browser_support.PHONE,
        browser_support.TABLET,
    )


def permission_keys(system: str | None, browser: str | None) -> list[str]:
    if system == IOS:
        return ["permission_safari_ios" if browser in (SAFARI, None) else "permission_ios_app"]
    if system == ANDROID:
        return [
            {SAMSUNG: "permission_samsung", FIREFOX: "permission_firefox_android"}.get(
                browser or "", "permission_chrome_android"
            )
        ]
    first = {
        CHROME: "permission_chrome_desktop",
        OPERA: "permission_chrome_desktop",
        EDGE: "permission_edge_desktop",
        FIREFOX: "permission_firefox_desktop",
        SAFARI: "permission_safari_macos",
    }.get(browser or "", "permission_generic")
    return [first, *privacy_keys(system, browser)]


def privacy_keys(system: str | None, browser: str | None) -> list[str]:
    """Windows and macOS can keep a browser from the camera and microphone altogether."""
    if system == WINDOWS:
        return ["privacy_windows"]
    if system == MACOS and browser != SAFARI:
        return ["privacy_macos"]
    return []


def script_keys(
    reason: str, system: str | None, browser: str | None, device_type: str | None = None
) -> list[str]:
    """The scripts for one reason on this caller's system and browser, most specific first."""
    mobile = is_mobile(system, device_type)
    if reason == reasons.PERMISSION_DENIED:
        return permission_keys(system, browser)
    if reason == reasons.DEVICE_BUSY:
        return ["busy_phone" if mobile else "busy_computer"]
    if reason == reasons.DEVICE_NOT_FOUND:
        if mobile:
            return ["not_found_phone"]
        return ["not_found_computer", *privacy_keys(system, browser)]
    if reason == reasons.BLACK_PICTURE:
        return ["black_picture_phone" if mobile else "black_picture_computer"]
    if reason == reasons.NO_SOUND:
        return [reasons.NO_SOUND, *([] if mobile else privacy_keys(system, browser))]
    if reason == reasons.NOT_HEARD:
        return [
            {IOS: "not_heard_ios", ANDROID: "not_heard_android"}.get(
                system or "", "not_heard_computer"
            )
        ]
    if reason == reasons.IN_APP_BROWSER:
        return [
            {IOS: "in_app_ios", ANDROID: "in_app_android"}.get(system or "", reasons.IN_APP_BROWSER)
        ]
    if reason == reasons.UNSUPPORTED_BROWSER:
        return ["unsupported_ios" if system == IOS else reasons.UNSUPPORTED_BROWSER]
    return [reason] if reason in SCRIPTS else []


def scripts_for(
    reason: str, system: str | None, browser: str | None, device_type: str | None = None
) -> list[Script]:
    return [SCRIPTS[key] for key in script_keys(reason, system, browser, device_type)]


def caller_environment(device_summary: dict | None) -> dict:
    """system, browser and device_type from Check.device_summary; None where not known."""
    summary = device_summary or {}
    return {
        "system": summary.get("system") if summary.get("system") in SYSTEM_NAMES else None,
        "browser": summary.get("browser") if summary.get("browser") in BROWSER_NAMES else None,
        "device_type": summary.get("device_type"),
    }
