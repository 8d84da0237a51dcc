"""The API's OpenAPI 3.1 document. tests/web/test_api_contract.py validates real responses
against it and runs schemathesis on it, so it stays true."""

from ..vocabulary import (
    ConsentDecision,
    DeviceKind,
    DeviceStatus,
    Verdict,
    VisitOutcome,
    VisitTrouble,
)

DATE_TIME = {"type": "string", "format": "date-time"}


def words(vocabulary) -> list[str]:
    """The vocabulary's words as plain strings, for the document's enums."""
    return [word.value for word in vocabulary]


def nullable(schema: dict) -> dict:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        **extra,
    }


STAFF = obj({"id": {"type": "integer"}, "name": {"type": "string"}})
OUTCOME_WORD = {
    "type": "string",
    "enum": words(VisitOutcome),
    "description": "video: held on video to the end; video_then_phone: started on video, "
    "finished by phone; phone: video never connected or never tried; in_person; no_show; "
    "cancelled.",
}
TROUBLE = {"type": "array", "items": {"type": "string", "enum": words(VisitTrouble)}}
VISIT_OUTCOME = obj(
    {
        "outcome": OUTCOME_WORD,
        "trouble": TROUBLE,
        "note": {"type": ["string", "null"]},
        "recorded_at": DATE_TIME,
        "recorded_by": nullable(ref("Staff")),
    }
)
VISIT_OUTCOME_REQUEST = obj(
    {"outcome": OUTCOME_WORD, "trouble": TROUBLE, "recorded_at": DATE_TIME},
    required=["outcome"],
)
APPOINTMENT = obj(
    {
        "invitation_id": {"type": "string", "format": "uuid"},
        "appointment_ref": {"type": "string"},
        "appointment_at": DATE_TIME,
        "visit_outcome": nullable(ref("VisitOutcome")),
    }
)
VERDICT = {"type": ["string", "null"], "enum": [*words(Verdict), None]}
EXPECTED_QUALITY = obj(
    {
        "video": {
            "type": ["string", "null"],
            "description": "The best rung of the video ladder both directions carry "
            "(default ladder: hd_720p, standard, low, audio_only; none below).",
        },
        "audio_mos": {
            "type": ["number", "null"],
            "description": "Expected voice quality, mean opinion score 1 to 4.5 (simplified "
            "ITU-T G.107 E-model from round-trip time, jitter and packet loss when measured).",
        },
        "audio": {"type": ["string", "null"], "enum": ["good", "fair", "poor", "bad", None]},
        "freezes_when_busy": {"type": "boolean"},
        "latency_increase_ms": {
            "type": ["number", "null"],
            "description": "The larger rise of latency over idle while downloading or uploading.",
        },
    },
    description="The call quality to expect, judged when the connection was measured.",
)
CHECK = obj(
    {
        "id": {"type": "string", "format": "uuid"},
        "reference_code": {"type": "string", "pattern": "^[2-9A-HJKMNP-Z]{6}$"},
        "language": {"type": "string", "enum": ["en", "fr"]},
        "step": {"type": "string"},
        "completed": {"type": "boolean"},
        "verdict": VERDICT,
        "reasons": {"type": "array", "items": {"type": "string"}},
        "outcome": {"type": ["string", "null"]},
        "missing": {
            "type": "array",
            "items": {"type": "string", "enum": ["connection", "devices", "setting"]},
            "description": "Parts not done yet: until none is missing, verdict is null "
            "(or not_ready when a part done already rules video out).",
        },
        "missing_devices": {
            "type": "array",
            "items": {"type": "string", "enum": ["camera", "microphone", "speakers", "browser"]},
            "description": "Device checks with no result yet in this attempt.",
        },
        "created_at": DATE_TIME,
        "updated_at": DATE_TIME,
        "completed_at": nullable(DATE_TIME),
        "appointment": nullable(ref("Appointment")),
        "patient": obj({"first_name": {"type": ["string", "null"]}}),
        "connection": nullable(
            obj(
                {
                    "download_mbps": {"type": ["number", "null"]},
                    "upload_mbps": {"type": ["number", "null"]},
                    "latency_ms": {"type": ["number", "null"]},
                    "jitter_ms": {"type": ["number", "null"]},
                    "loaded_latency_down_ms": {
                        "type": ["number", "null"],
                        "description": "Median latency while downloading (latency under load).",
                    },
                    "loaded_latency_up_ms": {
                        "type": ["number", "null"],
                        "description": "Median latency while uploading (latency under load).",
                    },
                    "expected_quality": nullable(EXPECTED_QUALITY),
                    "media_route": {
                        "type": ["string", "null"],
                        "enum": ["udp", "tcp", "tls", "relay-udp", "relay-tcp", "none", None],
                        "description": "The route a call's packets took (WebRTC data channel "
                        "to this server): udp is the fast one; tcp, tls and relay-tcp mean the "
                        "network blocks UDP; none, that nothing got through. Null when the "
                        "browser could not run the media check.",
                    },
                    "packet_loss_percent": {
                        "type": ["number", "null"],
                        "description": "Packet loss in the worse direction, in percent.",
                    },
                    "packet_loss_up_percent": {"type": ["number", "null"]},
                    "packet_loss_down_percent": {"type": ["number", "null"]},
                    "media_rtt_ms": {"type": ["number", "null"]},
                    "media_jitter_ms": {"type": ["number", "null"]},
                    "media_connect_ms": {"type": ["number", "null"]},
                    "platform_reachable": {
                        "type": ["boolean", "null"],
                        "description": "Whether any of the video platform's own addresses "
                        "(READINESS_PLATFORM_PROBES) loaded in the patient's browser; false gives "
                        "the reason platform_blocked. Null when none is set.",
                    },
                    "verdict": VERDICT,
                    "reasons": {"type": "array", "items": {"type": "string"}},
                    "failure": {"type": ["string", "null"]},
                    "measured_at": DATE_TIME,
                },
                description="The latest connection test; speeds in Mbit/s, times in ms.",
            )
        ),
        "devices": {
            "type": "array",
            "items": obj(
                {
                    "kind": {
                        "type": "string",
                        "enum": sorted(words(DeviceKind)),
                    },
                    "status": {"type": "string", "enum": words(DeviceStatus)},
                    "reason": {"type": ["string", "null"]},
                    "checked_at": DATE_TIME,
                }
            ),
        },
        "setting": nullable(
            obj(
                {
                    "private_place": {"type": ["boolean", "null"]},
                    "public_wifi": {"type": ["boolean", "null"]},
                    "phone_at_hand": {"type": ["boolean", "null"]},
                    "headset": {"type": ["boolean", "null"]},
                    "answered_at": DATE_TIME,
                }
            )
        ),
        "consent": nullable(
            obj(
                {
                    "decision": {"type": "string", "enum": words(ConsentDecision)},
                    "method": {"type": "string", "enum": ["online", "verbal_desk"]},
                    "text_version": {"type": "string"},
                    "text_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "language": {"type": "string", "enum": ["en", "fr"]},
                    "given_at": DATE_TIME,
                    "recorded_by": nullable(ref("Staff")),
                }
            )
        ),
        "contact": nullable(
            obj(
                {
                    "email": {"type": ["string", "null"]},
                    "mobile": {"type": ["string", "null"], "description": "E.164"},
                    "backup_phone": {"type": ["string", "null"], "description": "E.164"},
                    "preferred_language": {"type": "string", "enum": ["en", "fr"]},
                    "preferred_contact": {"type": "string", "enum": ["email", "sms", "phone"]},
                    "entered_by_staff": {"type": "boolean"},
                    "updated_at": DATE_TIME,
                }
            )
        ),
    }
)
INVITATION = obj(
    {
        "id": {"type": "string", "format": "uuid"},
        "appointment_ref": {"type": "string"},
        "appointment_at": DATE_TIME,
        "language": {"type": "string", "enum": ["en", "fr"]},
        "time_zone": {"type": ["string", "null"]},
        "first_name": {"type": ["string", "null"]},
        "email": {"type": ["string", "null"]},
        "phone": {"type": ["string", "null"], "description": "E.164"},
        "code": {
            "type": "string",
            "description": "Typed at /{lang}/code to start a new attempt; shown as K7PM-4QX9.",
        },
        "url": {
            "type": ["string", "null"],
            "description": (
                "The patient's link. Only in the answer that created the invitation: the link's "
                "token is never stored, so later answers (and idempotent repeats) have null."
            ),
        },
        "expires_at": DATE_TIME,
        "created_at": DATE_TIME,
        "revoked_at": nullable(DATE_TIME),
        "check_ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        "messages": {
            "type": "array",
            "description": "Emails and text messages the service sends the patient itself.",
            "items": obj(
                {
                    "id": {"type": "string", "format": "uuid"},
                    "channel": {"type": "string", "enum": ["email", "sms"]},
                    "kind": {"type": "string", "enum": ["invitation", "reminder", "morning"]},
                    "status": {
                        "type": "string",
                        "enum": ["pending", "sent", "failed", "skipped"],
                    },
                    "error": {
                        "type": ["string", "null"],
                        "description": "Why it failed or was skipped, as a word.",
                    },
                    "attempts": {"type": "integer"},
                    "sent_at": nullable(DATE_TIME),
                    "finished_at": nullable(DATE_TIME),
                }
            ),
        },
    }
)
INVITATION_REQUEST = obj(
    {
        "appointment_ref": {"type": "string", "minLength": 1, "maxLength": 100},
        "appointment_at": {**DATE_TIME, "description": "ISO 8601 with a UTC offset."},
        "language": {"type": "string", "enum": ["en", "fr"]},
        "first_name": {"type": ["string", "null"], "maxLength": 100},
        "clinician_email": {
            "type": ["string", "null"],
            "maxLength": 254,
            "description": (
                "The visit's clinician (an active clinician account): only they, the staff "
                "member who invited and admins see the visit. Without it, every clinician does."
            ),
        },
        "email": {"type": ["string", "null"], "format": "email"},
        "phone": {"type": ["string", "null"], "description": "Without a country code: Canada."},
        "time_zone": {
            "type": ["string", "null"],
            "maxLength": 64,
            "description": (
                "Where the patient lives (IANA, e.g. America/Vancouver): the service's messages "
                "give the visit's time and keep their quiet hours there. Default: the "
                "institution's zone."
            ),
        },
        "send": {
            "type": "array",
            "items": {"type": "string", "enum": ["email", "sms"]},
            "description": (
                "The service sends the invitation itself, then reminders, on these channels "
                "(each needs its address above)."
            ),
        },
    },
    required=["appointment_ref", "appointment_at", "language"],
)
ERROR = obj(
    {
        "error": obj(
            {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string"},
            },
            required=["code", "message"],
        )
    }
)
FHIR_BUNDLE = {
    "type": "object",
    "description": "An HL7 FHIR R4 transaction Bundle (see README.md).",
    "properties": {
        "resourceType": {"const": "Bundle"},
        "type": {"const": "transaction"},
        "entry": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["resourceType", "type", "entry"],
}


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


COMMON_ERRORS = {
    "401": error_response("No valid API key."),
    "429": error_response("Too many requests for this key."),
}
# What an answer leads to (OpenAPI links; schemathesis' stateful phase follows them).
INVITATION_LINKS = {
    "GetInvitation": {
        "operationId": "getInvitation",
        "parameters": {"public_id": "$response.body#/id"},
    }
}
ID_PARAMETER = {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}


def webhook_header(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


# What the scheduling module receives (README "Webhooks"): OpenAPI 3.1's `webhooks`.
WEBHOOK = {
    "post": {
        "operationId": "receiveReadinessEvent",
        "summary": "A change the scheduling module needs, signed with the shared secret.",
        "description": (
            "Verify X-Readiness-Signature-V2 (HMAC-SHA256 of "
            "'<timestamp>\\n<delivery>\\n<event>\\n<raw body>'), refuse a timestamp more "
            "than 5 minutes from your clock, then de-duplicate on the signed delivery id. "
            "X-Readiness-Signature (of '<timestamp>.<raw body>') stays for older receivers; it "
            "does not cover the delivery and event headers."
        ),
        "parameters": [
            webhook_header("X-Readiness-Event", "The event, e.g. check.completed (signed by V2)."),
            webhook_header(
                "X-Readiness-Delivery",
                "The message's id, the same on every retry: the idempotency key (signed by V2).",
            ),
            webhook_header("X-Readiness-Timestamp", "When this attempt was signed, Unix seconds."),
            webhook_header(
                "X-Readiness-Signature-V2",
                "sha256= and the hex HMAC-SHA256 of '<timestamp>\\n<delivery>\\n<event>\\n"
                "<raw body>'.",
            ),
            webhook_header(
                "X-Readiness-Signature",
                "sha256= and the hex HMAC-SHA256 of '<timestamp>.<raw body>'.",
            ),
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["delivery_id", "event", "occurred_at"],
                        "properties": {
                            "delivery_id": {"type": "string", "format": "uuid"},
                            "event": {"type": "string"},
                            "occurred_at": {"type": "string", "format": "date-time"},
                            "appointment": {"anyOf": [ref("Appointment"), {"type": "null"}]},
                            "check": {"anyOf": [ref("Check"), {"type": "null"}]},
                            "decision": {"type": ["object", "null"]},
                        },
                    }
                },
                "application/fhir+json": {"schema": ref("FhirBundle")},
            },
        },
        "responses": {"2XX": {"description": "Stored (or already stored): delivered."}},
    }
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Telehealth readiness API",
            "version": "1.0.0",
            "description": (
                "For the scheduling module: create invitations, read checks. Every call needs "
                "Authorization: Bearer <key> (flask apikey create --name N). Errors are JSON "
                "with a stable code, a message and, for bad input, the field."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/invitations": {
                "post": {
                    "operationId": "createInvitation",
                    "summary": "Invite a patient; idempotent by appointment_ref.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ref("InvitationRequest")}},
                    },
                    "responses": {
                        "201": {
                            **json_response("Created, with the patient's link.", ref("Invitation")),
                            "links": INVITATION_LINKS,
                        },
                        "200": {
                            **json_response(
                                "This appointment already has an invitation (url is null).",
                                ref("Invitation"),
                            ),
                            "links": INVITATION_LINKS,
                        },
                        "400": error_response("The body is not a JSON object."),
                        "422": error_response("A field is missing or wrong (error.field)."),
                        **COMMON_ERRORS,
                    },
                }
            },
            "/invitations/{public_id}": {
                "get": {
                    "operationId": "getInvitation",
                    "parameters": [ID_PARAMETER],
                    "responses": {
                        "200": json_response("The invitation.", ref("Invitation")),
                        "404": error_response("No invitation has this id."),
                        **COMMON_ERRORS,
                    },
                }
            },
            "/invitations/{public_id}/outcome": {
                "put": {
                    "operationId": "recordVisitOutcome",
                    "summary": "How the visit went (idempotent); webhook visit.outcome_recorded.",
                    "parameters": [ID_PARAMETER],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ref("VisitOutcomeRequest")}},
                    },
                    "responses": {
                        "200": json_response("The outcome as recorded.", ref("VisitOutcome")),
                        "400": error_response("The body is not a JSON object."),
                        "404": error_response("No invitation has this id."),
                        "422": error_response(
                            "An unknown word, or the appointment's time has not come "
                            "(only cancelled may be recorded before it)."
                        ),
                        **COMMON_ERRORS,
                    },
                }
            },
            "/checks": {
                "get": {
                    "operationId": "listChecks",
                    "summary": "Checks changed at or after updated_since, oldest first, paged.",
                    "parameters": [
                        {"name": "updated_since", "in": "query", "schema": DATE_TIME},
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                        {
                            "name": "cursor",
                            "in": "query",
                            "description": "next_cursor from the previous page.",
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            **json_response(
                                "A page of checks; follow next_cursor until it is null.",
                                obj(
                                    {
                                        "checks": {"type": "array", "items": ref("Check")},
                                        "next_cursor": {"type": ["string", "null"]},
                                    }
                                ),
                            ),
                            "links": {
                                "NextPage": {
                                    "operationId": "listChecks",
                                    "parameters": {"cursor": "$response.body#/next_cursor"},
                                }
                            },
                        },
                        "400": error_response("A query parameter is wrong (error.field)."),
                        **COMMON_ERRORS,
                    },
                }
            },
            "/checks/{public_id}": {
                "get": {
                    "operationId": "getCheck",
                    "parameters": [
                        ID_PARAMETER,
                        {
                            "name": "format",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["json", "fhir"]},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The check, as JSON or as a FHIR R4 Bundle.",
                            "content": {
                                "application/json": {"schema": ref("Check")},
                                "application/fhir+json": {"schema": ref("FhirBundle")},
                            },
                        },
                        "400": error_response("A query parameter is wrong (error.field)."),
                        "404": error_response("No check has this id."),
                        **COMMON_ERRORS,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "security": [],
                    "responses": {"200": {"description": "This document."}},
                }
            },
        },
        "webhooks": {"readinessEvent": WEBHOOK},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Appointment": APPOINTMENT,
                "Check": CHECK,
                "Error": ERROR,
                "FhirBundle": FHIR_BUNDLE,
                "Invitation": INVITATION,
                "InvitationRequest": INVITATION_REQUEST,
                "Staff": STAFF,
                "VisitOutcome": VISIT_OUTCOME,
                "VisitOutcomeRequest": VISIT_OUTCOME_REQUEST,
            },
        },
    }
