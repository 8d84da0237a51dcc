"""Every page reachable in the suite shows only what it means, in the page's language.

One made-up day of work is set up (a patient who finished, one who is not ready, a desk agent
who took notes and a verbal consent, a clinician who decided, a message that gave up), then
every page of every audience is rendered in English and in French, and the links found on them
are followed once. No page may show a placeholder (%(count)s, {{ }}, {% %}), an internal code
(event types, reason codes, "default"), and no French page may show an English word: a word of
the English catalog that no French translation uses, outside an allow-list of brand names.
"""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from readiness.checks import reasons
from readiness.checks.consent import DEFAULT_VERSIONS, consent_text
from readiness.extensions import db
from readiness.handoff import outbox
from readiness.locale import path_language
from readiness.models import (
    Check,
    ConnectionResult,
    DeviceResult,
    OutboxMessage,
    SettingAnswers,
    StaffUser,
)
from tests.conftest import PROJECT_ROOT
from tests.support.journey import CONTACT, invite, run_journey
from tests.support.messaging import planned_reminder

CATALOG = PROJECT_ROOT / "translations/fr/LC_MESSAGES/messages.po"

# Codes that mean something to the program, never to a reader.
INTERNAL_CODES = {
    *(str(event) for event in outbox.EVENT_TYPES),
    *(code for code in reasons.ALL if "_" in code),
    "default",
    "verbal_desk",
    "no_device_phone_visit",
    "not_ready",
}
PLACEHOLDERS = ("%(", "{{", "}}", "{%", "%}")

# Words that stay as they are in French: names of products, systems and units.
ALLOWED_IN_FRENCH = {
    "android", "app", "apps", "bluetooth", "chrome", "chromium", "edge", "facebook", "facetime",
    "firefox", "http", "ios", "ipad", "iphone", "mac", "macos", "mbit", "messenger", "microsoft",
    "ms", "safari", "samsung", "skype", "teams", "wi-fi", "windows", "zoom", "ok", "booth",
    "photo", "internet", "usb", "ctrl", "command",
}  # fmt: skip

# Sign-in pages that need a provider or a second step: tests/web/test_single_sign_on.py
# (test_sign_in_pages_show_only_what_they_mean) reads them with problems_on, in both languages.
RENDERED_ELSEWHERE = {
    "auth.oidc_login",
    "auth.oidc_callback",
    "auth.signed_out",
    "auth.totp_step",
    "auth.totp_enrol",
    # Continue on your phone: tests/web/test_handover.py reads its pages with problems_on
    # (the link pages need a link made by a check's page; the status is JSON).
    "patient.handover_open",
    "patient.handover_status",
}

# Pages every audience reaches: (client, path) pairs are built in the test.
NOT_PAGES = ("/static/", "/api/", "/probe/", "/auth/logout", "/auth/language/")
NOT_PAGES += ("/healthz", "/readyz", "/metrics")  # for load balancers and Prometheus (ops/)


