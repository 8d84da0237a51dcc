from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, RadioField, SelectChoice, StringField, TelField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from ..forms import Form
from ..vocabulary import ConsentDecision


class CodeForm(Form):
    code = StringField(
        _l("Code given by the support desk"),
        description=_l("8 letters and numbers, for example K7PM-4QX9."),
        validators=[DataRequired(_l("Enter the code the support desk gave you.")), Length(max=20)],
    )


class StartForm(Form):
    """No fields: the button that starts a check, protected against cross-site posts."""


class ConsentForm(Form):
    decision = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice(ConsentDecision.AGREED, _l("Yes, I agree to have my visit by video")),
            SelectChoice(
                ConsentDecision.DECLINED, _l("No, I prefer a visit by phone or in person")
            ),
        ],
        validators=[InputRequired(_l("Choose whether you agree to a video visit."))],
    )
    text_sha256 = HiddenField()


PHONE_VISIT_LABEL = _l("Phone number where we can call you for the visit")
PHONE_VISIT_REQUIRED = _l("Enter a phone number where we can call you for the visit.")


class ContactForm(Form):
    """Contact details; the checks that need the institution's phone region are in the view."""

    email = EmailField(
        _l("Email (optional)"),
        description=_l("For example, name@example.com."),
        validators=[Optional(), Length(max=254)],
    )
    mobile = TelField(
        _l("Mobile phone (optional)"),
        description=_l("For text messages. For example, 514 555-0123."),
        validators=[Optional(), Length(max=40)],
    )
    backup = TelField(
        _l("Phone number to call if the video stops"),
        description=_l(
            "A number where we can reach you during the visit. It can be the same as your mobile."
        ),
        validators=[
            InputRequired(_l("Enter a phone number we can call if the video stops.")),
            Length(max=40),
        ],
    )
    preferred_language = RadioField(
        _l("Language for messages"),
        choices=[SelectChoice("en", _l("English")), SelectChoice("fr", _l("French"))],
        validators=[InputRequired(_l("Choose a language."))],
    )
    preferred_contact = RadioField(
        _l("How should we contact you before the visit?"),
        choices=[
            SelectChoice("email", _l("By email")),
            SelectChoice("sms", _l("By text message")),
            SelectChoice("phone", _l("By phone call")),
        ],
        validators=[InputRequired(_l("Choose how we should contact you."))],
    )

    def for_phone_visit(self) -> None:
        """On the phone-visit path the backup number is the number to call for the visit
        (French review M17), not one for when the video stops."""
        self.backup.label.text = str(PHONE_VISIT_LABEL)
        self.backup.validators = [InputRequired(PHONE_VISIT_REQUIRED), Length(max=40)]


class ConfirmForm(Form):
    """The button that saves what the patient has just read back."""


def yes_no(label, error) -> RadioField:
    return RadioField(
        label,
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(error)],
    )


class SettingForm(Form):
    """The patient's own checklist about where they will be during the visit."""

    private_place = yes_no(
        _l("Will you be in a private place where you can talk freely?"),
        _l("Say whether you will be in a private place."),
    )
    public_wifi = yes_no(
        _l("Will you use a public or shared Wi-Fi (café, library, hotel, shared building)?"),
        _l("Say whether you will use a public or shared Wi-Fi."),
    )
    phone_at_hand = yes_no(
        _l("Will you have a phone at hand in case the video stops?"),
        _l("Say whether you will have a phone at hand."),
    )
    headset = yes_no(
        _l("Do you have a headset or earphones you can use?"),
        _l("Say whether you have a headset or earphones."),
    )


class HandoverForm(Form):
    """The "Continue on your phone" button: which page it was on, to come back and move on."""

    back = HiddenField(validators=[AnyOf(("devices", "summary"))])
