"""What every form shares: text with control characters in it is refused, field by field."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto

from .control_characters import has_control_characters

CONTROL_MESSAGE = _l("Remove the control characters (invisible characters) from this field.")


class Form(FlaskForm):
    """FlaskForm, refusing control characters in any text it was sent, and reading forms only.

    Flask-WTF reads a JSON body as the form's data when there is no form body; a JSON body that
    is not a flat object (`false`, a nested object) then breaks the fields. Our forms come from
    pages, never from JSON: a JSON body is an empty form, and fails validation like one.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and request.is_json and not request.form:
                return None
            return super().wrap_formdata(form, formdata)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            raw = field.raw_data or ()
            if any(isinstance(value, str) and has_control_characters(value) for value in raw):
                field.errors = [*field.errors, CONTROL_MESSAGE]
                valid = False
        return valid
