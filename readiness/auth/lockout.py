"""Sign-in lockout: after repeated wrong passwords an account waits, longer each time.

Counted per account, in the database, so it holds whatever the address and the worker. No
Flask here.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import StaffUser


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and now < locked_until


def count_failure(staff_id: int) -> int:
    """One more wrong password in a row; counted in SQL so that parallel tries all count."""
    db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == staff_id)
        .values(failed_sign_ins=StaffUser.failed_sign_ins + 1)
        .execution_options(synchronize_session=False)
    )
    return db.session.scalar(select(StaffUser.failed_sign_ins).where(StaffUser.id == staff_id))


def locked_until(
    failures: int, now: datetime, *, after: int, minutes: float, max_minutes: float
) -> datetime | None:
    """None below `after` failures; then `minutes`, doubled for each further one, capped."""
    if failures < after:
        return None
    wait = min(minutes * 2 ** (failures - after), max_minutes)
    return now + timedelta(minutes=wait)
