"""The API's routes: thin; the documents come from readiness.handoff.payloads."""

import json
from datetime import UTC, datetime, timedelta

from flask import Response, current_app, g, jsonify, request, url_for
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from ..audit import record, record_reads
from ..checks.invitations import MAX_YEARS_AHEAD, create_invitation, too_far_ahead
from ..extensions import db
from ..handoff import fhir, payloads
from ..models import Check, Invitation, StaffUser, utcnow
from ..notify.service import configured_channels, plan_messages
from ..vocabulary import Role
from . import bp, inputs
from .errors import InvalidInput, api_error
from .openapi import openapi_document

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@bp.errorhandler(InvalidInput)
def invalid_input(error: InvalidInput):
    return api_error(error.status, error.code, error.message, error.field)


def not_found(what: str):
    return api_error(404, "not_found", f"No {what} has this id.")


@bp.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def find_invitation(appointment_ref: str) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(Invitation.appointment_ref == appointment_ref)
    )


def clinician_id(email: str | None) -> int | None:
    """The active clinician (or admin) an invitation names by email, or None if it names none."""
    if email is None:
        return None
    found = db.session.scalar(
        select(StaffUser.id).where(
            func.lower(StaffUser.email) == email.lower(),
            StaffUser.active.is_(True),
            StaffUser.role.in_((Role.CLINICIAN, Role.ADMIN)),
        )
    )
    if found is None:
        raise InvalidInput("clinician_email", "clinician_email names no active clinician.")
    return found


@bp.route("/invitations", methods=["POST"])
def create():
    """Invite a patient for an appointment; the same appointment_ref again answers the first."""
    config = current_app.config
    values = inputs.invitation_request(
        request.get_json(force=True, silent=True), config["DEFAULT_PHONE_REGION"]
    )
    hours_after = float(config["INVITATION_VALID_HOURS_AFTER"])
    # Ahead first: adding the link's hours to 9999-12-31 would overflow.
    if too_far_ahead(values["appointment_at"], utcnow()):
        raise InvalidInput(
            "appointment_at", f"appointment_at is more than {MAX_YEARS_AHEAD} years ahead."
        )
    if values["appointment_at"] + timedelta(hours=hours_after) <= utcnow():
        raise InvalidInput("appointment_at", "appointment_at is too far in the past.")
    values["clinician_id"] = clinician_id(values.pop("clinician_email"))
    existing = find_invitation(values["appointment_ref"])
    if existing is not None:
        return answer_existing(existing)
    send = values.pop("send")
    unconfigured = set(send) - configured_channels(config)
    if unconfigured:
        raise InvalidInput(
            "send", f"this service has no {' or '.join(sorted(unconfigured))} settings."
        )
    invitation, token = create_invitation(
        valid_hours_after=hours_after, created_by_api_key_id=g.api_key.id, **values
    )
    url = url_for("patient.invitation", lang=invitation.language, token=token, _external=True)
    try:
        db.session.flush()
        record("invitation.created", api_key_id=g.api_key.id, invitation_id=invitation.id)
        plan_messages(invitation, url, send)
        db.session.commit()
    except IntegrityError:
        # Another request made the same appointment's invitation at the same moment.
        db.session.rollback()
        existing = find_invitation(values["appointment_ref"])
        if existing is None:
            raise
        return answer_existing(existing)
    response = jsonify(payloads.invitation_document(invitation, url=url))
    response.status_code = 201
    response.headers["Location"] = url_for("api.invitation", public_id=invitation.public_id)
    return response


def answer_existing(existing: Invitation):
    """The invitation this appointment already has: its personal fields go out, so the read is
    audited, naming the invitation."""
    document = payloads.invitation_document(existing)
    record("api.invitation_read", api_key_id=g.api_key.id, invitation_id=existing.id)
    db.session.commit()
    return jsonify(document), 200


@bp.route("/invitations/<public_id>")
def invitation(public_id: str):
    found = db.session.scalar(select(Invitation).where(Invitation.public_id == public_id))
    if found is None:
        return not_found("invitation")
    document = payloads.invitation_document(found)
    record("api.invitation_read", api_key_id=g.api_key.id, invitation_id=found.id)
    db.session.commit()
    return jsonify(document)


@bp.route("/checks")
def checks():
    """Checks changed since a moment, oldest change first, a page at a time."""
    since = request.args.get("updated_since")
    since = inputs.moment(since, "updated_since", status=400) if since is not None else EPOCH
    limit = inputs.page_size(request.args.get("limit"), int(current_app.config["API_PAGE_SIZE"]))
    query = select(Check).where(Check.updated_at >= since)
    cursor = request.args.get("cursor")
    if cursor is not None:
        after_at, after_id = inputs.decode_cursor(cursor)
        query = query.where(
            or_(
                Check.updated_at > after_at, and_(Check.updated_at == after_at, Check.id > after_id)
            )
        )
    found = db.session.scalars(query.order_by(Check.updated_at, Check.id).limit(limit + 1)).all()
    page = found[:limit]
    next_cursor = None
    if len(found) > limit:
        next_cursor = inputs.encode_cursor(page[-1].updated_at, page[-1].id)
    documents = [payloads.check_document(check) for check in page]
    # Which patients' data this page handed out: one audit entry per check.
    record_reads(
        "api.check_read",
        [(check.id, check.invitation_id) for check in page],
        api_key_id=g.api_key.id,
    )
    db.session.commit()
    return jsonify(checks=documents, next_cursor=next_cursor)


@bp.route("/checks/<public_id>")
def check(public_id: str):
    """One check; ?format=fhir answers it as an HL7 FHIR R4 transaction Bundle."""
    wanted = request.args.get("format", "json")
    if wanted not in ("json", "fhir"):
        raise InvalidInput("format", 'format must be "json" or "fhir".', 400, "invalid_parameter")
    found = db.session.scalar(select(Check).where(Check.public_id == public_id))
    if found is None:
        return not_found("check")
    document = payloads.check_document(found)
    record(
        "api.check_read",
        api_key_id=g.api_key.id,
        check_id=found.id,
        invitation_id=found.invitation_id,
    )
    db.session.commit()
    if wanted == "fhir":
        bundle = fhir.bundle_for_check(document, base=current_app.config["FHIR_BASE_URL"])
        return Response(json.dumps(bundle), mimetype="application/fhir+json")
    return jsonify(document)
