"""The clinician's pages: upcoming visits, invite a patient, one patient's visit and decision."""

from datetime import datetime

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import _, force_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..audit import record_reads
from ..checks.codes import display_code
from ..checks.contacts import parse_email, parse_phone
from ..checks.invitations import MAX_YEARS_AHEAD, too_far_ahead
from ..extensions import db
from ..formatting import zone_name
from ..locale import FORMAT_LOCALES, current_language, institution_zone
from ..models import Check, Invitation, OutboxMessage, StaffUser, utcnow
from ..notify.service import configured_channels, plan_messages
from ..outcomes.record import OutcomeRefused, record_outcome, visit_has_passed
from ..patient.finish import phone_error
from ..vocabulary import Role
from . import bp, visit_status
from .actions import AppointmentTaken, invite_patient, record_decision
from .chart_note import chart_note
from .forms import DecisionForm, InviteForm, OutcomeForm
from .host_checklist import visit_checklist
from .patient_page import patient_page
from .scope import visible_invitations
from .self_check import setup_status
from .self_check_views import latest_self_check
from .visit_list import Filters, by_day, counts, upcoming_rows


@bp.route("/")
def index():
    """Upcoming visits by day, with each patient's readiness."""
    filters = Filters.from_args(request.args)
    zone = institution_zone()
    rows = upcoming_rows(filters, datetime.now(zone), current_user.id, visible())
    totals = counts(rows)
    if filters.not_ready:
        rows = [row for row in rows if row.status == visit_status.NOT_READY]
    page = render_template(
        "clinic/index.html",
        filters=filters,
        totals=totals,
        days=by_day(rows, zone, filters.sort),
        shown=len(rows),
        **own_setup(datetime.now(zone)),
    )
    # Recorded once the page is built: a commit before would reload every row it shows.
    record_reads(
        "clinic.view_list",
        [(row.latest_check.id if row.latest_check else None, row.invitation.id) for row in rows],
        staff_id=current_user.id,
    )
    db.session.commit()
    return page


def own_setup(now: datetime) -> dict:
    """The signed-in clinician's latest self-check, and what the visit list says of it."""
    found = latest_self_check(current_user.id, judged=True) or latest_self_check(current_user.id)
    status = setup_status(
        found.verdict if found else None, found.updated_at if found else None, now
    )
    return {"self_check": status, "self_check_result": found}


def visible():
    """The visits the signed-in staff member may see (scope.py)."""
    return visible_invitations(
        current_user.id, current_user.role, bool(current_app.config["CLINICIANS_SEE_ALL_PATIENTS"])
    )


def clinician_choices() -> list[tuple[int, str]]:
    staff = db.session.scalars(
        select(StaffUser)
        .where(StaffUser.active.is_(True), StaffUser.role.in_((Role.CLINICIAN, Role.ADMIN)))
        .order_by(StaffUser.display_name, StaffUser.email)
    )
    return [(user.id, user.display_name or user.email) for user in staff]


def appointment_moment(form: InviteForm) -> datetime | None:
    """The visit's date and time in the institution's zone; None (with an error) if past."""
    moment = datetime.combine(
        form.appointment_date.data, form.appointment_time.data, tzinfo=institution_zone()
    )
    if too_far_ahead(moment, utcnow()):
        form.appointment_date.errors.append(
            _(
                "This date is more than %(years)d years ahead. Check the year.",
                years=MAX_YEARS_AHEAD,
            )
        )
        return None
    if moment <= utcnow():
        form.appointment_date.errors.append(
            _("This date and time has passed. Enter the date and time of the coming visit.")
        )
        return None
    return moment


def invitation_message(invitation: Invitation, link: str) -> str:
    """The text the clinician pastes into the message to the patient, in the patient's language."""
    with force_locale(FORMAT_LOCALES[invitation.language]):
        return render_template(
            "clinic/invitation_message.html",
            invitation=invitation,
            link=link,
            code=display_code(invitation.code),
            code_url=url_for("patient.code", lang=invitation.language, _external=True),
            support_hours=current_app.config[f"SUPPORT_HOURS_{invitation.language.upper()}"],
            institution=current_app.config[f"INSTITUTION_NAME_{invitation.language.upper()}"],
        ).strip()


@bp.route("/invite", methods=["GET", "POST"])
def invite():
    form = InviteForm()
    form.clinician_id.choices = clinician_choices()
    # Once, under the time: the zone's common name, not its identifier (America/Toronto).
    zone = zone_name(current_app.config["TIMEZONE"], current_language(), with_id=False)
    form.appointment_time.description = _("In the institution's time zone (%(zone)s).", zone=zone)
    if request.method == "GET":
        form.clinician_id.data = current_user.id
        form.language.data = current_language()
    channels = configured_channels(current_app.config)
    if (
        form.validate_on_submit()
        and (moment := appointment_moment(form))
        and (contact := patient_contact(form)) is not None
    ):
        try:
            invitation, token = invite_patient(
                appointment_ref=form.appointment_ref.data.strip(),
                appointment_at=moment,
                language=form.language.data,
                first_name=(form.first_name.data or "").strip() or None,
                clinician_id=form.clinician_id.data,
                staff_id=current_user.id,
                valid_hours_after=current_app.config["INVITATION_VALID_HOURS_AFTER"],
                **contact,
            )
            link = url_for(
                "patient.invitation", lang=invitation.language, token=token, _external=True
            )
            plan_messages(invitation, link, chosen_channels(form, channels))
            db.session.commit()
        except AppointmentTaken:
            db.session.rollback()
            form.appointment_ref.errors.append(
                _("There is already an invitation for this appointment reference.")
            )
        else:
            # The token is stored nowhere but in the messages the service sends itself
            # (encrypted): this page is the only place the link is shown.
            return render_template(
                "clinic/invited.html",
                invitation=invitation,
                link=link,
                code=display_code(invitation.code),
                message=invitation_message(invitation, link),
            )
    status = 400 if any(field.errors for field in form) else 200
    return render_template("clinic/invite.html", form=form, channels=channels), status


