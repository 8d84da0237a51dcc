from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms import TimeField as BaseTimeField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from ..checks.clean_text import unsafe_characters
from ..forms import Form
from ..vocabulary import VisitChoice


class AppointmentDateField(DateField):
    """A date field whose error says how to write the date, in the staff member's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                _l("Enter the date as year-month-day, for example 2026-12-01.")
            ) from error


class AppointmentTimeField(BaseTimeField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                _l("Enter the time as hours and minutes, for example 14:30.")
            ) from error


class OwnChoiceMessage:
    """An answer missing or not among the choices gets the message of the field's first
    validator (InputRequired), in the staff member's language, rather than WTForms' own."""

    def pre_validate(self, form):
        if not any(choice.selected for choice in self._iter_choices_normalized()):
            raise StopValidation(self.validators[0].message)


class ChoiceField(OwnChoiceMessage, RadioField):
    pass


class StaffChoiceField(OwnChoiceMessage, SelectField):
    pass


def one_line(form, field) -> None:
    """Refuse line breaks, control characters and bidirectional controls."""
    if field.data and unsafe_characters(field.data):
        raise ValidationError(_l("Use one line of ordinary text."))


class InviteForm(Form):
    """One appointment's invitation; the clinician choices are set by the view."""

    appointment_ref = StringField(
        _l("Appointment reference"),
        description=_l("The appointment's number in the scheduling system."),
        validators=[
            DataRequired(_l("Enter the appointment reference from the scheduling system.")),
            Length(max=100, message=_l("Use at most 100 characters.")),
            Regexp(
                r"^[\w./:#-]+$",
                message=_l("Use letters, digits, and - . / : # only, with no spaces."),
            ),
        ],
    )
    appointment_date = AppointmentDateField(
        _l("Date of the visit"),
        validators=[InputRequired(_l("Enter the date of the visit."))],
    )
    appointment_time = AppointmentTimeField(
        _l("Time of the visit"),
        validators=[InputRequired(_l("Enter the time of the visit."))],
    )
    first_name = StringField(
        _l("Patient's first name (optional)"),
        description=_l("Used only to greet the patient. No last name."),
        validators=[
            Optional(),
            Length(max=100, message=_l("Use at most 100 characters.")),
            one_line,
        ],
    )
    language = ChoiceField(
        _l("Patient's language"),
        choices=[SelectChoice("en", _l("English")), SelectChoice("fr", _l("French"))],
        validators=[InputRequired(_l("Choose the patient's language."))],
    )
    clinician_id = StaffChoiceField(
        _l("Clinician responsible"),
        coerce=int,
        validators=[InputRequired(_l("Choose the clinician responsible."))],
    )
    email = EmailField(
        _l("Patient's email (optional)"),
        description=_l("For example, name@example.com."),
        validators=[Optional(), Length(max=254, message=_l("Use at most 254 characters."))],
    )
    mobile = TelField(
        _l("Patient's mobile phone (optional)"),
        description=_l("For text messages. For example, 514 555-0123."),
        validators=[Optional(), Length(max=40, message=_l("Use at most 40 characters."))],
    )
    # Shown only when the service has the settings for that channel; on by default, and used
    # only when the address is given.
    send_email = BooleanField(_l("Send the invitation and reminders by email"), default=True)
    send_sms = BooleanField(_l("Send the invitation and reminders by text message"), default=True)


class DecisionForm(Form):
    choice = ChoiceField(
        _l("How will the visit take place?"),
        choices=[
            SelectChoice(VisitChoice.VIDEO, _l("By video")),
            SelectChoice(VisitChoice.PHONE, _l("By phone")),
            SelectChoice(VisitChoice.IN_PERSON, _l("In person")),
        ],
        validators=[InputRequired(_l("Choose how the visit will take place."))],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        description=_l("For the care team. Not sent to the patient."),
        validators=[Optional(), Length(max=2000, message=_l("Use at most 2,000 characters."))],
    )
