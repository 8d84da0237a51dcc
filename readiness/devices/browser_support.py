"""Which device, system and browser the patient uses, and whether it can run a video visit.

Pure: no Flask. The server reads the User-Agent header; the page adds what only the browser
knows (feature detection, touch points, navigator.userAgentData). The support matrix comes from
configuration (SUPPORT_MATRIX) and is passed in.
"""

import re
from dataclasses import asdict, dataclass, field

from ..checks import reasons
from ..vocabulary import DeviceStatus

PHONE, TABLET, COMPUTER = "phone", "tablet", "computer"
ANDROID, IOS, WINDOWS, MACOS, CHROMEOS, LINUX = (
    "android",
    "ios",
    "windows",
    "macos",
    "chromeos",
    "linux",
)
CHROME, SAFARI, FIREFOX, EDGE, SAMSUNG, OPERA = (
    "chrome",
    "safari",
    "firefox",
    "edge",
    "samsung",
    "opera",
)

BROWSER_NAMES = {
    CHROME: "Chrome",
    SAFARI: "Safari",
    FIREFOX: "Firefox",
    EDGE: "Microsoft Edge",
    SAMSUNG: "Samsung Internet",
    OPERA: "Opera",
}
SYSTEM_NAMES = {
    ANDROID: "Android",
    IOS: "iOS",
    WINDOWS: "Windows",
    MACOS: "macOS",
    CHROMEOS: "ChromeOS",
    LINUX: "Linux",
}

# Apps that open links in their own built-in browser, where the camera is often blocked.
# (app name, pattern in the User-Agent); the first match wins, so Messenger comes before Facebook.
IN_APP_SIGNATURES = (
    ("Messenger", re.compile(r"FB_IAB/Orca|FBAN/MessengerForiOS|(?<!Micro)Messenger", re.I)),
    ("Instagram", re.compile(r"Instagram", re.I)),
    ("Facebook", re.compile(r"FBAN/|FBAV/|FB_IAB/|FBIOS|\[FB", re.I)),
    ("LinkedIn", re.compile(r"LinkedInApp", re.I)),
    ("X (Twitter)", re.compile(r"Twitter", re.I)),
    ("Snapchat", re.compile(r"Snapchat", re.I)),
    ("TikTok", re.compile(r"musical_ly|TikTok|BytedanceWebview", re.I)),
    ("WeChat", re.compile(r"MicroMessenger", re.I)),
    ("Line", re.compile(r"\bLine/", re.I)),
    ("Gmail", re.compile(r"\bGSA/", re.I)),
)

# What a video visit needs from the browser, as reported by the page's feature detection.
REQUIRED_FEATURES = ("media_devices", "peer_connection")

DEFAULT_SUPPORT_MATRIX = {
    # Oldest major version of each browser known to run the visit (camera, microphone, WebRTC).
    "browsers": {CHROME: 100, EDGE: 100, FIREFOX: 100, SAFARI: 15, SAMSUNG: 18, OPERA: 86},
    # Oldest system major version; on iOS every browser uses the system's Safari engine.
    "systems": {IOS: 15, ANDROID: 8},
    # The browser to suggest on each system.
    "recommended": {
        IOS: SAFARI,
        ANDROID: CHROME,
        WINDOWS: EDGE,
        MACOS: SAFARI,
        CHROMEOS: CHROME,
        LINUX: CHROME,
    },
}


@dataclass
class Environment:
    """What the patient is using, as far as we can tell."""

    device_type: str = COMPUTER
    system: str | None = None
    system_version: str | None = None
    browser: str | None = None
    browser_version: str | None = None
    in_app: str | None = None  # the app's name when the page is open inside another app

    @property
    def app_name(self) -> str | None:
        return app_name(self.in_app)

    @property
    def browser_major(self) -> int | None:
        return major(self.browser_version)

    @property
    def system_major(self) -> int | None:
        return major(self.system_version)

    @property
    def browser_name(self) -> str | None:
        return BROWSER_NAMES.get(self.browser or "")

    @property
    def system_name(self) -> str | None:
        if self.system == IOS and self.device_type == TABLET:
            return "iPadOS"
        return SYSTEM_NAMES.get(self.system or "")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Support:
    """The browser check's outcome: status pass or fail, with a reason code on failure."""

    status: str
    reason: str | None = None
    recommended: str | None = None
    missing_features: list[str] = field(default_factory=list)


def major(version: str | None) -> int | None:
    if not version:
        return None
    # No real version has more than a few digits; a longer one is unknown, not a huge number.
    match = re.match(r"(\d{1,6})(?!\d)", version)
    return int(match.group(1)) if match else None


def _find(pattern: str, text: str) -> str | None:
    match = re.search(pattern, text)
    return match.group(1).replace("_", ".") if match else None


