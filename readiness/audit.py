"""The audit trail: one row per thing a person or system did or saw, chained by hashes.

Each entry's hash is an HMAC-SHA256, under a key the database does not hold (READINESS_AUDIT_KEY,
or one derived from the secret key), over the previous entry's hash and the entry's own content
(its id, time, action, who, which check or invitation, details), so editing or deleting an entry
breaks every link after it, `flask audit verify` names the first broken one, and whoever can only
write to the database cannot compute a new chain. Removing the newest entries leaves a shorter
chain that is still whole: `flask audit anchor` prints the newest entry's id and hash to keep
elsewhere, and `flask audit verify --anchor ID:HASH` refuses a chain that no longer holds it.
The database itself refuses to change a chained entry (a trigger, migration secdata_hardening)
and, on PostgreSQL, to delete one outside a purge. The chain is built in
the transaction that writes the entries, in id order, with writers taking turns: PostgreSQL
through a transaction-scoped advisory lock taken before the insert, SQLite through its single
writer lock, which the insert itself takes.
"""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

from flask import current_app
from sqlalchemy import bindparam, event, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import db
from .models import AuditEvent, utcnow

GENESIS = "0" * 64
# Any constant: the advisory lock every PostgreSQL transaction that writes audit entries takes.
ADVISORY_LOCK_ID = 1_700_017


def chain_key() -> bytes:
    """The HMAC key of the chain: READINESS_AUDIT_KEY, or derived from the secret key."""
    secret = current_app.config.get("AUDIT_KEY") or current_app.config["SECRET_KEY"]
    return hmac.new(str(secret).encode(), b"readiness audit chain", hashlib.sha256).digest()


def record(action: str, **fields) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits with its change."""
    entry = AuditEvent(action=action, **fields)
    db.session.add(entry)
    return entry


def record_reads(action: str, read: list[tuple[int | None, int | None]], **who) -> None:
    """One entry per check (or invitation) whose personal data a page or API answer showed,
    as (check id, invitation id) pairs, so an admin can ask who saw a given patient.

    Written in one statement and chained in one more, however many there are, so a list page
    costs the same few queries for 5 patients as for 50.
    """
    if not read:
        return
    db.session.flush()
    connection = db.session.connection()
    take_turn_on(connection)
    at = utcnow()
    rows = [
        {
            "at": at,
            "action": action,
            "staff_id": who.get("staff_id"),
            "api_key_id": who.get("api_key_id"),
            "check_id": check_id,
            "invitation_id": invitation_id,
            "details": who.get("details") or {},
        }
        for check_id, invitation_id in read
    ]
    connection.execute(insert(AuditEvent.__table__), rows)
    unchained = connection.execute(
        select(AuditEvent.__table__).where(AuditEvent.hash.is_(None)).order_by(AuditEvent.id)
    ).all()
    chain(connection, unchained)


def content(entry) -> dict:
    """What an entry's hash covers (everything but the hashes themselves)."""
    return {
        "id": entry.id,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "action": entry.action,
        "staff_id": entry.staff_id,
        "api_key_id": entry.api_key_id,
        "check_id": entry.check_id,
        "invitation_id": entry.invitation_id,
        "details": entry.details or {},
    }


def entry_hash(prev_hash: str, entry, key: bytes | None = None) -> str:
    body = json.dumps(content(entry), sort_keys=True, separators=(",", ":"), default=str)
    message = f"{prev_hash}\n{body}".encode()
    return hmac.new(key or chain_key(), message, hashlib.sha256).hexdigest()


def take_turn_on(connection) -> None:
    """On PostgreSQL, wait for other writers of audit entries to commit before inserting ours,
    so ids, commits and the chain follow one order. (SQLite has a single writer already.)"""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})


@event.listens_for(Session, "before_flush")
def take_turn(session, _flush_context, _instances) -> None:
    if any(isinstance(obj, AuditEvent) for obj in session.new):
        take_turn_on(session.connection())


