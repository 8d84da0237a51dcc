"""The support desk's forms. Messages are in the agent's own language."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..clinic.forms import ChoiceField
from ..forms import Form
from ..vocabulary import CallResult, ConsentDecision

LANGUAGE_CHOICES = [SelectChoice("en", _l("English")), SelectChoice("fr", _l("French"))]


class SearchForm(Form):
    """A look-up by reference code, phone number or email (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Reference code, phone number or email"),
        description=_l("For example K7P-4QX, 514 555-0123 or name@example.org."),
        validators=[
            DataRequired(_l("Enter a reference code, a phone number or an email address.")),
            Length(max=254),
        ],
    )


class StartCheckForm(Form):
    language = RadioField(
        _l("The caller's language"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired(_l("Choose the caller's language."))],
    )


class VerbalConsentForm(Form):
    read_aloud = BooleanField(
        _l("I read the whole text above to the caller."),
        validators=[DataRequired(_l("Confirm that you read the whole text to the caller."))],
    )
    decision = RadioField(
        _l("The caller's answer"),
        choices=[
            SelectChoice(ConsentDecision.AGREED, _l("The caller agreed to a video visit")),
            SelectChoice(
                ConsentDecision.DECLINED, _l("The caller declined: a visit by phone or in person")
            ),
        ],
        validators=[InputRequired(_l("Choose the caller's answer."))],
    )
    text_language = HiddenField()
    text_sha256 = HiddenField()


class ContactForm(Form):
    """The caller's contact details; the rules are readiness.contacts.check_contact_details."""

    email = EmailField(
        _l("Email (optional)"),
        description=_l("For example, name@example.com."),
        validators=[Optional(), Length(max=254)],
    )
    mobile = TelField(
        _l("Mobile phone for text messages (optional)"),
        description=_l("For example, 514 555-0123."),
        validators=[Optional(), Length(max=40)],
    )
    backup = TelField(
        _l("Phone number to call if the video stops"),
        description=_l("It can be the same as the mobile phone."),
        validators=[
            InputRequired(_l("Enter a phone number to call if the video stops.")),
            Length(max=40),
        ],
    )
    preferred_language = RadioField(
        _l("Language for messages"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired(_l("Choose a language."))],
    )
    preferred_contact = RadioField(
        _l("How the caller wants to be contacted before the visit"),
        choices=[
            SelectChoice("email", _l("By email")),
            SelectChoice("sms", _l("By text message")),
            SelectChoice("phone", _l("By phone call")),
        ],
        validators=[InputRequired(_l("Choose how to contact the caller."))],
    )


class PhoneOutcomeForm(Form):
    """The button that records: no suitable device, the visit will be by phone."""


class NoteForm(Form):
    text = TextAreaField(
        _l("Note"),
        description=_l("What happened on the call. The note is kept with the check."),
        validators=[
            DataRequired(_l("Write the note.")),
            Length(max=2000, message=_l("A note can have at most 2,000 characters.")),
        ],
    )


class CallForm(Form):
    """What came of a call to a patient ahead of the visit."""

    result = ChoiceField(
        _l("What came of the call?"),
        choices=[
            SelectChoice(CallResult.REACHED, _l("Reached the patient")),
            SelectChoice(CallResult.LEFT_MESSAGE, _l("Left a message")),
            SelectChoice(CallResult.NO_ANSWER, _l("No answer")),
        ],
        validators=[InputRequired(_l("Choose what came of the call."))],
    )