def patient_contact(form: InviteForm) -> dict | None:
    """The patient's email and mobile, checked; None (with the errors on the form) if wrong."""
    email, email_error = parse_email(form.email.data or "")
    if email_error:
        form.email.errors.append(_("Enter an email address like name@example.com."))
    region = current_app.config["DEFAULT_PHONE_REGION"]
    mobile, mobile_error = parse_phone(form.mobile.data or "", region)
    if mobile_error:
        form.mobile.errors.append(phone_error(mobile_error))
    if email_error or mobile_error:
        return None
    return {"email": email, "phone_e164": mobile}


def chosen_channels(form: InviteForm, configured: set[str]) -> list[str]:
    chosen = {"email": form.send_email.data, "sms": form.send_sms.data}
    return [channel for channel, on in chosen.items() if on and channel in configured]


def find_invitation(public_id: str) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.public_id == public_id, visible())
        .options(
            selectinload(Invitation.clinician),
            selectinload(Invitation.decisions),
            selectinload(Invitation.visit_outcome),
            selectinload(Invitation.checks).options(
                selectinload(Check.connection_results),
                selectinload(Check.device_results),
                selectinload(Check.setting_answers),
                selectinload(Check.consent_records),
                selectinload(Check.contact_details),
                selectinload(Check.notes),
            ),
        )
    )
    if invitation is None:
        abort(404)
    return invitation


def outcome_form_for(invitation: Invitation) -> OutcomeForm:
    """The form as last recorded, for a correction."""
    found = invitation.visit_outcome
    if found is None:
        return OutcomeForm(formdata=None)
    return OutcomeForm(
        formdata=None, outcome=found.outcome, trouble=found.trouble, outcome_note=found.note
    )


def render_patient(
    invitation: Invitation,
    form: DecisionForm,
    status: int = 200,
    outcome_form: OutcomeForm | None = None,
):
    checks = invitation.checks
    handoff = (
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.check_id.in_([check.id for check in checks]))
            .order_by(OutboxMessage.created_at)
        ).all()
        if checks
        else []
    )
    page = patient_page(
        invitation,
        region=current_app.config["DEFAULT_PHONE_REGION"],
        language=current_language(),
        handoff=list(handoff),
    )
    page.chart_note = chart_note(invitation, page.decision, page.consent)
    page.checklist = visit_checklist(current_app.config, current_language())
    # The page shows every attempt of the invitation: each is recorded as read.
    record_reads(
        "clinic.view_patient",
        [(check.id, invitation.id) for check in checks] or [(None, invitation.id)],
        staff_id=current_user.id,
    )
    db.session.commit()
    # No first name: the page is named by its appointment alone (« Patient » is not epicene).
    who = invitation.first_name
    return render_template(
        "clinic/patient.html",
        page=page,
        who=who,
        form=form,
        outcome_form=outcome_form or outcome_form_for(invitation),
        visit_passed=visit_has_passed(invitation, utcnow()),
    ), status


@bp.route("/visits/<public_id>")
def patient(public_id: str):
    """One patient's visit: every attempt, consent, contact, notes, handoff; the decision."""
    invitation = find_invitation(public_id)
    form = DecisionForm(formdata=None)
    return render_patient(invitation, form)


@bp.route("/visits/<public_id>/decision", methods=["POST"])
def decide(public_id: str):
    invitation = find_invitation(public_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_patient(invitation, form, 400)
    record_decision(
        invitation=invitation,
        staff_id=current_user.id,
        choice=form.choice.data,
        note=form.note.data,
    )
    db.session.commit()
    flash(_("Decision saved."))
    return redirect(url_for("clinic.patient", public_id=public_id, _anchor="decision"))


@bp.route("/visits/<public_id>/outcome", methods=["POST"])
def record_visit_outcome(public_id: str):
    """How did the visit go? Once the appointment's time has passed (or cancelled before)."""
    invitation = find_invitation(public_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            record_outcome(
                db.session,
                invitation,
                outcome=form.outcome.data,
                trouble=form.trouble.data,
                note=form.outcome_note.data,
                staff_id=current_user.id,
            )
        except OutcomeRefused:
            db.session.rollback()
            form.outcome.errors.append(
                _("The visit's time has not come yet. Only a cancellation can be recorded now.")
            )
        else:
            db.session.commit()
            flash(_("Outcome of the visit saved."))
            anchor = "visit-outcome-title"
            return redirect(url_for("clinic.patient", public_id=public_id, _anchor=anchor))
    return render_patient(invitation, DecisionForm(formdata=None), 400, outcome_form=form)
