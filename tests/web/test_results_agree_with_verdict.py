"""The results page never contradicts its verdict (French review S3, S4, M17), in both languages.

Every verdict × expected picture × expected sound × reasons is rendered through the real
templates and the views' own context builders; a page under "not ready" that promises a picture,
clear sound or a video visit fails, and so does a page under "ready" or "with limits" that says
the visit will be by phone or that the connection cannot carry a call. Then the phone-visit path
through consent and contact is walked with a real check.
"""

import itertools
import json
import re
from html import unescape

import pytest

from readiness.checks.overall import Overall
from readiness.extensions import db
from readiness.handoff.fhir import bundle_for_message
from readiness.models import Check, ConnectionResult, OutboxMessage
from readiness.patient.connection import result_context
from readiness.patient.finish import summary_context
from tests.support.records import add_invitation
from tests.web.test_every_part_counted import (  # noqa: F401
    KINDS,
    people,
    post_device,
    run_check,
    verdicts_everywhere,
)

VIDEOS = ("hd_720p", "standard", "low", "audio_only", "no_call")
AUDIOS = ("good", "fair", "poor", "bad")
REASONS = {
    "ready": [[]],
    "limited": [
        ["download_low"],
        ["busy_network"],
        ["media_unreachable"],
        ["udp_blocked", "not_heard"],
        ["public_wifi"],
        ["platform_blocked"],
        ["echo_not_heard"],
    ],
    "not_ready": [
        ["no_camera"],
        ["download_low"],
        ["not_heard", "device_not_found"],
        ["timeout"],
        ["echo_not_heard", "device_not_found", "platform_blocked"],
    ],
}
CONNECTION_CODES = (
    "download_low",
    "media_unreachable",
    "udp_blocked",
    "timeout",
    "busy_network",
    "platform_blocked",
)
COMBINATIONS = [
    (verdict, video, audio, codes)
    for verdict, codes_list in REASONS.items()
    for video, audio, codes in itertools.product(VIDEOS, AUDIOS, codes_list)
]

# What each language says that a verdict forbids, as a patient reads it.
PROMISES_VIDEO = {
    "en": [
        r"\bHD\b",
        r"picture should be",
        r"sound should be clear",
        r"can go ahead",
        r"by video",
        r"if the video stops",
        r"Talking should be easy",
    ],
    "fr": [
        r"\bHD\b",
        r"L’image devrait",
        r"son devrait être clair",
        r"peut se faire par vidéo",
        r"par vidéo",
        r"si la vidéo s’arrête",
        r"Parler devrait",
    ],
}
SAYS_PHONE_OR_NO_CALL = {
    "en": [r"probably be by phone", r"too slow for a video or voice call", r"call without video"],
    "fr": [r"probablement par téléphone", r"trop lente pour un appel", r"appel sans vidéo"],
}
PHONE_VISIT = {"en": "Your visit will probably be by phone.", "fr": "probablement par téléphone"}
SHARP_PICTURE = {"en": r"\bHD\b|a little less sharp", "fr": r"\bHD\b|un peu moins nette"}


