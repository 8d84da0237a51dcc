"""The support desk's pages: find a caller's check, watch it, finish it by phone."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user
from sqlalchemy import select

from .. import throttle
from ..checks import state
from ..checks.codes import display_code
from ..checks.consent import consent_text
from ..checks.contacts import check_contact_details, form_values
from ..extensions import db
from ..models import LANGUAGES, Check, utcnow
from . import actions, bp, scripts
from .check_page import (
    caller_environment,
    fragments,
    is_active,
    last_seen_text,
    spelled,
    step_label,
)
from .forms import (
    ContactForm,
    NoteForm,
    PhoneOutcomeForm,
    SearchForm,
    StartCheckForm,
    VerbalConsentForm,
)
from .search import find_checks, recent_checks, search_fingerprint

CONTACT_FIELDS = ("email", "mobile", "backup", "preferred_language", "preferred_contact")


def find_check(public_id: str) -> Check:
    check = db.session.scalar(select(Check).where(Check.public_id == public_id))
    if check is None:
        abort(404)
    return check


def environment_from_request(check: Check) -> dict:
    return caller_environment(check, request.args.get("system"), request.args.get("browser"))


@bp.route("/")
def index():
    form = SearchForm(request.args)
    searched, by, results = "q" in request.args, None, []
    if searched and form.validate():
        config = current_app.config
        if not throttle.count(
            config["DESK_SEARCH_RATE_LIMIT"], "desk-search", str(current_user.id)
        ):
            form.q.errors.append(
                _("Too many searches in a short time. Wait a minute and try again.")
            )
            actions.record_lookup(current_user.id, [], "refused")
            db.session.commit()
            return render_index(form, StartCheckForm(formdata=None), searched=searched, status=429)
        by, results = find_checks(form.q.data, config["DEFAULT_PHONE_REGION"])
        fingerprint = None if results else search_fingerprint(form.q.data, config["SECRET_KEY"])
        actions.record_lookup(current_user.id, results, by, fingerprint)
        db.session.commit()
    return render_index(
        form, StartCheckForm(formdata=None), searched=searched, by=by, results=results
    )


@bp.route("/checks/new", methods=["POST"])
def start():
    """Start a check for a caller: the agent reads its code out."""
    form = StartCheckForm()
    if not form.validate_on_submit():
        return render_index(SearchForm(formdata=None), form)
    check = actions.start_for_caller(form.language.data, current_user.id)
    db.session.commit()
    return redirect(url_for("desk.check", public_id=check.public_id))


def render_index(form, start_form, searched=False, by=None, results=(), status=None):
    errors = form.errors or start_form.errors
    return render_template(
        "desk/index.html",
        form=form,
        start_form=start_form,
        searched=searched and not form.errors,
        by=by,
        results=results,
        recent=recent_checks(float(current_app.config["DESK_RECENT_HOURS"])),
        step_label=step_label,
        last_seen=last_seen_text,
    ), status or (400 if errors else 200)


@bp.route("/checks/<public_id>")
def check(public_id):
    check = find_check(public_id)
    actions.record_lookup(current_user.id, [check], "open")
    db.session.commit()
    environment = environment_from_request(check)
    return render_template(
        "desk/check.html",
        code=display_code(check.reference_code),
        spelled=spelled(check.reference_code, check.language),
        spelling_language=check.language,
        code_url=url_for("patient.code", lang=check.language, _external=True),
        code_open=state.desk_code_open(
            check, utcnow(), float(current_app.config["DESK_CODE_MINUTES"])
        ),
        environment=environment,
        fragments=fragments(check, environment),
        active=is_active(check),
        last_seen=last_seen_text(check),
        notes=check.notes,
        check=check,
        system_names=scripts.SYSTEM_NAMES,
        browser_names=scripts.BROWSER_NAMES,
        messages=live_messages(),
    )


def live_messages() -> dict:
    """What the page's script says, in the agent's language."""
    return {
        "updated": _("The caller's check was updated: %(parts)s."),
        "parts": {
            "summary": _("where the caller is"),
            "results": _("results"),
            "scripts": _("scripts to read"),
        },
        "stopped": _(
            "Automatic updates are off: the caller has not been active recently. "
            "Reload the page to see the latest."
        ),
        "failed": _("Automatic updates stopped. Reload the page to see the latest."),
    }


@bp.route("/checks/<public_id>/live")
def live(public_id):
    """The parts of the check page that change while the caller goes through the check."""
    check = find_check(public_id)
    return jsonify(
        fragments=fragments(check, environment_from_request(check)),
        active=is_active(check),
        last_seen=last_seen_text(check),
    )


@bp.route("/checks/<public_id>/consent", methods=["GET", "POST"])
def consent(public_id):
    check = find_check(public_id)
    form = VerbalConsentForm()
    language = form.text_language.data if form.is_submitted() else request.args.get("language")
    language = language if language in LANGUAGES else check.language
    text = consent_text(current_app.config, language)
    changed = False
    if form.validate_on_submit():
        if form.text_sha256.data != text.sha256:
            changed = True  # the institution changed the text while the page was open
        else:
            actions.record_verbal_consent(check, current_user.id, form.decision.data, text)
            db.session.commit()
            flash(_("The caller's answer to the consent was recorded."))
            return redirect(url_for("desk.check", public_id=check.public_id))
    form.text_sha256.data = text.sha256
    form.text_language.data = language
    status = 400 if form.errors or changed else 200
    return render_template(
        "desk/consent.html",
        check=check,
        code=display_code(check.reference_code),
        form=form,
        text=text,
        switch_to=next(lang for lang in LANGUAGES if lang != language),
        changed=changed,
        previous=state.latest_consent(check),
    ), status


def saved_contact_values(check: Check) -> dict:
    saved = state.latest_contact(check)
    if saved is None:
        return {"preferred_language": check.language}
    return form_values(saved, current_app.config["DEFAULT_PHONE_REGION"])


def contact_error(code: str) -> str:
    return {
        "email_invalid": _("Enter an email address like name@example.com."),
        "email_needed": _("Enter the caller's email, or choose another way to contact them."),
        "mobile_needed": _(
            "Enter the caller's mobile number, or choose another way to contact them."
        ),
        "phone_unreadable": _("Enter a phone number with digits only, for example 514 555-0123."),
        "phone_premium": _(
            "Numbers starting with 900 or 976 charge the caller. "
            "Enter a number we can call for free."
        ),
    }.get(
        code,
        _(
            "This phone number is not valid. Check it and include the area code (for example "
            "514 555-0123)."
        ),
    )


@bp.route("/checks/<public_id>/contact", methods=["GET", "POST"])
def contact(public_id):
    check = find_check(public_id)
    form = (
        ContactForm() if request.method == "POST" else ContactForm(data=saved_contact_values(check))
    )
    if form.validate_on_submit():
        typed = {name: form[name].data for name in CONTACT_FIELDS}
        values, errors = check_contact_details(typed, current_app.config["DEFAULT_PHONE_REGION"])
        for name, code in errors.items():
            form[name].errors.append(contact_error(code))
        if not errors:
            actions.correct_contact(check, current_user.id, values)
            db.session.commit()
            flash(_("The caller's contact details were saved."))
            return redirect(url_for("desk.check", public_id=check.public_id))
    return render_template(
        "desk/contact.html",
        check=check,
        code=display_code(check.reference_code),
        form=form,
        corrections=len(check.contact_details),
    ), (400 if form.errors else 200)


@bp.route("/checks/<public_id>/outcome", methods=["GET", "POST"])
def outcome(public_id):
    check = find_check(public_id)
    form = PhoneOutcomeForm()
    if form.validate_on_submit():
        actions.record_phone_outcome(check, current_user.id)
        db.session.commit()
        flash(_("Recorded: no suitable device, the visit will be by phone."))
        return redirect(url_for("desk.check", public_id=check.public_id))
    return render_template(
        "desk/outcome.html", check=check, code=display_code(check.reference_code), form=form
    )


@bp.route("/checks/<public_id>/notes", methods=["GET", "POST"])
def note(public_id):
    check = find_check(public_id)
    form = NoteForm()
    if form.validate_on_submit():
        actions.add_note(check, current_user.id, form.text.data)
        db.session.commit()
        flash(_("The note was added."))
        return redirect(url_for("desk.check", public_id=check.public_id))
    return render_template(
        "desk/note.html", check=check, code=display_code(check.reference_code), form=form
    ), (400 if form.errors else 200)
