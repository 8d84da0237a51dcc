"""The sentence a clinician copies into the patient's file: a virtual encounter, and its consent.

Québec's procedure asks the professional to note in the file that the visit was a virtual
encounter and that the patient consented to it. The note is written in the language of the page
(the clinician's), with dates in the institution's time zone.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..formatting import day_in_sentence, short_time
from ..models import ConsentRecord, Invitation, StaffUser, VisitDecision
from ..vocabulary import ConsentDecision, VisitChoice

IN_LANGUAGE = {"en": _l("in English"), "fr": _l("in French")}


def staff_name(staff: StaffUser | None) -> str:
    if staff is None:
        return _("an agent")
    return staff.display_name or staff.email


def encounter_sentence(invitation: Invitation, choice: str) -> str | None:
    """None for an in-person visit: there is no virtual encounter to note."""
    date = day_in_sentence(invitation.appointment_at)
    time = short_time(invitation.appointment_at)
    if choice == VisitChoice.VIDEO:
        return _("Virtual encounter (video) at %(time)s on %(date)s.", date=date, time=time)
    if choice == VisitChoice.PHONE:
        return _("Virtual encounter (telephone) at %(time)s on %(date)s.", date=date, time=time)
    return None


def consent_sentence(consent: ConsentRecord | None) -> str:
    if consent is None:
        return _("No consent to a virtual encounter is on record.")
    values = {
        "date": day_in_sentence(consent.given_at),
        "time": short_time(consent.given_at),
        "version": consent.text_version,
        "in_language": str(IN_LANGUAGE.get(consent.language, consent.language)),
    }
    if consent.method == "verbal_desk":
        values["agent"] = staff_name(consent.staff)
        if consent.decision == ConsentDecision.AGREED:
            return _(
                "The patient gave verbal consent to a virtual encounter to the support desk "
                "(%(agent)s) on %(date)s at %(time)s (consent text version %(version)s, "
                "%(in_language)s).",
                **values,
            )
        return _(
            "The patient declined a virtual encounter, verbally to the support desk (%(agent)s), "
            "on %(date)s at %(time)s (consent text version %(version)s, %(in_language)s).",
            **values,
        )
    if consent.decision == ConsentDecision.AGREED:
        return _(
            "The patient gave consent to a virtual encounter online on %(date)s at %(time)s "
            "(consent text version %(version)s, %(in_language)s).",
            **values,
        )
    return _(
        "The patient declined a virtual encounter online on %(date)s at %(time)s "
        "(consent text version %(version)s, %(in_language)s).",
        **values,
    )


def chart_note(
    invitation: Invitation, decision: VisitDecision | None, consent: ConsentRecord | None
) -> str | None:
    """The note for the file, or None until a video or phone visit is decided."""
    if decision is None:
        return None
    encounter = encounter_sentence(invitation, decision.choice)
    if encounter is None:
        return None
    return f"{encounter} {consent_sentence(consent)}"
