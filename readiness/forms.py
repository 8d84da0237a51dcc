"""What every form shares: text with control characters in it is refused, field by field."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from .control_characters import has_control_characters

CONTROL_MESSAGE = _l("Remove the control characters (invisible characters) from this field.")


class Form(FlaskForm):
    """FlaskForm, refusing control characters in any text it was sent."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            raw = field.raw_data or ()
            if any(isinstance(value, str) and has_control_characters(value) for value in raw):
                field.errors = [*field.errors, CONTROL_MESSAGE]
                valid = False
        return valid