def parse_system(ua: str, touch_points: int = 0) -> tuple[str | None, str | None, str]:
    """(system, version, device type) from the User-Agent."""
    if re.search(r"iPhone|iPod", ua):
        return IOS, _find(r"OS (\d+(?:_\d+)*)", ua), PHONE
    if "iPad" in ua:
        return IOS, _find(r"OS (\d+(?:_\d+)*)", ua), TABLET
    if "Android" in ua:
        device = PHONE if "Mobile" in ua else TABLET
        return ANDROID, _find(r"Android (\d+(?:\.\d+)*)", ua), device
    if "Macintosh" in ua or "Mac OS X" in ua:
        if touch_points > 1:
            # iPadOS 13 and later ask for the desktop site and call themselves a Mac.
            return IOS, _find(r"Version/(\d+(?:\.\d+)*)", ua), TABLET
        return MACOS, _find(r"Mac OS X (\d+(?:[_.]\d+)*)", ua), COMPUTER
    if "Windows" in ua:
        return WINDOWS, _find(r"Windows NT (\d+(?:\.\d+)*)", ua), COMPUTER
    if "CrOS" in ua:
        return CHROMEOS, None, COMPUTER
    if "Linux" in ua or "X11" in ua:
        return LINUX, None, COMPUTER
    return None, None, COMPUTER


BROWSER_PATTERNS = (
    (SAMSUNG, r"SamsungBrowser/(\d+(?:\.\d+)*)"),
    (EDGE, r"(?:EdgA|EdgiOS|Edg|Edge)/(\d+(?:\.\d+)*)"),
    (OPERA, r"(?:OPR|OPT|OPiOS)/(\d+(?:\.\d+)*)"),
    (FIREFOX, r"(?:Firefox|FxiOS)/(\d+(?:\.\d+)*)"),
    (CHROME, r"(?:CriOS|HeadlessChrome|Chrome)/(\d+(?:\.\d+)*)"),
)


def parse_browser(ua: str) -> tuple[str | None, str | None]:
    for name, pattern in BROWSER_PATTERNS:
        version = _find(pattern, ua)
        if version:
            return name, version
    if "Safari/" in ua and "Version/" in ua:
        return SAFARI, _find(r"Version/(\d+(?:\.\d+)*)", ua)
    return None, None


# What in_app holds when the app is not known by name: a web view, not an app the person opened.
# These are codes for staff logs, never words for a sentence (see app_name).
UNNAMED_APPS = ("Android WebView", "iOS app")


def app_name(in_app: str | None) -> str | None:
    """The app's brand name to show in a sentence (Facebook, Messenger…), or None when the page
    is open in another app that we cannot name."""
    return None if not in_app or in_app in UNNAMED_APPS else in_app


def in_app_browser(ua: str, system: str | None) -> str | None:
    """The app whose built-in browser shows the page, or None in a real browser."""
    for name, pattern in IN_APP_SIGNATURES:
        if pattern.search(ua):
            return name
    if system == ANDROID and "; wv)" in ua:
        return "Android WebView"
    # On iOS, real browsers say "Safari/"; an app's built-in web view does not.
    if system == IOS and "AppleWebKit" in ua and "Safari/" not in ua:
        return "iOS app"
    return None


def parse_user_agent(ua: str, touch_points: int = 0) -> Environment:
    ua = ua or ""
    system, system_version, device_type = parse_system(ua, touch_points)
    browser, browser_version = parse_browser(ua)
    in_app = in_app_browser(ua, system)
    if system == IOS and browser == SAFARI and not system_version:
        system_version = browser_version
    return Environment(
        device_type=device_type,
        system=system,
        system_version=system_version,
        browser=browser,
        browser_version=browser_version,
        in_app=in_app,
    )


def recommended_browser(system: str | None, matrix: dict) -> str:
    return matrix.get("recommended", {}).get(system or "", CHROME)


def evaluate(environment: Environment, features: dict, matrix: dict) -> Support:
    """Can this browser run a video visit? features: what the page detected (booleans)."""
    recommended = recommended_browser(environment.system, matrix)
    missing = [name for name in REQUIRED_FEATURES if not features.get(name)]
    if features.get("secure_context") is False:
        return Support(DeviceStatus.FAIL, reasons.INSECURE_PAGE, recommended, missing)
    if environment.in_app:
        return Support(DeviceStatus.FAIL, reasons.IN_APP_BROWSER, recommended, missing)
    if missing:
        return Support(DeviceStatus.FAIL, reasons.UNSUPPORTED_BROWSER, recommended, missing)
    if too_old(environment, matrix):
        return Support(DeviceStatus.FAIL, reasons.UNSUPPORTED_BROWSER, recommended, missing)
    return Support(DeviceStatus.PASS, None, recommended, missing)


def too_old(environment: Environment, matrix: dict) -> bool:
    """Older than the matrix allows; a browser the matrix does not know is judged by features."""
    oldest_system = matrix.get("systems", {}).get(environment.system or "")
    system_major = environment.system_major
    if oldest_system is not None and system_major is not None and system_major < oldest_system:
        return True
    if environment.system == IOS and environment.browser != SAFARI:
        # Chrome, Firefox and Edge on iOS carry their own version numbers, but the system's
        # engine is what runs the visit: the system version above is what counts.
        return False
    oldest = matrix.get("browsers", {}).get(environment.browser or "")
    browser_major = environment.browser_major
    return oldest is not None and browser_major is not None and browser_major < oldest
