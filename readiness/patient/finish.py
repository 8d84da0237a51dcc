"""The end of the journey: summary and verdict, consent, contact details, confirmation."""

from datetime import timedelta

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_babel import _

from ..audit import record
from ..checks import state
from ..checks.codes import display_code
from ..checks.consent import consent_text
from ..checks.contacts import check_contact_details, form_values, national_format
from ..checks.reason_labels import label
from ..extensions import db
from ..handoff import outbox
from ..locale import current_language
from ..models import ConsentRecord, ContactDetails, utcnow
from . import bp
from .forms import ConfirmForm, ConsentForm, ContactForm
from .journey import step_url
from .session_check import current_check

PENDING_CONTACT = "pending_contact"
CONTACT_FIELDS = ("email", "mobile", "backup", "preferred_language", "preferred_contact")


def phone_error(code: str) -> str:
    if code == "phone_unreadable":
        return _("Enter a phone number with digits only, for example 514 555-0123.")
    return _("This phone number does not exist. Check it and include the area code.")


# A page view writes "last seen" at most this often: the support desk's "seen 2 minutes ago"
# needs no more, and every write is a turn at the embedded database's one writer.
SEEN_EVERY = timedelta(seconds=10)


def seen(check) -> None:
    check.last_seen_at = utcnow()
    check.touch()


def viewed(check, step: str) -> None:
    """A page of the check was shown: write (and commit) only if the step or a stale
    "last seen" changes, so that most page views only read."""
    now = utcnow()
    if check.step != step or check.last_seen_at is None or now - check.last_seen_at >= SEEN_EVERY:
        check.step = step
        seen(check)
        db.session.commit()


@bp.route("/check/summary")
def summary():
    check = current_check()
    if check is None:
        return redirect(url_for("patient.start"))
    result = state.overall_for(check)
    viewed(check, "summary")
    return render_template(
        "patient/summary.html",
        overall=result,
        labels=[label(code) for code in result.reasons],
        back_url=step_url("setting"),
        missing_urls={part: step_url(part) for part in result.missing},
    )


@bp.route("/check/consent", methods=["GET", "POST"])
def consent():
    check = current_check()
    if check is None:
        return redirect(url_for("patient.start"))
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
                    method="online",
                )
            )
            record("consent.recorded", check_id=check.id, details={"decision": form.decision.data})
            check.step = "consent"
            seen(check)
            outbox.enqueue(db.session, outbox.CONSENT_RECORDED, check)
            db.session.commit()
            return redirect(url_for("patient.contact"))
    elif not form.is_submitted():
        previous = state.latest_consent(check)
        if previous:
            form.decision.data = previous.decision
    form.text_sha256.data = text.sha256
    status = 400 if form.errors or changed else 200
    return render_template("patient/consent.html", form=form, text=text, changed=changed), status


def contact_form_values(check) -> dict:
    """What the contact form starts with: what was typed last, or what was saved last."""
    pending = session.get(PENDING_CONTACT)
    if pending:
        return pending["typed"]
    saved = state.latest_contact(check)
    if saved is None:
        return {"preferred_language": g.lang}
    return form_values(saved, current_app.config["DEFAULT_PHONE_REGION"])


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
def contact():
    check = current_check()
    if check is None:
        return redirect(url_for("patient.start"))
    if state.latest_consent(check) is None:
        return redirect(url_for("patient.consent"))
    if request.method == "POST":
        form = ContactForm()
    else:
        form = ContactForm(data=contact_form_values(check))
    if form.validate_on_submit():
        values = check_contact(form, current_app.config["DEFAULT_PHONE_REGION"])
        if values is not None:
            typed = {name: form[name].data for name in CONTACT_FIELDS}
            session[PENDING_CONTACT] = {"typed": typed, "values": values}
            return redirect(url_for("patient.contact_confirm"))
    status = 400 if form.errors else 200
    return render_template("patient/contact.html", form=form), status


@bp.route("/check/contact/confirm", methods=["GET", "POST"])
def contact_confirm():
    check = current_check()
    if check is None:
        return redirect(url_for("patient.start"))
    pending = session.get(PENDING_CONTACT)
    if not pending or state.latest_consent(check) is None:
        return redirect(url_for("patient.contact"))
    values = pending["values"]
    form = ConfirmForm()
    if form.validate_on_submit():
        db.session.add(
            ContactDetails(
                check=check,
                email=values["email"],
                mobile_e164=values["mobile"],
                backup_e164=values["backup"],
                preferred_language=values["preferred_language"],
                preferred_contact=values["preferred_contact"],
            )
        )
        record("contact.saved", check_id=check.id)
        db.session.flush()
        check.verdict = state.final_verdict(check)
        check.verdict_reasons = state.overall_for(check).reasons
        declined = getattr(state.latest_consent(check), "decision", None) == "declined"
        check.outcome = "consent_declined" if declined else None
        # The first confirmation completes the check (its message carries the contact details);
        # confirming again later is a change of contact details.
        event = outbox.CHECK_COMPLETED if check.completed_at is None else outbox.CONTACT_CHANGED
        check.completed_at = utcnow()
        check.step = "done"
        seen(check)
        record("check.completed", check_id=check.id, details={"verdict": check.verdict})
        outbox.enqueue(db.session, event, check)
        db.session.commit()
        session.pop(PENDING_CONTACT, None)
        return redirect(url_for("patient.done"))
    region = current_app.config["DEFAULT_PHONE_REGION"]
    return render_template(
        "patient/contact_confirm.html",
        form=form,
        values=values,
        mobile=national_format(values["mobile"], region, current_language()),
        backup=national_format(values["backup"], region, current_language()),
    )


@bp.route("/check/done")
def done():
    check = current_check()
    if check is None:
        return redirect(url_for("patient.start"))
    if check.completed_at is None:
        return redirect(url_for("patient.summary"))
    consent = state.latest_consent(check)
    return render_template(
        "patient/done.html",
        check=check,
        code=display_code(check.reference_code),
        declined=consent is not None and consent.decision == "declined",
    )
