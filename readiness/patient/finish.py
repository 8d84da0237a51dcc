"""The end of the journey: summary and verdict, consent, contact details, confirmation."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import _

from ..audit import record
from ..checks import state
from ..checks.codes import display_code
from ..checks.completion import finish_if_complete
from ..checks.consent import consent_text
from ..checks.contacts import (
    check_contact_details,
    form_values,
    mask_email,
    mask_phone,
    national_format,
)
from ..checks.overall import Overall
from ..checks.reason_labels import device_names, label
from ..connection.advice import advice as connection_advice
from ..connection.expectation import patient_sentences
from ..devices.advice import advice as device_advice
from ..extensions import db
from ..handoff import outbox
from ..locale import current_language
from ..models import ConsentRecord, ContactDetails
from ..vocabulary import ConsentDecision, ConsentMethod, Verdict
from . import bp
from .connection import guidance_speed
from .forms import ConfirmForm, ConsentForm, ContactForm, StartForm
from .handover_views import offer_on_summary
from .journey import step_url
from .session_check import (
    check_required,
    forget_check,
    patient_session,
    remember_typed,
    seen,
    typed_here,
    viewed,
)

CONTACT_FIELDS = ("email", "mobile", "backup", "preferred_language", "preferred_contact")


def phone_error(code: str) -> str:
    if code == "phone_unreadable":
        return _("Enter a phone number with digits only, for example 514 555-0123.")
    if code == "phone_premium":
        return _(
            "Numbers starting with 900 or 976 charge the caller. "
            "Enter a number we can call for free."
        )
    return _(
        "This phone number is not valid. Check it and include the area code (for example "
        "514 555-0123)."
    )


def summary_context(overall: Overall, expected_quality: dict | None) -> dict:
    """What the summary says, every sentence chosen from the overall verdict (French review S3,
    S4): under "not ready", nothing promises a picture or says the visit can be on video."""
    return {
        "overall": overall,
        "labels": [label(code) for code in overall.reasons],
        "advice": device_advice(overall.reasons, overall.verdict)
        + connection_advice(overall.reasons, overall.verdict),
        "device_names": device_names(overall.missing_devices),
        "expected": patient_sentences(
            expected_quality, overall.verdict, overall.reasons, guidance_speed()
        ),
    }


def phone_path(check) -> bool:
    """The visit will probably be by phone: video ruled out, or declined."""
    consent = state.latest_consent(check)
    declined = consent is not None and consent.decision == ConsentDecision.DECLINED
    return declined or state.overall_for(check).verdict == Verdict.NOT_READY


@bp.route("/check/summary")
@check_required
def summary(check):
    result = state.overall_for(check)
    viewed(check, "summary")
    return render_template(
        "patient/summary.html",
        back_url=step_url("setting"),
        missing_urls={part: step_url(part) for part in result.missing},
        offer_phone=offer_on_summary(check, result.verdict),
        **summary_context(
            result, getattr(state.latest_connection(check), "expected_quality", None)
        ),
    )


@bp.route("/check/consent", methods=["GET", "POST"])
@check_required
def consent(check):
    if state.overall_for(check).missing:
        return redirect(url_for("patient.summary"))
    text = consent_text(current_app.config, g.lang)
    form = ConsentForm()
    changed = False
    if form.validate_on_submit():
        if form.text_sha256.data != text.sha256:
            # The institution changed the text while the page was open: show the new one.
            changed = True
        else:
            db.session.add(
                ConsentRecord(
                    check=check,
                    decision=form.decision.data,
                    text_version=text.version,
                    language=text.language,
                    text_sha256=text.sha256,
                    method=ConsentMethod.ONLINE,
                )
            )
            record("consent.recorded", check_id=check.id, details={"decision": form.decision.data})
            check.step = "consent"
            seen(check)
            finish_if_complete(check, event=outbox.CONSENT_RECORDED)
            db.session.commit()
            return redirect(url_for("patient.contact"))
    elif not form.is_submitted():
        previous = state.latest_consent(check)
        if previous:
            form.decision.data = previous.decision
    form.text_sha256.data = text.sha256
    status = 400 if form.errors or changed else 200
    return render_template(
        "patient/consent.html",
        form=form,
        text=text,
        changed=changed,
        phone_visit=state.overall_for(check).verdict == Verdict.NOT_READY,
    ), status


def contact_form_values(check) -> dict:
    """What the contact form starts with: what this browser typed, while the check is not done.

    Details someone else typed (the desk, another attempt) are never shown back, and nothing is
    once the check is done: the page then shows them masked (masked_contact).
    """
    pending = patient_session().pending_contact
    if pending and check.completed_at is None:
        return pending["typed"]
    saved = state.latest_contact(check)
    if saved is None or check.completed_at is not None or not typed_here(saved.id):
        return {"preferred_language": g.lang}
    return form_values(saved, current_app.config["DEFAULT_PHONE_REGION"])


def masked_contact(check) -> dict | None:
    """The saved details of a finished check, masked: enough to recognise, not to read."""
    saved = state.latest_contact(check)
    if saved is None or check.completed_at is None:
        return None
    return {
        "email": mask_email(saved.email),
        "mobile": mask_phone(saved.mobile_e164),
        "backup": mask_phone(saved.backup_e164),
    }


def check_contact(form: ContactForm, region: str) -> dict | None:
    """Validate what needs the region; returns the normalised values, or None with errors set."""
    typed = {name: form[name].data for name in CONTACT_FIELDS}
    values, errors = check_contact_details(typed, region)
    for name, code in errors.items():
        form[name].errors.append(contact_error(code))
    return None if form.errors else values


def contact_error(code: str) -> str:
    if code == "email_invalid":
        return _("Enter an email address like name@example.com.")
    if code == "email_needed":
        return _("Enter your email, or choose another way to contact you.")
    if code == "mobile_needed":
        return _("Enter your mobile number, or choose another way to contact you.")
    return phone_error(code)


@bp.route("/check/contact", methods=["GET", "POST"])
@check_required
def contact(check):
    if state.latest_consent(check) is None:
        return redirect(url_for("patient.consent"))
    if request.method == "POST":
        form = ContactForm()
    else:
        form = ContactForm(data=contact_form_values(check))
    phone_visit = phone_path(check)
    if phone_visit:
        form.for_phone_visit()
    if form.validate_on_submit():
        values = check_contact(form, current_app.config["DEFAULT_PHONE_REGION"])
        if values is not None:
            typed = {name: form[name].data for name in CONTACT_FIELDS}
            # On the server (encrypted), never in the cookie, until the patient confirms.
            patient_session().pending_contact = {"typed": typed, "values": values}
            db.session.commit()
            return redirect(url_for("patient.contact_confirm"))
    status = 400 if form.errors else 200
    return render_template(
        "patient/contact.html", form=form, masked=masked_contact(check), phone_visit=phone_visit
    ), status


@bp.route("/check/contact/confirm", methods=["GET", "POST"])
@check_required
def contact_confirm(check):
    pending = patient_session().pending_contact
    if not pending or state.latest_consent(check) is None:
        return redirect(url_for("patient.contact"))
    values = pending["values"]
    form = ConfirmForm()
    if form.validate_on_submit():
        saved = ContactDetails(
            check=check,
            email=values["email"],
            mobile_e164=values["mobile"],
            backup_e164=values["backup"],
            preferred_language=values["preferred_language"],
            preferred_contact=values["preferred_contact"],
        )
        db.session.add(saved)
        record("contact.saved", check_id=check.id)
        check.step = "done"
        seen(check)
        # The first confirmation completes the check (its message carries the contact details);
        # confirming again later is a change of contact details.
        was_finished = check.completed_at is not None
        finish_if_complete(check, event=outbox.CONTACT_CHANGED if was_finished else None)
        patient_session().pending_contact = None
        db.session.commit()
        remember_typed(saved.id)
        return redirect(url_for("patient.done"))
    region = current_app.config["DEFAULT_PHONE_REGION"]
    return render_template(
        "patient/contact_confirm.html",
        form=form,
        values=values,
        mobile=national_format(values["mobile"], region, current_language()),
        backup=national_format(values["backup"], region, current_language()),
        phone_visit=phone_path(check),
    )


@bp.route("/check/done")
@check_required
def done(check):
    if check.completed_at is None:
        return redirect(url_for("patient.summary"))
    consent = state.latest_consent(check)
    return render_template(
        "patient/done.html",
        check=check,
        code=display_code(check.reference_code),
        declined=consent is not None and consent.decision == ConsentDecision.DECLINED,
        clear_form=StartForm(),
    )


@bp.route("/check/clear", methods=["POST"])
def clear():
    """ "Clear this check from this browser": for a shared computer."""
    form = StartForm()
    if form.validate_on_submit():
        forget_check()
        flash(_("This check was cleared from this browser."))
    return redirect(url_for("patient.start"))
