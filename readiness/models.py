"""The data model: invitations, checks and results, consent, contacts, staff, audit, outbox."""

import uuid
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint, event, types
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .data_keys import normalise_email, normalise_phone
from .encrypted import EncryptedJSON, EncryptedText, bind_to_rows, encrypted_columns, keyring
from .extensions import db
from .vocabulary import (
    CallResult,
    ConsentDecision,
    ConsentMethod,
    DeviceKind,
    DeviceStatus,
    EventType,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
    Outcome,
    Role,
    Verdict,
    VisitChoice,
    VisitOutcome,
    sql_in,
)

LANGUAGES = ("en", "fr")
ROLES = tuple(role.value for role in Role)  # plain strings, as click.Choice expects
VERDICTS = tuple(word.value for word in Verdict)
DEVICE_KINDS = tuple(word.value for word in DeviceKind)
DEVICE_STATUSES = tuple(word.value for word in DeviceStatus)


def one_of(column: str, words) -> CheckConstraint:
    """The database refuses a word outside the vocabulary (named ck_<table>_<column>_known)."""
    return CheckConstraint(sql_in(column, words), name=f"{column}_known")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_public_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(types.TypeDecorator):
    """Aware UTC datetimes in and out, on SQLite (which drops the offset) and PostgreSQL alike."""

    impl = types.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StaffUser(UserMixin, db.Model):
    """A support desk agent, a clinician or an administrator."""

    __tablename__ = "staff_user"
    __table_args__ = (one_of("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str | None] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(2), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Single sign-on: the provider's subject for this person (None for local accounts).
    # A break-glass account signs in with its password even when local sign-in is off.
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    break_glass: Mapped[bool] = mapped_column(default=False)
    # Two-factor (TOTP, readiness.auth.totp): the seed, encrypted like other personal fields;
    # enabled once a code confirmed it; the last time step used, so a code works once.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]
    # Where the person works (free text the admin sets, e.g. "Ottawa General"): groups the
    # clinicians' own setup checks per site (readiness.clinic.site_capacity).
    site: Mapped[str | None] = mapped_column(String(80))

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, *roles: str) -> bool:
        """Admins may do what every other role may do."""
        return self.role == Role.ADMIN or self.role in roles


class StaffSelfCheck(db.Model):
    """A clinician's check of their own workstation: connection figures, devices, verdict.

    Not a patient's check: no reference code, no consent, no contact details. Results posted
    while it is open (readiness.clinic.self_check.OPEN_MINUTES) complete the same row.
    """

    __tablename__ = "staff_self_check"
    __table_args__ = (one_of("verdict", Verdict), one_of("connection_verdict", Verdict))

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # The staff member's site when the check started: the network it measured.
    site: Mapped[str | None] = mapped_column(String(80))
    download_mbps: Mapped[float | None]
    upload_mbps: Mapped[float | None]
    latency_ms: Mapped[float | None]
    jitter_ms: Mapped[float | None]
    connection_verdict: Mapped[str | None] = mapped_column(String(16))
    connection_reasons: Mapped[list] = mapped_column(JSON, default=list)
    # kind -> {"status": ..., "reason": ...} for each device tested.
    devices: Mapped[dict] = mapped_column(JSON, default=dict)
    # None until every part is in (or one part rules video out): readiness.checks.overall.
    verdict: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffUser] = relationship()


