"""The audit trail for admins (/admin/audit, its CSV), and a patient's rights: the export of
one check's data for an access request, and its erasure on request. All of them audited."""

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import _, force_locale
from flask_login import current_user
from sqlalchemy import select

from ..audit import record, record_reads
from ..checks.codes import code_candidates, display_code
from ..extensions import db
from ..formatting import short_datetime
from ..locale import FORMAT_LOCALES, institution_zone
from ..models import Check, StaffUser, utcnow
from ..privacy import access_words
from ..privacy.access import patient_data
from ..privacy.erasure import BY_REQUEST, erase_patient
from . import audit_log, audit_words, bp
from .forms import ErasureForm


@bp.route("/audit")
def audit():
    filters = audit_log.AuditFilters.from_args(request.args)
    zone = institution_zone()
    entries, pages = audit_log.page_of(db.session, filters, zone)
    staff, keys, codes = audit_log.names(db.session, entries)
    return render_template(
        "admin/audit.html",
        filters=filters,
        entries=entries,
        pages=pages,
        page=min(filters.page, pages),
        staff_names=staff,
        key_names=keys,
        codes=codes,
        display_code=display_code,
        action_label=audit_words.action_label,
        detail_items=audit_words.detail_items,
        actions=audit_log.actions(db.session),
        staff_members=db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all(),
    )


@bp.route("/audit.csv")
def audit_csv():
    filters = audit_log.AuditFilters.from_args(request.args)
    header = [
        _("Entry"),
        _("When"),
        _("Staff member"),
        _("API key"),
        _("Action"),
        _("Check"),
        _("Details"),
        _("Hash"),
        _("Action code"),
        _("Details as recorded"),
    ]
    body = audit_log.csv_text(
        db.session,
        filters,
        institution_zone(),
        header,
        lambda action: audit_words.action_label(action) or action,
        audit_words.details_text,
    )
    record("admin.audit_exported", staff_id=current_user.id, details=filters.as_args(page=""))
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


def check_or_404(public_id: str) -> Check:
    check = db.session.scalar(select(Check).where(Check.public_id == public_id))
    if check is None:
        abort(404)
    return check


@bp.route("/requests")
def requests():
    """Find a patient's check by its reference code, to export or erase its data."""
    typed = (request.args.get("code") or "").strip()[:20]
    found = []
    if typed:
        candidates = code_candidates(typed)
        if candidates:
            found = db.session.scalars(
                select(Check).where(Check.reference_code.in_(candidates))
            ).all()
        record_reads(
            "admin.lookup",
            [(check.id, check.invitation_id) for check in found],
            staff_id=current_user.id,
        )
        db.session.commit()
    return render_template(
        "admin/requests.html",
        typed=typed,
        found=found,
        display_code=display_code,
        form=ErasureForm(),
    )


@bp.route("/checks/<public_id>/export.json")
def export(public_id: str):
    """The patient's data for an access request, as a JSON download."""
    check = check_or_404(public_id)
    document = patient_data(db.session, check, utcnow())
    record(
        "admin.exported",
        staff_id=current_user.id,
        check_id=check.id,
        invitation_id=check.invitation_id,
    )
    db.session.commit()
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="check-{check.reference_code}.json"'
        },
    )


@bp.route("/checks/<public_id>/export.html")
def export_readable(public_id: str):
    """The same data in words, in the person's language, to hand over for an access request."""
    check = check_or_404(public_id)
    language = request.args.get("lang") if request.args.get("lang") in FORMAT_LOCALES else None
    language = language or check.language
    now = utcnow()
    document = patient_data(db.session, check, now)
    record(
        "admin.exported",
        staff_id=current_user.id,
        check_id=check.id,
        invitation_id=check.invitation_id,
        details={"format": "html", "language": language},
    )
    db.session.commit()
    with force_locale(FORMAT_LOCALES[language]):
        page = render_template(
            "admin/export.html",
            language=language,
            code=display_code(check.reference_code),
            exported_at=short_datetime(now),
            lines=access_words.lines_of(document),
        )
    return Response(
        page,
        mimetype="text/html",
        headers={
            "Content-Disposition": f'attachment; filename="check-{check.reference_code}.html"'
        },
    )


@bp.route("/checks/<public_id>/erase", methods=["POST"])
def erase(public_id: str):
    """Erase the patient's personal data on request; the scheduling module is told."""
    check = check_or_404(public_id)
    form = ErasureForm()
    if not form.validate_on_submit():
        return render_template(
            "admin/requests.html",
            typed=check.reference_code,
            found=[check],
            display_code=display_code,
            form=form,
        ), 400
    erased = erase_patient(db.session, check, now=utcnow(), reason=BY_REQUEST)
    record(
        "admin.erased",
        staff_id=current_user.id,
        check_id=check.id,
        invitation_id=check.invitation_id,
        details={"checks": erased.checks, "invitations": erased.invitations},
    )
    db.session.commit()
    flash(_("The patient's personal data was erased, and the scheduling module will be told."))
    return redirect(url_for("admin.requests", code=check.reference_code))
