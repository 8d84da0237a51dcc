from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..clinic.forms import AppointmentDateField, StaffChoiceField, one_line
from ..clinic.site_capacity import SITE_MAX_LENGTH
from ..forms import Form


class RetryForm(Form):
    """Only the CSRF token: the message is in the URL."""


class ErasureForm(Form):
    """An erasure on request: the admin confirms it, since it cannot be undone."""

    confirm = BooleanField(
        _l("The patient asked for their personal data to be erased. This cannot be undone."),
        validators=[DataRequired(_l("Confirm that the patient asked for the erasure."))],
    )


class ClinicianField(SelectField):
    """The choice is checked by the form's validate_clinician, with our own message."""

    def pre_validate(self, form):
        pass


class InsightsFilterForm(Form):
    """The insights page's filters (a GET form: nothing changes). Clinician choices: the view."""

    class Meta:
        csrf = False

    since = AppointmentDateField(_l("From (first day)"), validators=[Optional()])
    until = AppointmentDateField(_l("To (last day)"), validators=[Optional()])
    clinician = ClinicianField(_l("Clinician"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The last day must not come before the first day."))

    def validate_clinician(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a clinician from the list."))


class StaffSiteForm(Form):
    """A staff member's site (where they work), for the self-checks' per-site view."""

    staff_id = StaffChoiceField(
        _l("Staff member"),
        validators=[InputRequired(_l("Choose a staff member from the list."))],
    )
    site = StringField(
        _l("Site"),
        description=_l("Leave empty when the person works from no single site."),
        validators=[
            Length(
                max=SITE_MAX_LENGTH,
                message=_l("Keep the site's name to %(max)d characters or fewer."),
            ),
            one_line,
        ],
    )
