"""Sign-in lockout, per account AND address: after repeated wrong passwords from one address,
that address waits for that account, longer each time; every other address (the account's
owner's) still signs in, so an anonymous client cannot keep anyone out. Unlocked by time, by a
right password from the address, or by `flask staff unlock`.

The try is counted before the password is looked at, in one UPDATE that both counts and
decides, so 40 parallel tries from one address get at most SIGN_IN_LOCK_AFTER password checks.
No Flask here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import SignInLock


@dataclass(frozen=True)
class Limits:
    after: int  # wrong passwords from one address before it waits
    minutes: float  # the first wait; doubled for each further lock of the same pair
    max_minutes: float

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(
            after=int(config["SIGN_IN_LOCK_AFTER"]),
            minutes=float(config["SIGN_IN_LOCK_MINUTES"]),
            max_minutes=float(config["SIGN_IN_LOCK_MAX_MINUTES"]),
        )


def reserve_try(session: Session, staff_id: int, address: str, now: datetime, limits: Limits):
    """Count one try for (account, address); True when its password may be checked, False when
    the pair is locked (or other tries in flight already used up its allowance). Commits."""
    address = (address or "")[:64]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(SignInLock.__table__)
        .values(staff_id=staff_id, address=address, tries=0, locks=0)
        .on_conflict_do_nothing()
    )
    pair = (SignInLock.staff_id == staff_id) & (SignInLock.address == address)
    lock_over = SignInLock.locked_until.is_not(None) & (SignInLock.locked_until <= now)
    # One statement counts the try and ends a lock whose time is up: no read-then-write race.
    session.execute(
        update(SignInLock)
        .where(pair)
        .values(
            tries=case((lock_over, 1), else_=SignInLock.tries + 1),
            locked_until=case((lock_over, None), else_=SignInLock.locked_until),
        )
        .execution_options(synchronize_session=False)
    )
    tries, locked_until, locks = session.execute(
        select(SignInLock.tries, SignInLock.locked_until, SignInLock.locks).where(pair)
    ).one()
    allowed = locked_until is None and tries <= limits.after
    if not allowed and locked_until is None:
        lock(session, staff_id, address, now, locks, limits)
    session.commit()
    return allowed


def give_back_try(session: Session, staff_id: int, address: str) -> None:
    """A right password waiting for its second step was no failure: its reserved try is given
    back, and the count of earlier wrong tries (and codes) stays until the second step passes."""
    session.execute(
        update(SignInLock)
        .where(
            SignInLock.staff_id == staff_id,
            SignInLock.address == (address or "")[:64],
            SignInLock.tries > 0,
        )
        .values(tries=SignInLock.tries - 1)
        .execution_options(synchronize_session=False)
    )


def count_failure(session: Session, staff_id: int, address: str, now: datetime, limits: Limits):
    """The password was wrong: lock the pair once its tries reach the limit. Returns the tries."""
    address = (address or "")[:64]
    pair = (SignInLock.staff_id == staff_id) & (SignInLock.address == address)
    tries, locks = session.execute(select(SignInLock.tries, SignInLock.locks).where(pair)).one()
    if tries >= limits.after:
        lock(session, staff_id, address, now, locks, limits)
    return tries


def lock(session: Session, staff_id: int, address: str, now: datetime, locks: int, limits: Limits):
    wait = min(limits.minutes * 2**locks, limits.max_minutes)
    session.execute(
        update(SignInLock)
        .where(
            SignInLock.staff_id == staff_id,
            SignInLock.address == address,
            SignInLock.locked_until.is_(None),
        )
        .values(locked_until=now + timedelta(minutes=wait), locks=SignInLock.locks + 1)
        .execution_options(synchronize_session=False)
    )


def clear(session: Session, staff_id: int, address: str | None = None) -> int:
    """A right password clears its address's count; without an address (`flask staff unlock`,
    a new password), every address's."""
    condition = SignInLock.staff_id == staff_id
    if address is not None:
        condition &= SignInLock.address == address[:64]
    return session.execute(delete(SignInLock).where(condition)).rowcount
