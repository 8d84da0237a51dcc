"""The webhook body as an HL7 FHIR R4 transaction Bundle, built from our JSON documents.

Patient, Consent, an Observation per result (connection figures as UCUM components, each device,
the setting answers, the overall verdict) and a Task pointing the scheduling module to the
Appointment. Validated with fhir.resources' R4B models, which match R4 for these resources.
Pure: takes the documents of readiness.handoff.payloads, imports no Flask.

Every entry is a conditional create or update keyed by an identifier under our base URL, so a
receiver that posts the same Bundle twice (a retried delivery) stores each resource once.
"""

import json
import uuid

from fhir.resources.R4B.bundle import Bundle

from ..vocabulary import DeviceStatus

DEFAULT_BASE = "https://readiness.example.org/fhir"
UCUM = "http://unitsofmeasure.org"
BCP47 = "urn:ietf:bcp:47"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

LANGUAGE_TAGS = {"en": ("en-CA", "English (Canada)"), "fr": ("fr-CA", "French (Canada)")}
VERDICT_DISPLAY = {
    "ready": "Ready for video",
    "limited": "Video visit possible, with limits",
    "not_ready": "Not ready for video: use the phone",
}
# The verdict, for systems that only read HL7's interpretation codes.
VERDICT_INTERPRETATION = {"ready": ("N", "Normal"), "limited": ("A", "Abnormal")}
VERDICT_INTERPRETATION["not_ready"] = ("AA", "Critical abnormal")
FIGURES = (
    ("download_mbps", "download-speed", "Download speed", "Mbit/s"),
    ("upload_mbps", "upload-speed", "Upload speed", "Mbit/s"),
    ("latency_ms", "latency", "Latency", "ms"),
    ("jitter_ms", "jitter", "Jitter", "ms"),
    ("loaded_latency_down_ms", "loaded-latency-download", "Latency while downloading", "ms"),
    ("loaded_latency_up_ms", "loaded-latency-upload", "Latency while uploading", "ms"),
    ("packet_loss_percent", "packet-loss", "Packet loss (worse direction)", "%"),
    ("packet_loss_up_percent", "packet-loss-up", "Packet loss, patient to server", "%"),
    ("packet_loss_down_percent", "packet-loss-down", "Packet loss, server to patient", "%"),
    ("media_rtt_ms", "media-round-trip-time", "Round-trip time of the media path", "ms"),
    ("media_jitter_ms", "media-jitter", "Jitter of the media path", "ms"),
)
VIDEO_DISPLAY = {
    "hd_720p": "HD 720p video",
    "standard": "Standard video (360p)",
    "low": "Low video (180p)",
    "audio_only": "Audio only",
    "none": "No call",
}
# How the visit went (readiness.outcomes): the Encounter's status and our code's display.
ENCOUNTER_STATUS = {"no_show": "cancelled", "cancelled": "cancelled"}
OUTCOME_DISPLAY = {
    "video": "Held on video to the end",
    "video_then_phone": "Started on video, finished by phone",
    "phone": "Held by phone",
    "in_person": "Held in person",
    "no_show": "The patient did not come",
    "cancelled": "Cancelled",
}
SETTING_ANSWERS = (
    ("private_place", "private-place", "In a private place"),
    ("public_wifi", "public-wifi", "On public Wi-Fi"),
    ("phone_at_hand", "phone-at-hand", "Phone at hand"),
    ("headset", "headset", "Headset or earphones"),
)


def code_system(base: str) -> str:
    """The canonical URL of our CodeSystem of measures, results and verdicts."""
    return f"{base.rstrip('/')}/CodeSystem/readiness-measure"


def identifier_system(base: str, kind: str) -> str:
    return f"{base.rstrip('/')}/sid/{kind}"


