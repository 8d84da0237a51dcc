"""What the desk shows of a caller's check: the parts that refresh live, and the scripts."""

import hashlib
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale, format_timedelta, gettext
from flask_babel import lazy_gettext as _l

from ..checks import state
from ..checks.contacts import national_format
from ..checks.reason_labels import device_label, device_names, label
from ..connection.expectation import audio_label, video_label
from ..devices.browser_support import Environment, app_name
from ..locale import FORMAT_LOCALES, current_language, language_name
from ..models import Check, utcnow
from . import scripts

STEP_LABELS = {
    "start": _l("Not started yet"),
    "connection": _l("Connection test"),
    "devices": _l("Camera, microphone and speakers"),
    "setting": _l("Where they will be for the visit"),
    "summary": _l("Summary of the results"),
    "consent": _l("Consent"),
    "contact": _l("Contact details"),
    "done": _l("Finished"),
}
DEVICE_TYPES = {"phone": _l("Cellphone"), "tablet": _l("Tablet"), "computer": _l("Computer")}
ENVIRONMENT_FIELDS = (
    "device_type",
    "system",
    "system_version",
    "browser",
    "browser_version",
    "in_app",
)
FRAGMENTS = ("summary", "results", "scripts")
# Letters read over the phone, in the caller's language. English: the international
# radiotelephony alphabet. French: first names a Québec caller knows (« K comme Karine »), since
# older francophone callers do not know « Juliett », « Whiskey » or « X-ray ». The codes never
# use I, L or O (readiness.checks.codes.ALPHABET), so those letters need no word.
SPELLING = {
    "en": {
        word[0]: word
        for word in [
            "Alfa",
            "Bravo",
            "Charlie",
            "Delta",
            "Echo",
            "Foxtrot",
            "Golf",
            "Hotel",
            "Juliett",
            "Kilo",
            "Mike",
            "November",
            "Papa",
            "Quebec",
            "Romeo",
            "Sierra",
            "Tango",
            "Uniform",
            "Victor",
            "Whiskey",
            "X-ray",
            "Yankee",
            "Zulu",
        ]
    },
    "fr": {
        "A": "Alice",
        "B": "Bernard",
        "C": "Céline",
        "D": "Denise",
        "E": "Émile",
        "F": "François",
        "G": "Gaston",
        "H": "Henri",
        "J": "Julie",
        "K": "Karine",
        "M": "Marcel",
        "N": "Nicole",
        "P": "Pierre",
        "Q": "Québec",
        "R": "Robert",
        "S": "Suzanne",
        "T": "Thomas",
        "U": "Ursule",
        "V": "Victor",
        "W": "William",
        "X": "Xavier",
        "Y": "Yvonne",
        "Z": "Zoé",
    },
}


def spelled(code: str, language: str = "en") -> list[tuple[str, str | None]]:
    """K7P4QX -> [(K, Kilo), (7, None), ...]: what to say for each character, in the caller's
    language (K, Karine for a French-speaking caller)."""
    words = SPELLING.get(language, SPELLING["en"])
    return [(ch, words.get(ch)) for ch in code]


def is_active(check: Check) -> bool:
    """Worth refreshing: the caller was seen (or the check made) in the last minutes."""
    moment = check.last_seen_at or check.created_at
    minutes = float(current_app.config["DESK_LIVE_MINUTES"])
    return moment is not None and utcnow() - moment <= timedelta(minutes=minutes)


def step_label(check: Check) -> str:
    return str(STEP_LABELS.get(check.step, check.step))


def last_seen_text(check: Check) -> str:
    if check.last_seen_at is None:
        return gettext("The caller has not opened the check yet.")
    ago = format_timedelta(check.last_seen_at - utcnow(), add_direction=True)
    return gettext("Caller last seen %(ago)s.", ago=ago)


def caller_environment(check: Check, system: str | None, browser: str | None) -> dict:
    """The caller's system and browser: as detected, unless the agent chose others."""
    found = scripts.caller_environment(check.device_summary)
    if system in scripts.SYSTEM_NAMES:
        found["system"] = system
    if browser in scripts.BROWSER_NAMES:
        found["browser"] = browser
    return found


def device_description(check: Check) -> list[str]:
    """Device type, system and browser with versions, as the device step found them."""
    summary = check.device_summary or {}
    if not summary.get("system") and not summary.get("browser"):
        return []
    environment = Environment(
        **{name: summary[name] for name in ENVIRONMENT_FIELDS if summary.get(name) is not None}
    )
    parts = [str(DEVICE_TYPES.get(environment.device_type, environment.device_type))]
    for name, version in (
        (environment.system_name, environment.system_version),
        (environment.browser_name, environment.browser_version),
    ):
        if name:
            parts.append(f"{name} {version}" if version else name)
    if app_name(environment.in_app):
        parts.append(gettext("inside the %(app)s app", app=app_name(environment.in_app)))
    elif environment.in_app:
        parts.append(gettext("opened in another app"))
    return parts


def rendered_scripts(reason: str, environment: dict, language: str) -> dict:
    """A reason's label and scripts, as words in one language."""
    with force_locale(FORMAT_LOCALES[language]):
        return {
            "language": language,
            "label": label(reason),
            "scripts": [
                {"key": s.key, "title": str(s.title), "lines": [str(line) for line in s.lines]}
                for s in scripts.scripts_for(reason, **environment)
            ],
        }


def scripts_context(check: Check, environment: dict) -> list[dict]:
    """For each reason the check gives now: the script in the caller's language, and in the
    agent's own language when it differs."""
    agent = current_language()
    found = []
    for reason in state.overall_for(check).reasons:
        caller = rendered_scripts(reason, environment, check.language)
        own = rendered_scripts(reason, environment, agent) if agent != check.language else None
        if caller["scripts"]:
            found.append({"reason": reason, "caller": caller, "agent": own})
    return found


def live_context(check: Check, environment: dict) -> dict:
    region = current_app.config["DEFAULT_PHONE_REGION"]
    contact = state.latest_contact(check)
    overall = state.overall_for(check)
    return {
        "check": check,
        "step_label": step_label(check),
        "caller_language": language_name(check.language),
        "device": device_description(check),
        "overall": overall,
        "device_names": device_names(overall.missing_devices),
        "connection": state.latest_connection(check),
        "devices": state.latest_devices(check),
        "setting": state.latest_setting(check),
        "consent": state.latest_consent(check),
        "contact": contact,
        "mobile": national_format(contact.mobile_e164, region, current_language())
        if contact
        else "",
        "backup": national_format(contact.backup_e164, region, current_language())
        if contact
        else "",
        "label": label,
        "video_label": video_label,
        "audio_label": audio_label,
        "device_label": device_label,
        "scripts": scripts_context(check, environment),
    }


def fragments(check: Check, environment: dict) -> dict[str, dict]:
    """Each part of the page that refreshes by itself: its HTML and a version to compare."""
    context = live_context(check, environment)
    found = {}
    for name in FRAGMENTS:
        html = render_template(f"desk/_{name}.html", **context)
        found[name] = {"html": html, "version": hashlib.sha256(html.encode()).hexdigest()[:16]}
    return found
