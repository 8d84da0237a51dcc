"""Continue on the phone: a link that lets one more browser (the patient's phone) hold the same
check, so that its camera and microphone count where the computer has none, or blocks them.

What a link grants, for how long, and how many guesses it takes:
- it lets one browser hold the check it was made for (a new session of its own, as a code does:
  the browser's earlier check, if any, is forgotten), once, within HANDOVER_MINUTES (10) of
  being made, while the check has not been erased; making a new one closes the earlier ones;
- its token has 28 characters of the codes' 31 symbols (31^28, about 2^138), so guessing is
  hopeless; only its SHA-256 is kept, and no log holds it (the request log keeps the route's
  template, never the path);
- opening the link (GET) only asks; the browser takes the check with a POST (CSRF token, same
  origin), so a link preview or a prefetch cannot use it up, and a link someone else made
  joins nothing without the patient's own tap.

Plain module: no Flask; the views in handover_views.py pass the time and configuration.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from .. import qr_code
from ..checks.codes import ALPHABET, token_hash
from ..extensions import db
from ..models import Check, DeviceResult, HandoverLink
from ..vocabulary import DeviceKind, DeviceStatus

TOKEN_LENGTH = 28  # 31^28 ~ 2^138.7: at least 128 bits
GROUP = 4  # written in groups of 4 for typing: K7PM-4QX9-...

OPEN, USED, EXPIRED = "open", "used", "expired"
# What the computer's page hears while it waits (GET .../handover/status).
WAITING, TAKEN, DONE = "waiting", "taken", "done"

# A phone helps when the computer has no camera or microphone, or blocks them (a work laptop).
BLOCKED_OR_MISSING = {
    "device_not_found",
    "no_camera",
    "permission_denied",
    "device_busy",
    "device_constraints",
    "insecure_page",
}


def new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LENGTH))


def normalize_token(text: str) -> str | None:
    """The token as typed (any case, with or without dashes or spaces); None if it cannot be one."""
    cleaned = re.sub(r"[\s\-_.]", "", text or "").upper()
    if len(cleaned) != TOKEN_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display_token(token: str) -> str:
    """K7PM4QX9... -> K7PM-4QX9-...: easier to read and type."""
    return "-".join(token[i : i + GROUP] for i in range(0, len(token), GROUP))


def create_link(check: Check, now: datetime, minutes: float) -> tuple[HandoverLink, str]:
    """A new link for this check (the caller commits); the earlier ones stop working. Returns
    the row and the token, which is never stored."""
    db.session.execute(
        update(HandoverLink)
        .where(
            HandoverLink.check_id == check.id,
            HandoverLink.used_at.is_(None),
            HandoverLink.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    token = new_token()
    link = HandoverLink(
        token_hash=token_hash(token),
        check_id=check.id,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    db.session.add(link)
    return link, token


def find_link(text: str) -> HandoverLink | None:
    token = normalize_token(text)
    if token is None:
        return None
    return db.session.scalar(
        select(HandoverLink).where(HandoverLink.token_hash == token_hash(token))
    )


def link_state(link: HandoverLink | None, now: datetime) -> str:
    """OPEN, USED or EXPIRED (an unknown link, or one whose check was erased, counts as expired)."""
    if link is None:
        return EXPIRED
    if link.used_at is not None:
        return USED
    check = db.session.get(Check, link.check_id)
    if link.expires_at <= now or check is None or check.erased_at is not None:
        return EXPIRED
    return OPEN


def take_link(link: HandoverLink, now: datetime) -> bool:
    """Use the link up (the caller commits, with its audit entry); True for the one browser that
    did: two at the same instant, one wins (the second UPDATE waits for the first's lock)."""
    taken = db.session.execute(
        update(HandoverLink)
        .where(
            HandoverLink.id == link.id,
            HandoverLink.used_at.is_(None),
            HandoverLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def latest_link(check: Check) -> HandoverLink | None:
    return db.session.scalar(
        select(HandoverLink)
        .where(HandoverLink.check_id == check.id)
        .order_by(HandoverLink.id.desc())
        .limit(1)
    )


@dataclass
class Progress:
    state: str  # WAITING, TAKEN, DONE or EXPIRED
    kinds_done: list[str]


def progress(link: HandoverLink | None, now: datetime) -> Progress:
    """What the computer's page shows: waiting for the phone, the phone has taken over, the
    phone has a result for every device (the page moves on), or the link expired unused."""
    if link is None:
        return Progress(EXPIRED, [])
    if link.used_at is None:
        return Progress(WAITING if link_state(link, now) == OPEN else EXPIRED, [])
    kinds = db.session.scalars(
        select(DeviceResult.kind)
        .where(DeviceResult.check_id == link.check_id, DeviceResult.created_at >= link.used_at)
        .distinct()
    ).all()
    done = [kind for kind in DeviceKind if kind in kinds]
    return Progress(DONE if len(done) == len(DeviceKind) else TAKEN, done)


def phone_could_help(devices: dict[str, tuple[str, str | None]]) -> bool:
    """devices: kind -> (status, reason). True when the camera or microphone is missing or
    blocked on this device: the same check on a phone may still make a video visit."""
    for kind in (DeviceKind.CAMERA, DeviceKind.MICROPHONE):
        status, reason = devices.get(kind, (None, None))
        if status in (DeviceStatus.FAIL, DeviceStatus.SKIPPED) and (
            reason in BLOCKED_OR_MISSING or status == DeviceStatus.SKIPPED
        ):
            return True
    return False


def qr_svg(url: str, title: str) -> str:
    """The link as an inline SVG QR code."""
    return qr_code.svg(url, title, "handover-qr-code")
