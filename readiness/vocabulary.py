"""The product's words: every value a column, a form, a payload or a template compares with.

StrEnums, so each member is also its plain string: "ready" == Verdict.READY, JSON and the
database store the string, and templates can compare either way. The database refuses anything
else (check constraints on the models and in migrations/versions/c12_vocabulary_checks.py): a
new word needs its member here AND a migration that widens the constraint. Pure: no Flask.
"""

from enum import StrEnum


class Verdict(StrEnum):
    """A check's (or one part's) verdict, from best to worst."""

    READY = "ready"
    LIMITED = "limited"
    NOT_READY = "not_ready"


class ReasonFamily(StrEnum):
    """The part of the check a reason code comes from (readiness.checks.reasons)."""

    CONNECTION = "connection"
    DEVICES = "devices"
    SETTING = "setting"


class Role(StrEnum):
    DESK = "desk"
    CLINICIAN = "clinician"
    ADMIN = "admin"


class ConsentDecision(StrEnum):
    AGREED = "agreed"
    DECLINED = "declined"


class ConsentMethod(StrEnum):
    ONLINE = "online"
    VERBAL_DESK = "verbal_desk"


class DeviceKind(StrEnum):
    CAMERA = "camera"
    MICROPHONE = "microphone"
    SPEAKERS = "speakers"
    BROWSER = "browser"


class DeviceStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIPPED = "skipped"


class Outcome(StrEnum):
    """How a finished check ended besides its verdict; None when it simply has its verdict."""

    NO_DEVICE_PHONE_VISIT = "no_device_phone_visit"  # recorded by the support desk
    CONSENT_DECLINED = "consent_declined"


class VisitChoice(StrEnum):
    """The clinician's decision for the visit."""

    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in_person"


class EventType(StrEnum):
    """What a message to the scheduling module announces (readiness.handoff.outbox)."""

    CHECK_COMPLETED = "check.completed"
    CONSENT_RECORDED = "consent.recorded"
    CONTACT_CHANGED = "contact.changed"
    DECISION_RECORDED = "decision.recorded"
    # Announced by the privacy work (its personal data was erased), allowed here so the two
    # branches merge without a second migration.
    CHECK_ERASED = "check.erased"
    NOTIFICATION_SENT = "notification.sent"
    NOTIFICATION_FAILED = "notification.failed"


class CallResult(StrEnum):
    """What came of the desk's call to a patient before the visit (/desk/outreach)."""

    REACHED = "reached"
    LEFT_MESSAGE = "left_message"
    NO_ANSWER = "no_answer"


class NotificationChannel(StrEnum):
    """How the service reaches a patient itself (readiness.notify)."""

    EMAIL = "email"
    SMS = "sms"


class NotificationKind(StrEnum):
    INVITATION = "invitation"  # sent when the invitation is made
    REMINDER = "reminder"  # REMINDER_HOURS_BEFORE the visit, when no check is finished
    MORNING = "morning"  # the morning of the visit, when the last check was not "ready"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up, or the provider refused the address
    SKIPPED = "skipped"  # no longer needed (check finished, unsubscribed, erased, past)


def sql_in(column: str, words: type[StrEnum]) -> str:
    """A check constraint's text: the column holds one of the words (or NULL)."""
    quoted = ", ".join(f"'{word.value}'" for word in words)
    return f"{column} IN ({quoted})"