class RecoveryCode(db.Model):
    """A two-factor recovery code, shown once; kept as an argon2 hash; works once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInLock(db.Model):
    """Wrong passwords for one account from one address, and until when that pair waits
    (readiness.auth.lockout): another address, the account's owner's, is not locked out."""

    __tablename__ = "sign_in_lock"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    tries: Mapped[int] = mapped_column(default=0)
    locks: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffSession(db.Model):
    """One signed-in staff session, so that signing out ends it on the server too."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateLimitCounter(db.Model):
    """A rate limit's count in its window, shared by every worker (readiness.limit_storage)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(index=True)  # Unix seconds


class Invitation(db.Model):
    """An appointment's invitation to the check, made by a clinician or the scheduling module."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    appointment_ref: Mapped[str] = mapped_column(String(100), unique=True)
    appointment_at: Mapped[datetime] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(2))
    # Personal fields: encrypted at rest, found through their keyed hashes (blind indexes).
    first_name: Mapped[str | None] = mapped_column(EncryptedText)
    email: Mapped[str | None] = mapped_column(EncryptedText)
    phone_e164: Mapped[str | None] = mapped_column(EncryptedText)
    email_index: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_by_api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where the patient lives (IANA name), when the scheduling module says: the messages give
    # the visit's time and keep their quiet hours there. None: the institution's zone.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # The patient replied STOP or followed the email's unsubscribe link: no more reminders.
    reminders_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    clinician: Mapped[StaffUser | None] = relationship(foreign_keys=[clinician_id])
    checks: Mapped[list["Check"]] = relationship(
        back_populates="invitation", order_by="Check.created_at"
    )
    outreach_calls: Mapped[list["OutreachCall"]] = relationship(order_by="OutreachCall.id")
    notifications: Mapped[list["Notification"]] = relationship(
        back_populates="invitation", order_by="Notification.id"
    )
    decisions: Mapped[list["VisitDecision"]] = relationship(
        back_populates="invitation", order_by="VisitDecision.decided_at"
    )
    visit_outcome: Mapped["VisitOutcomeRecord | None"] = relationship(back_populates="invitation")


class Check(db.Model):
    """One attempt by a patient (or a caller helped by the desk) to test their setup."""

    __tablename__ = "check"
    __table_args__ = (
        one_of("verdict", Verdict),
        one_of("outcome", Outcome),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    reference_code: Mapped[str] = mapped_column(String(8), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), index=True)
    started_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    step: Mapped[str] = mapped_column(String(32), default="start")
    verdict: Mapped[str | None] = mapped_column(String(16))
    verdict_reasons: Mapped[list] = mapped_column(JSON, default=list)
    outcome: Mapped[str | None] = mapped_column(String(32))
    device_summary: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When its personal data was erased (retention or request); its figures stay.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a browser joined a desk-started check with its code: a code joins once.
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Started with the invitation's code rather than its link: such an attempt neither uses up
    # the link nor replaces what the clinician sees (readiness.checks.attempts).
    by_code: Mapped[bool] = mapped_column(default=False)

    invitation: Mapped[Invitation | None] = relationship(back_populates="checks")
    connection_results: Mapped[list["ConnectionResult"]] = relationship(
        back_populates="check", order_by="ConnectionResult.created_at"
    )
    device_results: Mapped[list["DeviceResult"]] = relationship(
        back_populates="check", order_by="DeviceResult.created_at"
    )
    setting_answers: Mapped[list["SettingAnswers"]] = relationship(
        back_populates="check", order_by="SettingAnswers.created_at"
    )
    consent_records: Mapped[list["ConsentRecord"]] = relationship(
        back_populates="check", order_by="ConsentRecord.given_at"
    )
    contact_details: Mapped[list["ContactDetails"]] = relationship(
        back_populates="check", order_by="ContactDetails.created_at"
    )
    notes: Mapped[list["DeskNote"]] = relationship(
        back_populates="check", order_by="DeskNote.created_at"
    )

    def touch(self) -> None:
        self.updated_at = utcnow()


class ConnectionResult(db.Model):
    """One run of the connection test, with its figures and the samples they came from."""

    __tablename__ = "connection_result"
    __table_args__ = (one_of("verdict", Verdict),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("check.id"), index=True)
    download_mbps: Mapped[float | None]
    upload_mbps: Mapped[float | None]
    latency_ms: Mapped[float | None]
    jitter_ms: Mapped[float | None]
    # Median latency while the test downloads, and while it uploads (latency under load).
    loaded_latency_down_ms: Mapped[float | None]
    loaded_latency_up_ms: Mapped[float | None]
    # The call quality to expect, judged when measured (readiness.connection.quality).
    expected_quality: Mapped[dict | None] = mapped_column(JSON)
    verdict: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    failure: Mapped[str | None] = mapped_column(String(32))
    samples: Mapped[dict] = mapped_column(JSON, default=dict)
    bytes_used: Mapped[int | None]
    duration_ms: Mapped[int | None]
    connection_type: Mapped[str | None] = mapped_column(String(32))
    # The media path (None when the browser could not run that check): the route a call's
    # packets took (udp, tcp, tls, relay-udp, relay-tcp, none) and what they met on it.
    media_route: Mapped[str | None] = mapped_column(String(16))
    media_candidate_type: Mapped[str | None] = mapped_column(String(8))
    media_connect_ms: Mapped[float | None]
    media_rtt_ms: Mapped[float | None]
    media_jitter_ms: Mapped[float | None]
    media_loss_up_percent: Mapped[float | None]
    media_loss_down_percent: Mapped[float | None]
    # The patient's network (/24 or /64) as a keyed hash, never in clear: how many networks
    # found no media route tells our fault from theirs (readiness.connection.media_health).
    media_network: Mapped[str | None] = mapped_column(String(64))
    # Whether any of the video platform's own addresses (READINESS_PLATFORM_PROBES) loaded in
    # the patient's browser; None when none is set or the browser did not say.
    platform_reachable: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    check: Mapped[Check] = relationship(back_populates="connection_results")

    @property
    def packet_loss_percent(self) -> float | None:
        """The worse direction's packet loss: a call needs both."""
        measured = [
            loss
            for loss in (self.media_loss_up_percent, self.media_loss_down_percent)
            if loss is not None
        ]
        return max(measured) if measured else None


