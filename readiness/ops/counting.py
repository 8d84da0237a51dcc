"""Counts of the check's progress, taken from the changes the database commits.

Steps reached, first finishes by verdict and media paths are counted when their transaction
commits (a rolled-back change counts nothing), without each view having to remember to.
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..models import Check, ConnectionResult
from . import metrics

PENDING = "readiness_metrics_pending"
NOT_CHECKED = "not_checked"


def note_changes(session, flush_context, instances) -> None:
    pending = session.info.setdefault(PENDING, [])
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Check):
            state = inspect(obj)
            steps = state.attrs.step.history.added
            if obj in session.new and not steps:
                steps = [obj.step or "start"]
            pending.extend((metrics.CHECK_STEPS, step) for step in steps if step)
            finished = state.attrs.completed_at.history
            if finished.added and finished.added[0] is not None and not any(finished.deleted):
                pending.append((metrics.CHECKS_FINISHED, obj.verdict or "unknown"))
        elif isinstance(obj, ConnectionResult) and obj in session.new:
            pending.append((metrics.MEDIA_ROUTES, obj.media_route or NOT_CHECKED))


def count_committed(session) -> None:
    for counter, label in session.info.pop(PENDING, []):
        counter.labels(label).inc()


def forget(session, *args) -> None:
    session.info.pop(PENDING, None)


def listen() -> None:
    if not event.contains(Session, "before_flush", note_changes):
        event.listen(Session, "before_flush", note_changes)
        event.listen(Session, "after_commit", count_committed)
        event.listen(Session, "after_rollback", forget)
