"""Which language a request is in, the root redirect, and the link to the other language."""

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import current_app, redirect, request, session, url_for
from flask_babel import get_locale, pgettext
from flask_babel import lazy_gettext as _l

from .models import LANGUAGES


def path_language(path: str) -> str | None:
    """The language named by the first segment of a path, as in /fr/code."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES else None


# Canadian formats (14 h 30, 9,4) with the en and fr catalogs.
FORMAT_LOCALES = {"en": "en_CA", "fr": "fr_CA"}


def request_language() -> str:
    """Patient pages carry their language in the path; staff pages keep a choice in the session."""
    lang = path_language(request.path)
    if lang:
        return lang
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES, default="en")


def select_locale() -> str:
    return FORMAT_LOCALES[request_language()]


def timezone() -> str:
    return current_app.config["TIMEZONE"]


def institution_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


# A language's name in the page's language: « Anglais » in a label, « anglais » in a sentence.
LANGUAGE_NAMES = {"en": _l("English"), "fr": _l("French")}


def language_name(code: str | None, in_sentence: bool = False) -> str:
    if code not in LANGUAGE_NAMES:
        return "–"
    if in_sentence:
        names = {
            "en": pgettext("in a sentence", "English"),
            "fr": pgettext("in a sentence", "French"),
        }
        return names[code]
    return str(LANGUAGE_NAMES[code])


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def other_language() -> str:
    return "fr" if current_language() == "en" else "en"


def switch_language_url() -> str:
    """The same page in the other language, query string kept."""
    target = other_language()
    if path_language(request.path):
        path = "/" + target + request.path[3:]
        query = request.query_string.decode()
        return path + ("?" + query if query else "")
    next_path = request.full_path.rstrip("?")
    return url_for("auth.language", lang=target) + "?" + urlencode({"next": next_path})


def localized_setting(name: str) -> str:
    """An institution setting kept in both languages, such as SERVICE_NAME_EN and _FR."""
    return current_app.config[f"{name}_{current_language().upper()}"]


def root_redirect():
    """/ sends the visitor to /en/ or /fr/ from what their browser prefers."""
    lang = request.accept_languages.best_match(LANGUAGES, default="en")
    response = redirect(url_for("patient.start", lang=lang))
    response.vary.add("Accept-Language")
    return response


def init_app(app) -> None:
    app.add_url_rule("/", "root", root_redirect)

    @app.context_processor
    def language_context():
        return {
            "current_language": current_language,
            "other_language": other_language,
            "switch_language_url": switch_language_url,
            "localized_setting": localized_setting,
            "language_name": language_name,
        }