class DeviceResult(db.Model):
    """The outcome of one device check (camera, microphone, speakers, browser)."""

    __tablename__ = "device_result"
    __table_args__ = (
        one_of("kind", DeviceKind),
        one_of("status", DeviceStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("check.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(String(48))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    check: Mapped[Check] = relationship(back_populates="device_results")


class SettingAnswers(db.Model):
    """The patient's own checklist about where they will be for the visit."""

    __tablename__ = "setting_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("check.id"), index=True)
    private_place: Mapped[bool | None]
    public_wifi: Mapped[bool | None]
    phone_at_hand: Mapped[bool | None]
    headset: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    check: Mapped[Check] = relationship(back_populates="setting_answers")


class ConsentRecord(db.Model):
    """Consent to a virtual encounter, agreed or declined, with the exact text that was shown."""

    __tablename__ = "consent_record"
    __table_args__ = (
        one_of("decision", ConsentDecision),
        one_of("method", ConsentMethod),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("check.id"), index=True)
    decision: Mapped[str] = mapped_column(String(8))  # agreed | declined
    text_version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    text_sha256: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))  # online | verbal_desk
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    check: Mapped[Check] = relationship(back_populates="consent_records")
    staff: Mapped[StaffUser | None] = relationship()


class ContactDetails(db.Model):
    """How to reach the patient. A correction adds a row; the earlier one stays."""

    __tablename__ = "contact_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("check.id"), index=True)
    # Personal fields: encrypted at rest, found through their keyed hashes (blind indexes).
    email: Mapped[str | None] = mapped_column(EncryptedText)
    mobile_e164: Mapped[str | None] = mapped_column(EncryptedText)
    backup_e164: Mapped[str | None] = mapped_column(EncryptedText)
    email_index: Mapped[str | None] = mapped_column(String(64), index=True)
    mobile_index: Mapped[str | None] = mapped_column(String(64), index=True)
    backup_index: Mapped[str | None] = mapped_column(String(64), index=True)
    preferred_language: Mapped[str] = mapped_column(String(2))
    preferred_contact: Mapped[str] = mapped_column(String(8))  # email | sms | phone
    entered_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    check: Mapped[Check] = relationship(back_populates="contact_details")


class PatientSession(db.Model):
    """A browser's hold on its check, kept on the server: "Clear" ends it for every copy of the
    cookie, and contact details typed but not yet confirmed wait here, never in the cookie."""

    __tablename__ = "patient_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("check.id"), index=True)
    pending_contact: Mapped[dict | None] = mapped_column(EncryptedJSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class HandoverLink(db.Model):
    """A link that lets one more browser (the patient's phone) continue a check: once, for
    HANDOVER_MINUTES. Only the token's hash is kept (readiness.patient.handover)."""

    __tablename__ = "handover_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("check.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeskNote(db.Model):
    """A support desk agent's note on a caller's check."""

    __tablename__ = "desk_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("check.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    text: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    check: Mapped[Check] = relationship(back_populates="notes")
    staff: Mapped[StaffUser] = relationship()


class VisitDecision(db.Model):
    """The clinician's choice for the visit: video, phone or in person."""

    __tablename__ = "visit_decision"
    __table_args__ = (one_of("choice", VisitChoice),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    choice: Mapped[str] = mapped_column(String(16))  # video | phone | in_person
    note: Mapped[str | None] = mapped_column(EncryptedText)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invitation: Mapped[Invitation] = relationship(back_populates="decisions")
    staff: Mapped[StaffUser] = relationship()


class VisitOutcomeRecord(db.Model):
    """How the visit went (readiness.outcomes): one per appointment, replaced when corrected.

    The note is personal and erased with the check's data; the word and trouble list stay.
    """

    __tablename__ = "visit_outcome"
    __table_args__ = (one_of("outcome", VisitOutcome),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(24))
    trouble: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(EncryptedText)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invitation: Mapped[Invitation] = relationship(back_populates="visit_outcome")
    staff: Mapped[StaffUser | None] = relationship()


class AuditEvent(db.Model):
    """Who did or saw what, and when. Never holds contact details or tokens.

    Each entry is chained to the one before it (readiness.audit): `hash` covers `prev_hash` and
    the entry's content, so an edited or deleted entry breaks the chain.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(48))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"))
    check_id: Mapped[int | None] = mapped_column(ForeignKey("check.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class OutboxMessage(db.Model):
    """A message for the scheduling module, written in the same transaction as its change."""

    __tablename__ = "outbox_message"
    __table_args__ = (one_of("event_type", EventType),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    event_type: Mapped[str] = mapped_column(String(48))
    check_id: Mapped[int | None] = mapped_column(ForeignKey("check.id"), index=True)
    payload: Mapped[dict] = mapped_column(EncryptedJSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class Notification(db.Model):
    """An email or text message the service sends a patient itself, kept until sent like the
    outbox: durable, retried with backoff, once per (invitation, kind, channel)."""

    __tablename__ = "notification"
    __table_args__ = (
        one_of("channel", NotificationChannel),
        one_of("kind", NotificationKind),
        one_of("status", NotificationStatus),
        UniqueConstraint("invitation_id", "kind", "channel", name="one_per_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8), default=NotificationStatus.PENDING)
    # The address and the invitation link (its token is stored nowhere else): encrypted.
    recipient: Mapped[str | None] = mapped_column(EncryptedText)
    link: Mapped[str | None] = mapped_column(EncryptedText)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A reason word (readiness.notify.channels), never the address or the provider's text.
    last_error: Mapped[str | None] = mapped_column(String(48))
    provider_id: Mapped[str | None] = mapped_column(String(64))

    invitation: Mapped[Invitation] = relationship(back_populates="notifications")


class OutreachCall(db.Model):
    """The desk called a patient ahead of the visit: one row per attempt."""

    __tablename__ = "outreach_call"
    __table_args__ = (one_of("result", CallResult),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    result: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffUser] = relationship()


class DeliveryAttempt(db.Model):
    """One try at delivering an outbox message, kept for admins."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int | None]


class ApiKey(db.Model):
    """A key the scheduling module uses on the API; only its hash is kept."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DataKeyCheck(db.Model):
    """A known text sealed under each data key in use, so a start with the wrong key is refused
    before anything is written under it (readiness.data_keys.KEY_CHECK_TEXT)."""

    __tablename__ = "data_key_check"

    key_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    sealed: Mapped[str] = mapped_column(types.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


BLIND_INDEXES = {
    # model: ((clear field, index field, normalise), ...)
    Invitation: (
        ("email", "email_index", normalise_email),
        ("phone_e164", "phone_index", normalise_phone),
    ),
    ContactDetails: (
        ("email", "email_index", normalise_email),
        ("mobile_e164", "mobile_index", normalise_phone),
        ("backup_e164", "backup_index", normalise_phone),
    ),
}


def set_blind_indexes(_mapper, _connection, target) -> None:
    """Keep each searchable field's keyed hash in step with the field, on every write."""
    ring = keyring()
    for field, index_field, normalise in BLIND_INDEXES[type(target)]:
        value = getattr(target, field)
        setattr(target, index_field, ring.blind_index(normalise(value)) if value else None)


for _model in BLIND_INDEXES:
    event.listen(_model, "before_insert", set_blind_indexes)
    event.listen(_model, "before_update", set_blind_indexes)

# Every encrypted value is sealed for its table, column and row (readiness.encrypted).
for _mapper in db.Model.registry.mappers:
    if encrypted_columns(_mapper.class_):
        bind_to_rows(_mapper.class_)