def full_url(*parts: str) -> str:
    """A stable urn:uuid for one resource of one Bundle."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


class BundleBuilder:
    def __init__(self, base: str, bundle_key: str):
        self.base = base.rstrip("/")
        self.system = code_system(self.base)
        self.bundle_key = bundle_key
        self.entries: list[dict] = []

    def concept(self, code: str, display: str | None = None, text: str | None = None) -> dict:
        coding = {"system": self.system, "code": code}
        if display:
            coding["display"] = display
        concept = {"coding": [coding]}
        if text:
            concept["text"] = text
        return concept

    def add(self, resource: dict, kind: str, value: str, method: str = "PUT") -> str:
        """Add a resource identified by (kind, value); returns its fullUrl for references."""
        system = identifier_system(self.base, kind)
        resource["identifier"] = [{"system": system, "value": value}]
        url = full_url(self.bundle_key, kind, value)
        search = f"identifier={system}|{value}"
        if method == "POST":
            request = {"method": "POST", "url": resource["resourceType"], "ifNoneExist": search}
        else:
            request = {"method": "PUT", "url": f"{resource['resourceType']}?{search}"}
        self.entries.append({"fullUrl": url, "resource": resource, "request": request})
        return url

    def interpretation(self, verdict: str | None) -> list[dict]:
        if verdict not in VERDICT_DISPLAY:
            return []
        code, display = VERDICT_INTERPRETATION[verdict]
        return [
            {
                "coding": [
                    {"system": INTERPRETATION, "code": code, "display": display},
                    {"system": self.system, "code": verdict, "display": VERDICT_DISPLAY[verdict]},
                ]
            }
        ]


def patient_resource(check: dict) -> dict:
    patient: dict = {"resourceType": "Patient"}
    first_name = (check.get("patient") or {}).get("first_name")
    if first_name:
        patient["name"] = [{"given": [first_name]}]
    contact = check.get("contact") or {}
    preferred = contact.get("preferred_contact")
    telecom = []
    if contact.get("email"):
        telecom.append({"system": "email", "value": contact["email"], "use": "home"})
    if contact.get("mobile"):
        system = "sms" if preferred == "sms" else "phone"
        telecom.append({"system": system, "value": contact["mobile"], "use": "mobile"})
    if contact.get("backup_phone"):
        telecom.append({"system": "phone", "value": contact["backup_phone"], "use": "home"})
    for point in telecom:
        if (preferred, point["system"]) in {("email", "email"), ("sms", "sms")} or (
            preferred == "phone" and point["system"] == "phone" and point["use"] == "mobile"
        ):
            point["rank"] = 1
    if telecom:
        patient["telecom"] = telecom
    language = contact.get("preferred_language") or check.get("language")
    if language in LANGUAGE_TAGS:
        tag, display = LANGUAGE_TAGS[language]
        patient["communication"] = [
            {
                "language": {"coding": [{"system": BCP47, "code": tag, "display": display}]},
                "preferred": True,
            }
        ]
    return patient


def consent_resource(consent: dict, patient_url: str, builder: BundleBuilder) -> dict:
    agreed = consent["decision"] == "agreed"
    tag = LANGUAGE_TAGS.get(consent["language"], ("en-CA", ""))[0]
    resource = {
        "resourceType": "Consent",
        "status": "active" if agreed else "rejected",
        "scope": {
            "coding": [{"system": CONSENT_SCOPE, "code": "treatment", "display": "Treatment"}]
        },
        "category": [
            {
                "coding": [{"system": CONSENT_CATEGORY, "code": "59284-0"}],
                "text": "Consent to a virtual (video) encounter",
            },
            builder.concept("virtual-encounter-consent", "Consent to a virtual encounter"),
        ],
        "patient": {"reference": patient_url},
        "dateTime": consent["given_at"],
        "performer": [{"reference": patient_url}],
        "policyRule": {
            "coding": [{"system": ACT_CODE, "code": "OPTIN" if agreed else "OPTOUT"}],
            "text": (
                f"Virtual encounter consent text version {consent['text_version']} "
                f"({tag}), SHA-256 {consent['text_sha256']}"
            ),
        },
        "provision": {"type": "permit" if agreed else "deny"},
    }
    if consent["method"] == "verbal_desk":
        staff = consent.get("recorded_by") or {}
        resource["verification"] = [
            {
                "verified": True,
                "verifiedWith": {"reference": patient_url},
                "verificationDate": consent["given_at"],
            }
        ]
        resource["category"].append(builder.concept("verbal", "Verbal consent by phone"))
        if staff.get("name"):
            resource["performer"].append({"display": f"Recorded by {staff['name']}"})
    return resource


def quantity(value: float, unit: str) -> dict:
    return {"value": round(float(value), 3), "unit": unit, "system": UCUM, "code": unit}


def connection_resource(connection: dict, patient_url: str, builder: BundleBuilder) -> dict:
    components = [
        {"code": builder.concept(code, display), "valueQuantity": quantity(connection[key], unit)}
        for key, code, display, unit in FIGURES
        if connection.get(key) is not None
    ]
    components.extend(expected_components(connection.get("expected_quality"), builder))
    if connection.get("media_route"):
        components.append(
            {
                "code": builder.concept("media-route", "Route of the media path"),
                "valueString": connection["media_route"],
            }
        )
    if connection.get("platform_reachable") is not None:
        components.append(
            {
                "code": builder.concept(
                    "platform-reachable", "The video platform's own addresses could be reached"
                ),
                "valueBoolean": connection["platform_reachable"],
            }
        )
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "code": builder.concept("connection", "Connection test"),
        "subject": {"reference": patient_url},
        "effectiveDateTime": connection["measured_at"],
        "interpretation": builder.interpretation(connection.get("verdict")),
    }
    if components:
        resource["component"] = components
    if connection.get("failure"):
        resource["note"] = [{"text": f"The test did not finish: {connection['failure']}"}]
    if not resource["interpretation"]:
        del resource["interpretation"]
    return resource


def expected_components(expected: dict | None, builder: BundleBuilder) -> list[dict]:
    """The call quality to expect: the video rung, and the voice's MOS (1 to 4.5)."""
    if not expected:
        return []
    found = []
    if expected.get("video"):
        video = expected["video"]
        found.append(
            {
                "code": builder.concept("expected-video", "Expected video quality"),
                "valueCodeableConcept": builder.concept(
                    f"video-{video}", VIDEO_DISPLAY.get(video, video)
                ),
            }
        )
    if expected.get("audio_mos") is not None:
        found.append(
            {
                "code": builder.concept(
                    "expected-audio-mos", "Expected voice quality (MOS, simplified E-model)"
                ),
                "valueQuantity": quantity(expected["audio_mos"], "{score}"),
            }
        )
    return found


