from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class RetryForm(FlaskForm):
    """Only the CSRF token: the message is in the URL."""


class ErasureForm(FlaskForm):
    """An erasure on request: the admin confirms it, since it cannot be undone."""

    confirm = BooleanField(
        _l("The patient asked for their personal data to be erased. This cannot be undone."),
        validators=[DataRequired(_l("Confirm that the patient asked for the erasure."))],
    )
