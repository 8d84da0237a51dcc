"""The access-request export in words, for the person it is about (Law 25 asks for an
intelligible form): every part of readiness.privacy.access.patient_data, each name and coded
value said in the reader's language, dates in the institution's time zone. The JSON stays the
portable copy; this is the one a person reads. A field this table does not know is shown as its
name, never dropped.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_decimal, pgettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from .. import formatting
from ..admin import audit_words
from ..checks import reason_labels
from ..connection import expectation
from ..notify import status_words

NAMES = {
    "exported_at": _p("export", "Copy made on"),
    "requested_check": _p("export", "Check asked about"),
    "invitation": _p("export", "Your invitation"),
    "checks": _p("export", "Your checks"),
    "audit": _p("export", "Who saw or changed your information"),
    "id": _p("export", "Identifier"),
    "appointment_ref": _p("export", "Appointment number"),
    "appointment_at": _p("export", "Appointment"),
    "time_zone": _p("export", "Time zone of the appointment"),
    "language": _p("export", "Language"),
    "first_name": _p("export", "First name"),
    "email": _p("export", "Email"),
    "phone": _p("export", "Phone"),
    "code": _p("export", "Code in the link"),
    "url": _p("export", "Link"),
    "expires_at": _p("export", "Link valid until"),
    "created_at": _p("export", "Created on"),
    "revoked_at": _p("export", "Link withdrawn on"),
    "check_ids": _p("export", "Checks made with this invitation"),
    "messages": _p("export", "Messages the service sent you"),
    "channel": _p("export", "Sent by"),
    "error": _p("export", "Why it was not sent"),
    "attempts": _p("export", "Attempts"),
    "sent_at": _p("export", "Sent on"),
    "finished_at": _p("export", "Closed on"),
    "visit_outcome": _p("export", "How the visit went"),
    "trouble": _p("export", "What went wrong"),
    "recorded_at": _p("export", "Recorded on"),
    "decisions": _p("export", "Decisions on how the visit happens"),
    "choice": _p("export", "Decision"),
    "note": _p("export", "Note"),
    "decided_at": _p("export", "Decided on"),
    "reference_code": _p("export", "Reference code"),
    "step": _p("export", "Last step reached"),
    "completed": _p("export", "Finished"),
    "verdict": _p("export", "Result"),
    "reasons": _p("export", "What we noticed"),
    "outcome": _p("export", "How it ended"),
    "missing": _p("export", "Parts not done"),
    "missing_devices": _p("export", "Devices not tested"),
    "updated_at": _p("export", "Last changed on"),
    "completed_at": _p("export", "Finished on"),
    "appointment": _p("export", "Appointment"),
    "invitation_id": _p("export", "Invitation"),
    "patient": _p("export", "You"),
    "connection": _p("export", "Connection test"),
    "download_mbps": _p("export", "Download speed"),
    "upload_mbps": _p("export", "Upload speed"),
    "latency_ms": _p("export", "Response time"),
    "jitter_ms": _p("export", "Steadiness (jitter)"),
    "loaded_latency_down_ms": _p("export", "Response time while downloading"),
    "loaded_latency_up_ms": _p("export", "Response time while uploading"),
    "expected_quality": _p("export", "Quality to expect"),
    "media_route": _p("export", "Route of sound and picture"),
    "packet_loss_percent": _p("export", "Packet loss"),
    "packet_loss_up_percent": _p("export", "Packet loss, sending"),
    "packet_loss_down_percent": _p("export", "Packet loss, receiving"),
    "media_rtt_ms": _p("export", "Sound and picture round trip"),
    "media_jitter_ms": _p("export", "Sound and picture jitter"),
    "media_connect_ms": _p("export", "Time to connect sound and picture"),
    "platform_reachable": _p("export", "The video service could be reached"),
    "failure": _p("export", "Why the test stopped"),
    "measured_at": _p("export", "Measured on"),
    "devices": _p("export", "Camera, microphone and speakers"),
    "kind": _p("export", "Device"),
    "status": _p("export", "Result"),
    "reason": _p("export", "Why"),
    "checked_at": _p("export", "Tested on"),
    "setting": _p("export", "Where you will be for the visit"),
    "private_place": _p("export", "A private place to talk"),
    "public_wifi": _p("export", "Public or shared Wi-Fi"),
    "phone_at_hand": _p("export", "A phone at hand"),
    "headset": _p("export", "Earphones or a headset"),
    "answered_at": _p("export", "Answered on"),
    "consent": _p("export", "Consent"),
    "decision": _p("export", "Answer"),
    "method": _p("export", "How it was given"),
    "text_version": _p("export", "Consent text version"),
    "text_sha256": _p("export", "Fingerprint of the consent text (SHA-256)"),
    "given_at": _p("export", "Given on"),
    "recorded_by": _p("export", "Recorded by"),
    "name": _p("export", "Name"),
    "contact": _p("export", "Contact details"),
    "mobile": _p("export", "Mobile phone"),
    "backup_phone": _p("export", "Phone to call if the video stops"),
    "preferred_language": _p("export", "Preferred language"),
    "preferred_contact": _p("export", "How to reach you"),
    "entered_by_staff": _p("export", "Entered by the support desk"),
    "entered_by_staff_id": _p("export", "Entered by staff member"),
    "saved_at": _p("export", "Saved on"),
    "erased_at": _p("export", "Personal information erased on"),
    "contact_history": _p("export", "Every version of your contact details"),
    "consent_history": _p("export", "Every consent answer"),
    "desk_notes": _p("export", "Notes from the support desk"),
    "text": _p("export", "Text"),
    "written_at": _p("export", "Written on"),
    "staff_id": _p("export", "Staff member"),
    "at": _p("export", "When"),
    "action": _p("export", "What was done"),
    "api_key_id": _p("export", "Scheduling module key"),
    "check_id": _p("export", "Check"),
}

WORDS = {
    "verdict": {
        "ready": _l("Ready for a video visit"),
        "limited": _l("Video visit possible, with limits"),
        "not_ready": _l("Not ready for video: plan for a phone visit"),
    },
    "status": {
        "pass": _p("export", "Works"),
        "fail": _p("export", "Does not work"),
        "skipped": _p("export", "Not tested"),
    },
    "kind": {
        "camera": _p("device", "Camera"),
        "microphone": _p("device", "Microphone"),
        "speakers": _p("device", "Speakers"),
        "browser": _p("device", "Browser"),
    },
    "step": {
        "start": _l("Not started yet"),
        "connection": _l("Connection test"),
        "devices": _l("Camera, microphone and speakers"),
        "setting": _p("export", "Where you will be for the visit"),
        "summary": _l("Summary of the results"),
        "consent": _l("Consent"),
        "contact": _l("Contact details"),
        "done": _l("Finished"),
    },
    "preferred_contact": {
        "email": _l("By email"),
        "sms": _l("By text message"),
        "phone": _l("By phone call"),
    },
    "language": {"en": _l("English"), "fr": _l("French")},
    "media_route": {
        "udp": _p("export", "direct (the fastest)"),
        "tcp": _p("export", "slower route (TCP)"),
        "tls": _p("export", "slower route (TLS)"),
        "relay-udp": _p("export", "through a relay server"),
        "relay-tcp": _p("export", "through a relay server, slower route"),
        "none": _p("export", "none: sound and picture did not get through"),
    },
}
for coded in ("choice", "decision", "method", "outcome", "channel", "error", "trouble"):
    WORDS[coded] = audit_words.VALUES[coded]
# A message's status and kind share their names with a device's: one table holds both.
WORDS["status"] = {**WORDS["status"], **status_words.STATUS}
WORDS["kind"] = {**WORDS["kind"], **audit_words.VALUES["kind"]}
WORDS["preferred_language"] = WORDS["language"]
UNITS = {"_mbps": "Mbit/s", "_ms": "ms", "_percent": "%"}
PHONES = ("phone", "mobile", "backup_phone")


@dataclass
class Line:
    """One named value, or a named group of lines (an object, or a list of them)."""

    name: str
    value: str | None = None
    lines: list["Line"] = field(default_factory=list)


def name_of(key: str) -> str:
    return str(NAMES.get(key, key))


def when(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return formatting.short_datetime(moment)


def said(key: str, value) -> str:
    """One value in words."""
    if value is None or value == [] or value == "":
        return "–"
    if isinstance(value, bool):
        return pgettext("answer", "Yes") if value else pgettext("answer", "No")
    if isinstance(value, list):
        return ", ".join(said(key, item) for item in value)
    if key == "reasons" or key == "reason":
        return str(reason_labels.label(value))
    if key in ("missing", "missing_devices"):
        return str(WORDS["step"].get(value) or WORDS["kind"].get(value) or value)
    if key == "action":
        return audit_words.action_label(value) or value
    if key == "expected_quality" and isinstance(value, dict):
        return " ".join(expectation.patient_sentences(value)) or "–"
    if (key == "at" or key.endswith("_at")) and isinstance(value, str):
        return when(value)
    if key in PHONES:
        return formatting.phone(value)
    if isinstance(value, int | float):
        unit = next((u for suffix, u in UNITS.items() if key.endswith(suffix)), None)
        number = format_decimal(value)
        return f"{number}\u00a0{unit}" if unit else number
    words = WORDS.get(key, {}).get(str(value))
    return str(words) if words is not None else str(value)


def who(entry: dict) -> str:
    """Who an audit entry names, without the internal numbers."""
    if entry.get("staff_id"):
        return pgettext("export", "A staff member (no. %(number)s)", number=entry["staff_id"])
    if entry.get("api_key_id"):
        return str(_p("export", "The scheduling module"))
    return str(_p("export", "You, or the service itself"))


def audit_lines(entries: list[dict]) -> list[Line]:
    return [
        Line(
            f"{index}.",
            lines=[
                Line(name_of("at"), said("at", entry.get("at"))),
                Line(name_of("action"), said("action", entry.get("action"))),
                Line(str(_p("export", "Who")), who(entry)),
            ],
        )
        for index, entry in enumerate(entries, start=1)
    ]


def lines_of(document: dict) -> list[Line]:
    """The document as lines to read, in its own order."""
    lines = []
    for key, value in document.items():
        if key == "audit" and isinstance(value, list):
            lines.append(Line(name_of(key), lines=audit_lines(value)))
        elif isinstance(value, dict) and key != "expected_quality":
            lines.append(Line(name_of(key), lines=lines_of(value)))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(
                Line(
                    name_of(key),
                    lines=[
                        Line(f"{index}.", lines=lines_of(item))
                        for index, item in enumerate(value, start=1)
                    ],
                )
            )
        elif key == "reasons" and isinstance(value, list) and value:
            lines.append(Line(name_of(key), lines=[Line("", said(key, v)) for v in value]))
        else:
            lines.append(Line(name_of(key), said(key, value)))
    return lines
