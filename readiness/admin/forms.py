from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from ..forms import Form


class RetryForm(Form):
    """Only the CSRF token: the message is in the URL."""


class ErasureForm(Form):
    """An erasure on request: the admin confirms it, since it cannot be undone."""

    confirm = BooleanField(
        _l("The patient asked for their personal data to be erased. This cannot be undone."),
        validators=[DataRequired(_l("Confirm that the patient asked for the erasure."))],
    )