class VisibleText(HTMLParser):
    """What a person sees or hears: text, labels read by screen readers, JS messages."""

    SKIPPED = {"style", "head"}
    SPOKEN_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "data-label")

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.stack: list[tuple[str, str | None, bool]] = []
        self.own: list[str] = []  # in the page's language
        self.other: list[str] = []  # inside an element marked with another lang
        self.json_pending = False
        self.in_title = False

    def foreign(self) -> bool:
        for _, lang, _ in reversed(self.stack):
            if lang:
                return lang != self.page_language
        return False

    def skipped(self) -> bool:
        return any(skip for _, _, skip in self.stack)

    def add(self, text: str) -> None:
        (self.other if self.foreign() else self.own).append(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self.in_title = True
        skip = tag in self.SKIPPED or (tag == "script" and attrs.get("type") != "application/json")
        self.json_pending = tag == "script" and attrs.get("type") == "application/json"
        if tag not in ("br", "img", "input", "meta", "link", "hr"):
            self.stack.append((tag, attrs.get("lang"), skip))
        if self.skipped():
            return
        for name in self.SPOKEN_ATTRIBUTES:
            if attrs.get(name):
                self.add(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.add(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        self.json_pending = False
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.json_pending:
            # Messages for the browser code: their %(name)s are filled in by the script.
            self.own.extend(re.sub(r"%\(\w+\)s", "", s) for s in strings_in(json.loads(data)))
        elif self.in_title or not self.skipped():
            self.add(data)


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def words(text: str) -> set[str]:
    text = re.sub(r"\S+@\S+|https?://\S+|/\S+", " ", text)  # addresses and paths
    # Random codes and keys (K7BE-4QX9): letters between digits are no one's word.
    text = re.sub(r"[A-Za-z0-9-]*\d[A-Za-z0-9-]*", " ", text)
    return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ’'-]+", text)} - {""}


def english_only_words() -> set[str]:
    """Words of the English catalog that no French translation uses."""
    with open(CATALOG, "rb") as f:
        catalog = read_po(f)
    english, french = set(), set()
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in ids:
            english |= words(re.sub(r"%\(\w+\)s|<[^>]+>", " ", text))
        for text in strings:
            french |= words(re.sub(r"%\(\w+\)s|<[^>]+>", " ", text))
    for version in DEFAULT_VERSIONS.values():  # the consent text is kept outside the catalog
        french |= words(" ".join(version["fr"]))
    found = {w.strip("’'-") for w in english - french}
    return {w for w in found if len(w) > 1} - ALLOWED_IN_FRENCH


ENGLISH_ONLY = english_only_words()


def problems_on(html: str, language: str) -> list[str]:
    parser = VisibleText(language)
    parser.feed(html)
    shown = " ".join(parser.own + parser.other)
    found = [f"placeholder {p!r}" for p in PLACEHOLDERS if p in shown]
    for code in INTERNAL_CODES:
        if re.search(rf"(?<![\w.-]){re.escape(code)}(?![\w-])", shown):
            found.append(f"internal code {code!r}")
    if language == "fr":
        english = sorted(words(" ".join(parser.own)) & ENGLISH_ONLY)
        found += [f"English word {w!r}" for w in english]
    return found


# The made-up day.


def set_language(client, language: str) -> None:
    client.get(f"/auth/language/{language}?next=/")


def not_ready_patient(app, language: str):
    """A patient on their own: slow connection, no camera, no private place."""
    client = app.test_client()
    client.post(f"/{language}/check/new")
    with app.app_context():
        check = db.session.scalars(db.select(Check).order_by(Check.id.desc())).first()
        db.session.add(
            ConnectionResult(
                check=check,
                download_mbps=0.8,
                upload_mbps=0.4,
                latency_ms=400.0,
                jitter_ms=80.0,
                verdict="not_ready",
                reasons=[reasons.DOWNLOAD_LOW, reasons.LATENCY_HIGH],
            )
        )
        for kind, status, reason in (
            ("camera", "skipped", reasons.DEVICE_NOT_FOUND),
            ("microphone", "fail", reasons.NO_SOUND),
            ("speakers", "fail", reasons.NOT_HEARD),
            ("browser", "pass", None),
        ):
            db.session.add(DeviceResult(check=check, kind=kind, status=status, reason=reason))
        db.session.add(
            SettingAnswers(check=check, private_place=False, public_wifi=True, phone_at_hand=False)
        )
        check.touch()
        db.session.commit()
        return client, check.public_id, check.reference_code


def gave_up_message(app) -> None:
    with app.app_context():
        message = db.session.scalars(db.select(OutboxMessage)).first()
        message.attempts = 3
        message.last_error = "HTTP 503"
        message.gave_up_at = message.created_at
        db.session.commit()


def visible_problems(client, path: str, language: str, seen: dict) -> None:
    if path in seen:
        return
    language = path_language(urlsplit(path).path) or language  # a patient page's own
    response = client.get(path)
    seen[path] = response.status_code
    body = response.get_data(as_text=True)
    if response.is_json:
        fragments = response.get_json().get("fragments") or {}
        body = " ".join(strings_in(fragments))
    elif response.mimetype != "text/html":
        return
    for problem in problems_on(body, language):
        seen.setdefault("problems", []).append(f"{path} [{language}]: {problem}")
    if response.status_code == 200 and not response.is_json:
        for href in re.findall(r'href="([^"#]+)"', body):
            target = urlsplit(href)
            if target.netloc or target.scheme or href.startswith(NOT_PAGES):
                continue
            seen.setdefault("links", set()).add(href.replace("&amp;", "&"))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_shows_only_what_it_means(app, sign_in, language):
    finished = app.test_client()
    token = invite(app, language=language, appointment_ref="RDV-1")
    run_journey(app, finished, token, lang=language)
    waiting, not_ready_id, code = not_ready_patient(app, language)
    desk, clinic, admin = (sign_in.client_for(role) for role in ("desk", "clinician", "admin"))
    for client in (desk, clinic, admin):
        set_language(client, language)
    sha = consent_text({}, language).sha256
    waiting.post(f"/{language}/check/consent", data={"decision": "declined", "text_sha256": sha})
    typed = waiting.post(f"/{language}/check/contact", data={**CONTACT, "preferred_language": "en"})
    assert typed.status_code == 302  # the details wait on the confirmation page
    desk.post(f"/desk/checks/{not_ready_id}/notes", data={"text": "Appel de la personne."})
    with app.app_context():
        finished_check = db.session.scalars(db.select(Check).order_by(Check.id)).first()
        finished_id = finished_check.public_id
        visit_id = finished_check.invitation.public_id
    clinic.post(f"/clinic/visits/{visit_id}/decision", data={"choice": "video", "note": "Oui."})
    gave_up_message(app)
    stop_path = planned_reminder(app, language, last_error="relay_unreachable")
    with app.app_context():
        clinician_id = db.session.scalar(
            db.select(StaffUser.id).where(StaffUser.role == "clinician")
        )
    invited = clinic.post(
        "/clinic/invite",
        data={
            "appointment_ref": "RDV-42",
            "appointment_date": "2030-12-01",
            "appointment_time": "09:05",
            "language": language,
            "first_name": "Amélie",
            "clinician_id": clinician_id,
        },
    )
    assert 'data-testid="invitation-message"' in invited.get_data(as_text=True)

    lang = language
    pages = {
        finished: [
            f"/{lang}/check/summary",
            f"/{lang}/check/consent",
            f"/{lang}/check/contact",
            f"/{lang}/check/contact/confirm",
            f"/{lang}/check/done",
            f"/{lang}/i/{token}",
            f"/{lang}/i/not-a-real-token",
            f"/{lang}/nowhere",
        ],
        waiting: [
            f"/{lang}/",
            f"/{lang}/code",
            f"/{lang}/check",
            f"/{lang}/check/connection",
            f"/{lang}/check/devices",
            f"/{lang}/check/setting",
            f"/{lang}/check/summary",
            f"/{lang}/check/consent",
            f"/{lang}/check/contact",
            f"/{lang}/check/contact/confirm",
        ],
        app.test_client(): ["/auth/login", f"/{lang}/i/not-a-real-token", stop_path],
        desk: [
            "/desk/",
            f"/desk/?q={code}",
            f"/desk/checks/{not_ready_id}",
            f"/desk/checks/{not_ready_id}/live",
            f"/desk/checks/{not_ready_id}/consent",
            f"/desk/checks/{not_ready_id}/contact",
            f"/desk/checks/{not_ready_id}/notes",
            f"/desk/checks/{not_ready_id}/outcome",
            f"/desk/checks/{finished_id}",
            "/desk/outreach",
            f"/desk/outreach/{visit_id}",
            "/clinic/",  # 403
        ],
        clinic: ["/clinic/", "/clinic/invite", f"/clinic/visits/{visit_id}", "/desk/nowhere"],
        admin: [
            "/admin/handoff",
            "/admin/audit",
            f"/admin/requests?code={code}",
            "/admin/insights",  # and its CSV links
            "/desk/",
            "/clinic/",
        ],
    }
    problems, rendered = [], set()
    for html in (invited.get_data(as_text=True),):
        problems += [f"/clinic/invite (POST) [{lang}]: {p}" for p in problems_on(html, lang)]
    for client, paths in pages.items():
        seen: dict = {}
        for path in paths:
            visible_problems(client, path, lang, seen)
        for path in sorted(seen.pop("links", set())):  # and every link found, once
            visible_problems(client, path, lang, seen)
        seen.pop("links", None)
        problems += seen.pop("problems", [])
        rendered |= {path for path, status in seen.items() if status in (200, 403, 404)}

    assert not problems, "\n".join(problems)
    endpoints = {
        app.url_map.bind("localhost").match(urlsplit(path).path)[0]
        for path in rendered
        if not path.endswith("nowhere") and "not-a-real-token" not in path
    }
    expected = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.rule.startswith(NOT_PAGES)
        and rule.endpoint not in ("root", "static", "admin.index")
        and rule.endpoint not in RENDERED_ELSEWHERE
    }
    assert expected <= endpoints, f"pages not rendered: {sorted(expected - endpoints)}"


def test_the_guard_sees_english_codes_and_placeholders_on_a_french_page():
    page = (
        '<html lang="fr"><title>Messages</title><p>Messages not delivered yet: %(count)s.</p>'
        '<p>consent.recorded</p><a lang="en" href="/en/">English</a>'
        '<script type="application/json">{"m": "Waiting %(value)s"}</script></html>'
    )
    found = problems_on(page, "fr")
    assert "placeholder '%('" in found
    assert "internal code 'consent.recorded'" in found
    assert {"English word 'delivered'", "English word 'yet'", "English word 'waiting'"} <= set(
        found
    )
    assert "English word 'english'" not in found  # the link to the English page says so itself