def visible(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def contradictions(text: str, lang: str, verdict: str, codes: list[str]) -> list[str]:
    found = []
    if verdict == "not_ready":
        found += [p for p in PROMISES_VIDEO[lang] if re.search(p, text)]
    else:
        found += [p for p in SAYS_PHONE_OR_NO_CALL[lang] if re.search(p, text)]
    if verdict == "limited" and set(codes) & {"download_low", "media_unreachable", "udp_blocked"}:
        found += [p for p in [SHARP_PICTURE[lang]] if re.search(p, text)]
    return found


def expected(video: str, audio: str) -> dict:
    return {"video": video, "audio": audio, "mos": 3.0, "freezes_when_busy": False}


def summary_text(app, lang, verdict, video, audio, codes) -> str:
    from flask import render_template

    with app.test_request_context(f"/{lang}/check/summary"):
        app.preprocess_request()
        overall = Overall(verdict=verdict, reasons=list(codes))
        html = render_template(
            "patient/summary.html",
            back_url="/",
            missing_urls={},
            **summary_context(overall, expected(video, audio)),
        )
    return visible(html.split("<main", 1)[1])


def connection_text(app, lang, verdict, video, audio, codes) -> str:
    from flask import render_template

    with app.test_request_context(f"/{lang}/check/connection"):
        app.preprocess_request()
        result = ConnectionResult(
            verdict=verdict,
            reasons=[code for code in codes if code in CONNECTION_CODES],
            expected_quality=expected(video, audio),
            download_mbps=8.0, upload_mbps=3.0, latency_ms=30.0, jitter_ms=3.0,
        )  # fmt: skip
        html = render_template(
            "patient/connection_result.html", next_url="/", **result_context(result)
        )
    # The fragment names its own scope in a sentence of its own: read what it says above that.
    return visible(html).split("This result covers")[0].split("Ce résultat porte")[0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_summary_contradicts_its_verdict(app, lang):
    failures = []
    for verdict, video, audio, codes in COMBINATIONS:
        text = summary_text(app, lang, verdict, video, audio, codes)
        bad = contradictions(text, lang, verdict, codes)
        if bad:
            failures.append((verdict, video, audio, codes, bad))
        if verdict == "not_ready":
            assert PHONE_VISIT[lang] in text
    assert failures == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_connection_result_contradicts_its_verdict(app, lang):
    failures = []
    for verdict, video, audio, codes in COMBINATIONS:
        text = connection_text(app, lang, verdict, video, audio, codes)
        connection_codes = [code for code in codes if code in CONNECTION_CODES]
        bad = contradictions(text, lang, verdict, connection_codes)
        if bad:
            failures.append((verdict, video, audio, codes, bad))
    assert failures == []


def test_below_the_guidance_the_picture_is_not_promised_and_the_guidance_is_named(app):
    text = summary_text(app, "fr", "limited", "hd_720p", "good", ["download_low"])
    assert "votre connexion est sous le seuil recommandé de 10\u00a0Mbit/s" in text
    text = summary_text(app, "en", "limited", "standard", "good", ["media_unreachable"])
    assert "Your picture may be good, but what we noticed below may make it weaker" in text


def test_under_not_ready_the_speakers_advice_does_not_say_the_visit_can_be_on_video(app):
    fr = summary_text(app, "fr", "not_ready", "hd_720p", "good", ["no_camera", "not_heard"])
    assert "Vous risquez de mal entendre votre équipe de soins\u00a0: utilisez des écouteurs" in fr
    assert "peut se faire par vidéo" not in fr
    en = summary_text(app, "en", "limited", "hd_720p", "good", ["not_heard"])
    assert "The visit can go ahead by video, but you may not hear your care team well" in en


def test_a_ready_result_keeps_its_promises(app):
    text = summary_text(app, "en", "ready", "hd_720p", "good", [])
    assert "Your picture should be clear and sharp (HD)." in text
    assert "The sound should be clear both ways." in text
    assert "What your connection allows" in text


NO_ROUTE = {"download_mbps": 48.2, "upload_mbps": 11.5, "latency_ms": 18.0, "jitter_ms": 2.1,
            "media_route": "none"}  # fmt: skip


def test_no_media_route_reaches_everyone_as_video_with_limits(app, people):  # noqa: F811
    """The new reason reaches the patient, the desk's script, the clinician, the API, the
    webhook and its FHIR Bundle; the verdict is "limited" everywhere, never "not ready"."""
    devices = {kind: ("pass", None) for kind in KINDS}
    patient, public_id, invitation_id = run_check(app, people, devices, "APPT-NOROUTE", NO_ROUTE)
    seen = verdicts_everywhere(app, people, patient, public_id, invitation_id, "APPT-NOROUTE")
    assert seen["summary"] == seen["desk"] == seen["api"] == "limited"
    assert seen["webhook"][-1] == "limited" and seen["fhir"][-1] == "limited"
    label = "The test's sound and picture found no route to our server"
    assert label in unescape(seen["summary_html"])
    assert 'data-reason="media_unreachable"' in seen["desk_html"]
    assert "Test sound and picture found no route to our server" in unescape(seen["desk_html"])
    assert label in unescape(seen["clinic_html"])
    assert "media_unreachable" in people["api"].get(f"/checks/{public_id}").json["reasons"]
    with app.app_context():
        check_id = db.session.scalar(db.select(Check.id).where(Check.public_id == public_id))
        payload = (
            db.session.scalars(
                db.select(OutboxMessage)
                .where(OutboxMessage.check_id == check_id)
                .order_by(OutboxMessage.id.desc())
            )
            .first()
            .payload
        )
    assert "media_unreachable" in payload["check"]["reasons"]
    notes = json.dumps(bundle_for_message(payload))
    assert "media_unreachable" in notes


def not_ready_patient(app, people, lang):  # noqa: F811
    """A patient without a camera, on a good connection: not ready, a phone visit."""
    with app.app_context():
        invitation, token = add_invitation(
            language=lang, clinician_id=people["clinician_id"], hours_from_now=24,
            appointment_ref=f"APPT-PHONE-{lang}",
        )  # fmt: skip
        db.session.commit()
    patient = app.test_client()
    patient.post(f"/{lang}/i/{token}")
    assert patient.post(f"/{lang}/check/connection/result", json=NO_ROUTE).status_code == 200
    for kind in KINDS:
        status = "skipped" if kind == "camera" else "pass"
        post_device(patient, kind, status, "device_not_found" if kind == "camera" else None)
    setting = {"private_place": "yes", "public_wifi": "no", "phone_at_hand": "yes"}
    patient.post(f"/{lang}/check/setting", data={**setting, "headset": "yes"})
    return patient


PHONE_PATH = {
    "en": {
        "consent": "Your visit will probably be by phone. If video becomes possible, do you agree",
        "contact": "to call you for it, and to send you messages about it.",
        "backup": "Phone number where we can call you for the visit",
        "required": "Enter a phone number where we can call you for the visit.",
        "video_stops": "if the video stops",
    },
    "fr": {
        "consent": "Votre consultation se fera probablement par téléphone. Si la vidéo devient "
        "possible, acceptez-vous qu’elle se fasse par vidéo\u00a0?",
        "contact": "pour vous appeler au moment de la consultation",
        "backup": "Numéro où nous pouvons vous appeler pour la consultation",
        "required": "Entrez un numéro de téléphone où nous pouvons vous appeler pour la "
        "consultation.",
        "video_stops": "si la vidéo s’arrête",
    },
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_on_the_phone_visit_path_consent_and_contact_speak_of_a_phone_visit(app, people, lang):  # noqa: F811
    words = PHONE_PATH[lang]
    patient = not_ready_patient(app, people, lang)
    summary = unescape(patient.get(f"/{lang}/check/summary").text)
    assert 'data-verdict="not_ready"' in summary and words["video_stops"] not in summary
    consent = unescape(patient.get(f"/{lang}/check/consent").text)
    assert 'data-testid="consent-phone-visit"' in consent and words["consent"] in consent
    sha = re.search(r'name="text_sha256" type="hidden" value="([0-9a-f]+)"', consent)
    sha = sha or re.search(r'value="([0-9a-f]{64})"', consent)
    agreed = {"decision": "agreed", "text_sha256": sha.group(1)}
    assert patient.post(f"/{lang}/check/consent", data=agreed).status_code == 302
    contact = unescape(patient.get(f"/{lang}/check/contact").text)
    assert words["contact"] in contact and words["backup"] in contact
    assert words["video_stops"] not in visible(contact.split("<main", 1)[1])
    refused = patient.post(f"/{lang}/check/contact", data={"preferred_language": lang})
    assert refused.status_code == 400 and words["required"] in unescape(refused.text)
    typed = {"backup": "613 555-0142", "preferred_language": lang, "preferred_contact": "phone"}
    assert patient.post(f"/{lang}/check/contact", data=typed).status_code == 302
    confirm = unescape(patient.get(f"/{lang}/check/contact/confirm").text)
    assert words["backup"] in confirm and words["video_stops"] not in confirm


def test_on_the_video_path_the_backup_number_is_for_when_the_video_stops(app, people):  # noqa: F811
    devices = {kind: ("pass", None) for kind in KINDS}
    patient, _, _ = run_check(app, people, devices, "APPT-VIDEO")
    patient.get("/en/check/consent")
    contact = unescape(patient.get("/en/check/contact").text)
    assert "Phone number to call if the video stops" in contact
    assert 'data-testid="contact-phone-visit"' not in contact