@event.listens_for(Session, "after_flush")
def chain_new_entries(session, flush_context) -> None:
    """Link the entries just inserted to the last one before them."""
    entries = sorted(
        (obj for obj in session.new if isinstance(obj, AuditEvent) and obj.hash is None),
        key=lambda obj: obj.id,
    )
    if not entries:
        return
    for entry, (prev_hash, digest) in zip(
        entries, chain(session.connection(), entries), strict=True
    ):
        # What the row now holds, without marking the entry as changed.
        set_committed_value(entry, "prev_hash", prev_hash)
        set_committed_value(entry, "hash", digest)


def chain(connection, entries) -> list[tuple[str, str]]:
    """Hash entries (in id order, just inserted) onto the chain; one UPDATE for all of them.
    Returns each one's (previous hash, hash)."""
    if not entries:
        return []
    previous = connection.execute(
        select(AuditEvent.hash)
        .where(AuditEvent.id < entries[0].id, AuditEvent.hash.is_not(None))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).scalar()
    previous = previous or GENESIS
    key = chain_key()
    links = []
    for entry in entries:
        digest = entry_hash(previous, entry, key)
        links.append((previous, digest))
        previous = digest
    audit_table = AuditEvent.__table__
    connection.execute(
        update(audit_table)
        .where(audit_table.c.id == bindparam("entry_id"))
        .values(prev_hash=bindparam("link_prev"), hash=bindparam("link_hash")),
        [
            {"entry_id": entry.id, "link_prev": prev_hash, "link_hash": digest}
            for entry, (prev_hash, digest) in zip(entries, links, strict=True)
        ],
    )
    return links


@dataclass
class BrokenLink:
    entry_id: int
    reason: str


def parse_anchor(value: str) -> tuple[int, str]:
    """An anchor as `flask audit anchor` prints it: "<entry id>:<hash>"."""
    entry_id, _, digest = value.strip().partition(":")
    if not entry_id.isdigit() or len(digest) != 64:
        raise ValueError("an anchor reads <entry id>:<64 hex characters>")
    return int(entry_id), digest.lower()


def latest_anchor(session: Session) -> str | None:
    """The newest entry as an anchor, "<id>:<hash>"; keep it outside the database."""
    found = session.execute(
        select(AuditEvent.id, AuditEvent.hash)
        .where(AuditEvent.hash.is_not(None))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return f"{found.id}:{found.hash}" if found else None


def verify(
    session: Session, batch_size: int = 1000, anchor: tuple[int, str] | None = None
) -> tuple[int, BrokenLink | None]:
    """(entries checked, the first broken link or None). Reads the chain a batch at a time.
    With an anchor (an entry id and hash saved earlier), the chain must still hold that entry
    unchanged: entries removed from its end are noticed too."""
    previous = None
    checked = 0
    key = chain_key()
    anchor_seen = anchor is None
    for entry in entries_in_order(session, batch_size):
        if previous is None:
            # The first entry kept: the start of the chain, or where a purge cut it.
            expected_prev = entry.prev_hash if entry.prev_hash in anchors(session) else GENESIS
        else:
            expected_prev = previous.hash
        if entry.prev_hash != expected_prev:
            after = f"entry {previous.id}" if previous else "the start of the chain"
            return checked, BrokenLink(
                entry.id,
                f"entry {entry.id} does not follow {after}: an entry before it was deleted, "
                "inserted or changed",
            )
        if entry.hash != entry_hash(entry.prev_hash or GENESIS, entry, key):
            return checked, BrokenLink(
                entry.id, f"entry {entry.id} was changed after it was written"
            )
        if anchor is not None and entry.id == anchor[0]:
            if entry.hash != anchor[1]:
                return checked, BrokenLink(entry.id, f"entry {entry.id} is not the anchored one")
            anchor_seen = True
        previous = entry
        checked += 1
    if not anchor_seen:
        return checked, BrokenLink(
            anchor[0],
            f"the anchored entry {anchor[0]} is gone: entries were removed from the end",
        )
    return checked, None


def anchors(session: Session) -> set[str]:
    """Hashes where the chain may start again: the last entry each audit purge removed."""
    found = set()
    for details in session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "audit.purged")
    ):
        if isinstance(details, dict) and details.get("last_removed_hash"):
            found.add(details["last_removed_hash"])
    return found


def entries_in_order(session: Session, batch_size: int) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch_size)
            .execution_options(populate_existing=True)
        ).all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
        session.expunge_all()
