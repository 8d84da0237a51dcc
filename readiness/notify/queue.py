"""The messages waiting to go: planned with the invitation, sent when due, once each.

Like the outbox (readiness.handoff.deliver): one transaction per message, retried with the same
backoff, then marked failed for the clinician and the scheduling module to see. Whether a
reminder is still wanted is decided when it is due, from the checks as they stand then.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..handoff.outbox import enqueue
from ..handoff.schedule import RetrySchedule
from ..models import Invitation, Notification, utcnow
from ..vocabulary import (
    EventType,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
    Verdict,
)
from . import timing
from .channels import Refused, Sent, Unreachable

PENDING = NotificationStatus.PENDING


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0
    reasons: dict = field(default_factory=dict)


def plan(
    session: Session,
    invitation: Invitation,
    link: str,
    channels: list[str],
    *,
    now: datetime,
    hours_before: float,
    zone: ZoneInfo,
) -> list[Notification]:
    """The invitation now, a reminder `hours_before` the visit and one on its morning, on each
    channel the invitation has an address for. Returns what was planned."""
    recipients = {
        NotificationChannel.EMAIL: invitation.email,
        NotificationChannel.SMS: invitation.phone_e164,
    }
    own_zone = ZoneInfo(invitation.time_zone) if invitation.time_zone else zone
    moments = {
        NotificationKind.INVITATION: now,
        NotificationKind.REMINDER: timing.reminder_due(invitation.appointment_at, hours_before),
        NotificationKind.MORNING: timing.morning_due(invitation.appointment_at, own_zone),
    }
    planned = []
    for channel in channels:
        recipient = recipients[NotificationChannel(channel)]
        if not recipient:
            continue
        for kind, due in moments.items():
            if due is None or (kind != NotificationKind.INVITATION and due <= now):
                continue  # a visit too close for that reminder
            notification = Notification(
                invitation=invitation,
                channel=channel,
                kind=kind,
                recipient=recipient,
                link=link,
                due_at=due,
            )
            session.add(notification)
            planned.append(notification)
    return planned


def still_wanted(notification: Notification, now: datetime) -> str | None:
    """None when the message should go; otherwise the word for why not."""
    invitation = notification.invitation
    if invitation.revoked_at is not None:
        return "invitation_revoked"
    if any(check.erased_at is not None for check in invitation.checks):
        return "erased"
    if invitation.appointment_at <= now:
        return "visit_passed"
    if notification.kind == NotificationKind.INVITATION:
        return None
    if invitation.reminders_stopped_at is not None:
        return "unsubscribed"
    finished = [check for check in invitation.checks if check.completed_at is not None]
    if notification.kind == NotificationKind.REMINDER and finished:
        return "check_finished"
    if notification.kind == NotificationKind.MORNING:
        last = max(finished, key=lambda check: check.completed_at, default=None)
        if last is None or last.verdict == Verdict.READY:
            return "not_needed"  # no check yet had its own reminder; a ready one needs none
    return None


def due_query(now: datetime, locking: bool):
    query = (
        select(Notification)
        .where(Notification.status == PENDING, Notification.due_at <= now)
        .order_by(Notification.due_at, Notification.id)
        .limit(1)
    )
    if locking:
        query = query.with_for_update(skip_locked=True, of=Notification)
    return query


def finish(session: Session, notification: Notification, status: str, now: datetime) -> None:
    notification.status = status
    notification.finished_at = now
    if status in (NotificationStatus.SENT, NotificationStatus.FAILED):
        event = (
            EventType.NOTIFICATION_SENT
            if status == NotificationStatus.SENT
            else EventType.NOTIFICATION_FAILED
        )
        invitation = notification.invitation
        latest = invitation.checks[-1] if invitation.checks else None
        enqueue(session, event, latest, invitation=invitation, notification=notification)


def attempt(
    session: Session,
    notification: Notification,
    senders: dict,
    schedule: RetrySchedule,
    zone: ZoneInfo,
    now: datetime,
    report: Report,
) -> None:
    """Send one due message, or skip, postpone or retry it; the caller commits."""
    reason = still_wanted(notification, now)
    if reason is not None and notification.attempts and reason == "visit_passed":
        finish(session, notification, NotificationStatus.FAILED, now)  # it never went out
        report.failed += 1
        return
    if reason is not None:
        notification.last_error = reason
        finish(session, notification, NotificationStatus.SKIPPED, now)
        report.skipped += 1
        return
    if notification.channel == NotificationChannel.SMS:
        own = notification.invitation.time_zone
        quiet_end = timing.end_of_quiet_hours(now, ZoneInfo(own) if own else zone)
        if quiet_end is not None:
            notification.due_at = quiet_end
            return
    send = senders.get(notification.channel)
    notification.attempts += 1
    notification.first_attempt_at = notification.first_attempt_at or now
    try:
        if send is None:
            raise Unreachable("channel_not_configured")
        sent: Sent = send(notification)
    except Refused as error:
        notification.last_error = error.reason
        finish(session, notification, NotificationStatus.FAILED, now)
        report.failed += 1
    except Unreachable as error:
        notification.last_error = error.reason
        following = schedule.next_attempt(notification.first_attempt_at, notification.attempts, now)
        if following is None:
            finish(session, notification, NotificationStatus.FAILED, now)
            report.failed += 1
        else:
            notification.due_at = following
            report.retrying += 1
    else:
        notification.last_error = None
        notification.provider_id = (sent.provider_id or "")[:64] or None
        notification.sent_at = now
        finish(session, notification, NotificationStatus.SENT, now)
        report.sent += 1
    record(
        "notify.attempt",
        invitation_id=notification.invitation_id,
        details={
            "message": notification.public_id,
            "channel": notification.channel,
            "kind": notification.kind,
            "status": notification.status,
            "error": notification.last_error,
        },
    )


def send_due(
    session: Session,
    senders: dict,
    schedule: RetrySchedule,
    zone: ZoneInfo,
    *,
    now: datetime | None = None,
    limit: int = 500,
) -> Report:
    """Everything due at `now` (default: the clock), one transaction per message."""
    locking = session.get_bind().dialect.name == "postgresql"
    report = Report()
    seen = set()
    for _ in range(limit):
        moment = now or utcnow()
        notification = session.scalars(due_query(moment, locking)).first()
        if notification is None or notification.id in seen:
            session.rollback()
            break
        seen.add(notification.id)
        attempt(session, notification, senders, schedule, zone, moment, report)
        session.commit()
    return report