def device_resource(device: dict, patient_url: str, builder: BundleBuilder) -> dict:
    status = device["status"]
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "code": builder.concept(f"device-{device['kind']}", f"Device check: {device['kind']}"),
        "subject": {"reference": patient_url},
        "effectiveDateTime": device["checked_at"],
        "valueCodeableConcept": builder.concept(
            f"device-{status}", text=device["reason"] or status
        ),
        "interpretation": [
            {
                "coding": [
                    {
                        "system": INTERPRETATION,
                        "code": "N" if status == DeviceStatus.PASS else "A",
                        "display": "Normal" if status == DeviceStatus.PASS else "Abnormal",
                    }
                ]
            }
        ],
    }
    return resource


def setting_resource(setting: dict, patient_url: str, builder: BundleBuilder) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": builder.concept("setting", "Where the patient will be for the visit"),
        "subject": {"reference": patient_url},
        "effectiveDateTime": setting["answered_at"],
        "component": [
            {"code": builder.concept(code, display), "valueBoolean": setting[key]}
            for key, code, display in SETTING_ANSWERS
            if setting.get(key) is not None
        ],
    }


def verdict_resource(check: dict, patient_url: str, builder: BundleBuilder) -> dict:
    verdict = check["verdict"]
    resource = {
        "resourceType": "Observation",
        "status": "final" if check["completed"] else "preliminary",
        "code": builder.concept("readiness-verdict", "Readiness for a video visit"),
        "subject": {"reference": patient_url},
        "effectiveDateTime": check["completed_at"] or check["updated_at"],
        "valueCodeableConcept": builder.concept(verdict, VERDICT_DISPLAY[verdict]),
        "interpretation": builder.interpretation(verdict),
    }
    if check["reasons"]:
        resource["note"] = [{"text": "Reasons: " + ", ".join(check["reasons"])}]
    return resource


def encounter_resource(appointment: dict, patient_url: str | None, builder: BundleBuilder) -> dict:
    """The visit as it happened: a virtual encounter (class VR), the outcome as its type.

    An in-person visit is ambulatory (AMB); a visit that did not take place is cancelled.
    The trouble words are extensions; the free-text note is not sent here.
    """
    outcome = appointment["visit_outcome"]
    word = outcome["outcome"]
    in_person = word == "in_person"
    resource = {
        "resourceType": "Encounter",
        "status": ENCOUNTER_STATUS.get(word, "finished"),
        "class": {
            "system": ACT_CODE,
            "code": "AMB" if in_person else "VR",
            "display": "ambulatory" if in_person else "virtual",
        },
        "type": [builder.concept(f"visit-outcome-{word}", OUTCOME_DISPLAY[word])],
        "period": {"start": appointment["appointment_at"]},
        "appointment": [
            {
                "type": "Appointment",
                "identifier": {
                    "system": identifier_system(builder.base, "appointment-ref"),
                    "value": appointment["appointment_ref"],
                },
                "display": f"Appointment {appointment['appointment_ref']}",
            }
        ],
    }
    trouble = outcome.get("trouble") or []
    if trouble:
        resource["extension"] = [
            {"url": f"{builder.base}/StructureDefinition/visit-trouble", "valueCode": word}
            for word in trouble
        ]
    if patient_url:
        resource["subject"] = {"reference": patient_url}
    return resource


