"""PUT /api/v1/invitations/<id>/outcome: the scheduling module says how the visit went."""

from flask import g, jsonify, request
from sqlalchemy import select

from ..extensions import db
from ..handoff import payloads
from ..models import Invitation, utcnow
from ..outcomes.record import OUTCOMES, TROUBLES, OutcomeRefused, record_outcome
from . import bp, inputs
from .errors import InvalidInput, api_error

REFUSALS = {
    "unknown_outcome": "outcome must be one of: " + ", ".join(OUTCOMES) + ".",
    "unknown_trouble": "trouble must be a list of: " + ", ".join(TROUBLES) + ".",
    "before_appointment": "The appointment's time has not come yet; only cancelled may be "
    "recorded before it.",
}


def outcome_request(body) -> dict:
    """The body's fields, checked for shape; the words are checked by readiness.outcomes."""
    if not isinstance(body, dict):
        raise InvalidInput("body", "The body must be a JSON object.", 400, "invalid_json")
    outcome = body.get("outcome")
    if not isinstance(outcome, str):
        raise InvalidInput("outcome", REFUSALS["unknown_outcome"])
    trouble = body.get("trouble")
    if trouble is None:
        trouble = []
    if not isinstance(trouble, list) or not all(isinstance(word, str) for word in trouble):
        raise InvalidInput("trouble", REFUSALS["unknown_trouble"])
    recorded_at = body.get("recorded_at")
    if recorded_at is not None:
        recorded_at = inputs.moment(recorded_at, "recorded_at")
    return {"outcome": outcome, "trouble": trouble, "recorded_at": recorded_at}


@bp.route("/invitations/<public_id>/outcome", methods=["PUT"])
def record_visit_outcome(public_id: str):
    """Idempotent: the same outcome again answers 200 and changes nothing."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.public_id == public_id))
    if invitation is None:
        return api_error(404, "not_found", "No invitation has this id.")
    values = outcome_request(request.get_json(force=True, silent=True))
    try:
        recorded = record_outcome(
            db.session, invitation, api_key_id=g.api_key.id, now=utcnow(), **values
        )
    except OutcomeRefused as refused:
        db.session.rollback()
        raise InvalidInput(refused.field, REFUSALS[refused.code]) from None
    document = payloads.visit_outcome_document(recorded.outcome)
    db.session.commit()
    return jsonify(document)