def task_resource(
    *,
    event: str | None,
    occurred_at: str,
    appointment: dict | None,
    decision: dict | None,
    patient_url: str | None,
    inputs: list[tuple[str, str]],
    builder: BundleBuilder,
) -> dict:
    task = {
        "resourceType": "Task",
        "status": "requested",
        "intent": "order",
        "code": builder.concept(
            "review-readiness",
            "Review the patient's readiness for the video visit",
        ),
        "authoredOn": occurred_at,
        "lastModified": occurred_at,
    }
    if event:
        task["businessStatus"] = builder.concept(event, text=event)
    if appointment:
        task["focus"] = {
            "type": "Appointment",
            "identifier": {
                "system": identifier_system(builder.base, "appointment-ref"),
                "value": appointment["appointment_ref"],
            },
            "display": f"Appointment {appointment['appointment_ref']}",
        }
        task["description"] = f"Readiness for appointment {appointment['appointment_ref']}"
    else:
        task["description"] = "Readiness check without an appointment"
    if patient_url:
        task["for"] = {"reference": patient_url}
    task_inputs = [
        {"type": {"text": label}, "valueReference": {"reference": url}} for label, url in inputs
    ]
    if decision:
        task_inputs.append(
            {
                "type": builder.concept("visit-decision", "The clinician's decision"),
                "valueCodeableConcept": builder.concept(f"visit-{decision['choice']}"),
            }
        )
        if decision.get("note"):
            task["note"] = [{"text": decision["note"], "time": decision["decided_at"]}]
    if task_inputs:
        task["input"] = task_inputs
    return task


def build_bundle(
    *,
    base: str,
    bundle_id: str,
    timestamp: str,
    event: str | None,
    check: dict | None,
    appointment: dict | None,
    decision: dict | None = None,
) -> dict:
    """A validated transaction Bundle, as JSON-ready data."""
    builder = BundleBuilder(base, bundle_id)
    patient_url = None
    inputs: list[tuple[str, str]] = []
    if check is not None:
        check_id = check["id"]
        # An update, not a create-if-missing: a later contact.changed replaces the telecom.
        patient_url = builder.add(patient_resource(check), "check-patient", check_id)
        if check.get("consent"):
            resource = consent_resource(check["consent"], patient_url, builder)
            inputs.append(("Consent", builder.add(resource, "check-consent", check_id)))
        if check.get("connection"):
            resource = connection_resource(check["connection"], patient_url, builder)
            url = builder.add(resource, "check-observation", f"{check_id}-connection")
            inputs.append(("Connection test", url))
        for device in check.get("devices") or []:
            resource = device_resource(device, patient_url, builder)
            value = f"{check_id}-device-{device['kind']}"
            inputs.append(
                (
                    f"Device check: {device['kind']}",
                    builder.add(resource, "check-observation", value),
                )
            )
        if check.get("setting"):
            resource = setting_resource(check["setting"], patient_url, builder)
            url = builder.add(resource, "check-observation", f"{check_id}-setting")
            inputs.append(("Setting", url))
        if check.get("verdict"):
            resource = verdict_resource(check, patient_url, builder)
            url = builder.add(resource, "check-observation", f"{check_id}-verdict")
            inputs.append(("Readiness verdict", url))
    if appointment and appointment.get("visit_outcome"):
        resource = encounter_resource(appointment, patient_url, builder)
        url = builder.add(resource, "appointment-encounter", appointment["invitation_id"])
        inputs.append(("Visit outcome", url))
    task = task_resource(
        event=event,
        occurred_at=timestamp,
        appointment=appointment,
        decision=decision,
        patient_url=patient_url,
        inputs=inputs,
        builder=builder,
    )
    builder.add(task, "delivery", bundle_id, "POST")
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{bundle_id}"},
        "timestamp": timestamp,
        "entry": builder.entries,
    }
    return validated(bundle)


def validated(bundle: dict) -> dict:
    """Parse with fhir.resources (raises on anything R4 does not allow), and give it back."""
    return json.loads(Bundle.model_validate(bundle).model_dump_json())


def bundle_for_message(payload: dict, *, base: str = DEFAULT_BASE) -> dict:
    """The FHIR body of a stored outbox message (readiness.handoff.payloads.message_document)."""
    return build_bundle(
        base=base,
        bundle_id=payload["delivery_id"],
        timestamp=payload["occurred_at"],
        event=payload["event"],
        check=payload.get("check"),
        appointment=payload.get("appointment"),
        decision=payload.get("decision"),
    )


def bundle_for_check(check: dict, *, base: str = DEFAULT_BASE) -> dict:
    """A check as it stands, for the API's ?format=fhir."""
    version = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{check['id']}@{check['updated_at']}"))
    return build_bundle(
        base=base,
        bundle_id=version,
        timestamp=check["updated_at"],
        event=None,
        check=check,
        appointment=check.get("appointment"),
    )
